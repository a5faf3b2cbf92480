#pragma once
// train stage, method = "closure" ("Learning macroscopic dynamics from partial microscopic
// observations"). Paths are relative to the run directory unless absolute.
//
// phase = "autoencoder"  (L_AE = mse + lambda_cond mean (kappa(J J^T) - 1)^2, then frozen)
//   data = "train.h5"          simulate-stage output (/states; system attribute selects phi*)
//   configurations = 0         first n configurations in trajectory order (0: all)
//   latent_dim = 4             d, including the fixed observables (predator-prey: 2 means)
//   hidden = [32, 32]          encoder widths (the decoder mirrors them); activation = "softplus"
//   lambda_cond = 1e-6, epochs = 10, batch_size = 256, learning_rate = 1e-4, weight_decay = 1e-4,
//   betas = [0.9, 0.95] (Adam, coupled decay as the reference), seed = 1
//   output = "closure_autoencoder.h5"  -> /autoencoder (model + /normalization), /loss/reconstruction,
//                                         /loss/condition (per epoch), /kappa (first <= 1024 configs),
//                                         attributes time_s, lambda_cond, configurations
// phase = "latent"  (g trained with L_z | L_x | L_x,p on the frozen encoder)
//   autoencoder = "closure_autoencoder.h5", data = "train.h5", configurations = 0
//   snapshot_stride = 1        every this many kept snapshots of each trajectory, then the first n
//                              (so n configurations spread over more trajectories; not for LJ files)
//   loss = "L_x,p"             L_z and L_x need /forces, L_x,p /partial_forces (the simulate stage's)
//   model = "mlp", hidden = [32, 32], epochs = 2000, batch_size = 256, learning_rate = 5e-3,
//   weight_decay = 0 (AdamW, decoupled), plateau_factor = 0.5, plateau_patience = 100,
//   min_learning_rate = 5e-6, seed = 1, label = <loss>   (name printed by the evaluate stage)
//   restarts = 1               > 1: models from seeds seed, seed + 1, ...; the best is kept (each
//                              finished one is kept as <output>.restart<r> until the end, so a resumed
//                              run does not train it again)
//   select_by = "loss"         what "best" means: "loss" the lowest final training loss, "rollout" the
//                              lowest mean relative error of RK4 rollouts (the evaluate stage's measure)
//                              on the first selection_trajectories = 10 trajectories of the training
//                              data, at step selection_dt (0: their snapshot spacing)
//   output = "closure_latent.h5" -> /latent (model spec attributes + /latent/model), /loss (per epoch),
//                                   /learning_rate (per epoch), attributes loss, label, time_s,
//                                   precompute_s, configurations, snapshot_stride, partial_coordinates,
//                                   final_loss, restart_final_losses (restarts > 1),
//                                   restart_rollout_errors, selection_trajectories (select_by = "rollout")
// Both phases checkpoint to <output>.ckpt on a stop signal (SIGTERM/SIGUSR1) and resume from it when
// the stage runs again; the checkpoint is removed once the output is written.
#include "core/stage.hpp"

namespace macrodyn::closure {

std::unique_ptr<Stage> make_closure_train_stage(const ConfigTable& table);

// Path of a stage file: absolute as given, else inside the run directory.
std::string stage_path(const RunContext& ctx, const std::string& name);

}  // namespace macrodyn::closure
