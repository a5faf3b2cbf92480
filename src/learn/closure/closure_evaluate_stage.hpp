#pragma once
// evaluate stage, method = "closure": predicts held-out trajectories with trained latent models.
//
// Keys (defaults):
//   autoencoder = "closure_autoencoder.h5"   the frozen autoencoder (train stage, phase autoencoder)
//   data = "test.h5"                         simulate-stage output with the test trajectories
//   models = ["closure_latent.h5"]           latent-model files (train stage, phase latent)
//   dt = 0.01                                RK4 step of the latent ODE; must divide the snapshot spacing
//   trajectories = 0                         first K test trajectories (0: all)
//   output = "closure_evaluation.h5"
// For each test trajectory the true latent path is the encoder applied to every snapshot; the
// prediction encodes the initial state and integrates dz/dt = g(z) with RK4. Error per trajectory,
// on the fixed-observable dims only (norms not squared, as the reference computes it):
//   e = sum_t |zhat_t - z_t|_2 / sum_t |z_t|_2,   reported as the mean (and std) over trajectories.
// Prints, on rank 0, per model: "closure <system> <label> time_s <latent training seconds>", and last
// "closure <system> <label> mean_relative_error <value>" for every model in the order given.
//
// Output schema (HDF5, stable; read by postprocess/closure_*.py):
//   /times                 (T)          snapshot times of the test data (T: the longest kept trajectory)
//   /true                  (K, T, d)    encoded true latent trajectories (all d dims); a trajectory
//                                       shorter than T (Allen-Cahn /snapshots_kept) is NaN after its end
//                                       in /true and /predictions, and its error uses its own snapshots
//   /lengths               (K)          snapshots of each test trajectory
//   /predictions           (M, K, T, d) predicted latent trajectories, one block per model
//   /errors                (M, K)       relative error per model and test trajectory
//   /mean_relative_error   (M)          mean over trajectories;  /std_relative_error (M)
//   /train_time_s          (M)          latent training time of each model (from its file)
//   /autoencoder_time_s    scalar dataset (1)
//   attributes on "/": method = "closure", system, labels (";"-joined model labels), losses
//   (";"-joined L_z | L_x | L_x,p), models (";"-joined paths), observable_dims (int), dt,
//   latent_dim (int), plus the provenance attributes of every macrodyn file.
#include "core/stage.hpp"

namespace macrodyn::closure {

std::unique_ptr<Stage> make_closure_evaluate_stage(const ConfigTable& table);

}  // namespace macrodyn::closure
