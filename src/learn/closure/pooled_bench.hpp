#pragma once
// bench closure_pooled: memory and time of the pooled LJ closure model (pooled_autoencoder.hpp) at a given
// atom count, atoms split over the ranks - the scaling the dense encoder cannot reach (its first layer alone
// is 6N x hidden).
//
//   mpirun -n P macrodyn bench closure_pooled --atoms 1000000 [--configurations 4 --epochs 2 --partial_atoms 50
//        --latent_dim 32 --hidden [64, 64] --chunk_atoms 8192 --lambda_cond 1e-5 --latent_samples 256
//        --latent_epochs 20]
// Synthetic LJ-like microstates (scaled displacements ~ N(0, 0.3^2), velocities ~ N(0, 1) per coordinate,
// drawn per global atom id, so every rank count sees the same data), each rank holding only its atoms. Prints
//   bench closure_pooled ae_epoch_s               one autoencoder epoch (L_AE with the condition-number loss,
//                                                 exact gradient, Adam) over `configurations` (one batch)
//   bench closure_pooled ae_total_s               all epochs + the setup pass (moment and input scaling)
//   bench closure_pooled ae_total_cpu_s_max_rank  process CPU seconds of ae_total_s, max over ranks (the work per
//                                                 rank, readable on a machine shared with other jobs)
//   bench closure_pooled latent_precompute_s      the L_x,p forms of those configurations: reduced Gram
//                                                 matrix + Jacobian columns of `partial_atoms` atoms each
//   bench closure_pooled latent_precompute_cpu_s_max_rank   its process CPU seconds, max over ranks
//   bench closure_pooled latent_epoch_ms          one L_x,p epoch over `latent_samples` forms (MLP 128-128)
//   bench closure_pooled peak_rss_mb              peak resident memory, max over ranks (whole process)
//   bench closure_pooled states_mb_per_rank       this rank's share of the microstates
//   bench closure_pooled jacobian_mb_per_rank     J of one configuration on one rank if held (d x 6N/P floats;
//                                                 it is streamed in chunks: chunk_mb is what is resident)
//   bench closure_pooled chunk_mb                 working set of one chunk of atoms
//   bench closure_pooled model_kb                 parameters (per-atom network + decoder), independent of N
//   bench closure_pooled dense_first_layer_mb     what a dense encoder's first layer (6N x hidden floats) would take
#include "core/stage.hpp"

namespace macrodyn::closure {

std::unique_ptr<Stage> make_pooled_closure_bench(const ConfigTable& table);

}  // namespace macrodyn::closure
