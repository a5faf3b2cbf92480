#pragma once
// simulate stage, system = "vicsek": noise sweep of the Vicsek model (vicsek_model.hpp) for several box
// sizes, K repeats each ([Self-similar dynamics] §III.C, Fig. 6a).
//
// Deck keys (defaults):
//   file_prefix = "vicsek"         run files <prefix>_L<L>_eta<i>_k<k>.h5 (+ .xdmf), <prefix>_summary.h5
//   sizes = [32, 64]               box sides L (integers)
//   etas = [1.0, 1.25, 1.5, 1.75, 2.0, 2.25]   noise amplitudes
//   repeats = 3                    K independent runs per (L, eta)
//   steps = 1000                   time steps per run
//   transient = 300                steps left out of the phi statistics
//   rho = 0.3, radius = 1.0, speed = 1.0, dt = 1.0
//   noise = "uniform"              "uniform" (xi ~ U[-1/2, 1/2]) | "uniform_pi" (xi ~ U[-pi/2, pi/2])
//   lattice_every = 1              lattice frame every k steps (0: none); needs radius <= 1
//   lattice_start = 0              first step with a lattice frame
//   lattice_max_L = 256            no lattice frames for boxes larger than this (sweeps up to large L)
//   seed = 1                       run (L, eta index i, repeat k) uses stream L * 2^20 + i * 2^10 + k
//
// Run file: /phi (steps+1) phi(t) for t = 0..steps; /lattice (frames, 3, L, L) (time, channel, y, x)
// with channels count, mean vx, mean vy and /lattice_step (frames); attributes L, N, eta, rho, ...
// Summary: /sizes, /etas, /phi_mean and /phi_std (nL, neta, K): mean and standard deviation over
// t in [transient, steps] of every run. Every dataset is bitwise the same on any rank count.
//   stop_check_every = 10          steps between polls of the stop flag (SIGTERM/SIGUSR1)
//   restart = true                 resume from <prefix>.checkpoint.h5 when it exists
// Stop and resume: at the first poll after a stop signal the current run's file is committed as far
// as it got (attribute complete = 0), the summary of finished runs is written, and the sweep state
// (run, step, phi so far, particles) goes to <prefix>.checkpoint.h5 (vicsek_checkpoint.hpp). Rerunning
// the deck on any rank count copies the run's lattice frames into a new file and continues: every
// file is bitwise the uninterrupted sweep's. The checkpoint is removed when the sweep completes; one
// written by a deck with other sweep-shaping keys is refused.
#include "core/stage.hpp"

namespace macrodyn::vicsek {

std::unique_ptr<Stage> make_vicsek_simulate_stage(const ConfigTable& table);

}  // namespace macrodyn::vicsek
