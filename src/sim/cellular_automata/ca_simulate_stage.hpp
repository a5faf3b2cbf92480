#pragma once
// simulate stage, system = "cellular_automata": space-time datasets of elementary cellular automata.
//
// Deck keys (defaults):
//   file = "cellular_automata.h5"   output file in the run directory
//   rules = [0, 1, ..., 255]        Wolfram rule numbers (each in [0, 255])
//   samples_per_rule = 4            independent initial rows per rule
//   width = 64                      periodic row length W
//   steps = 64                      recorded time steps T (T+1 rows including the first)
//   burn_in = 0                     steps evolved and discarded before the first recorded row
//   init = "random"                 "random": cell = 1 with probability `density`; "single": one 1 at W/2
//   density = 0.5                   probability of a 1 in a random initial row
//   seed = 1                        CounterRng seed; cell x of sample g is uniform(g, 0, x) < density
//
// Output (sample g = rule_index * samples_per_rule + s, so rules are contiguous blocks):
//   /spacetime  uint8  (n_samples, T+1, W)   s(t, x), row 0 = first recorded row
//   /rule       int32  (n_samples)           rule of every sample
//   attributes on "/": width, steps, burn_in, samples_per_rule, init, density, seed, system
// Samples are split in contiguous blocks over the ranks and written as collective hyperslabs; the
// data depend only on (seed, g), never on the rank count.
#include "core/stage.hpp"

namespace macrodyn::ca {

std::unique_ptr<Stage> make_ca_simulate_stage(const ConfigTable& table);

}  // namespace macrodyn::ca
