#pragma once
// simulate stage, system = "oscillator": harmonic-oscillator (u, v) pairs (harmonic_oscillator.hpp).
//
// Deck keys (defaults):
//   file = "oscillator.h5"   output file in the run directory
//   samples = 2048           number of pairs (the paper's training set size)
//   init_half_width = 1.0    x0, p0 ~ U(-a, a)
//   tau_max = 2 pi           tau ~ U(0, tau_max)
//   seed = 1                 CounterRng seed; sample g uses uniform(g, 0, k), k = 0 (x0), 1 (p0), 2 (tau)
//
// Output: /u (n, 2) = (x0, p0); /v (n, 2) = (x_tau, p_tau); /tau (n); /energy (n) = H(u) (= H(v)).
// Samples are split in contiguous blocks over the ranks (collective hyperslab writes); the data
// do not depend on the rank count.
#include "core/stage.hpp"

namespace macrodyn::oscillator {

std::unique_ptr<Stage> make_oscillator_simulate_stage(const ConfigTable& table);

}  // namespace macrodyn::oscillator
