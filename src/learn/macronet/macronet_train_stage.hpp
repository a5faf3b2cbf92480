#pragma once
// train stage, method = "macronet": learns phi_u, phi_v on (u, v) pairs (MacroNet paper sec. 3,
// Appendix A.3) with the data-parallel trainer and writes the model file.
//
// Deck keys (defaults):
//   data = "pairs.h5"        simulate stage output in the run directory; u = "/u", v = "/v" its datasets,
//                            u_features = [] and v_channels = "as_stored" (pair_dataset.hpp)
//   samples = 0              use the first `samples` pairs (0: all)
//   model = "macronet.h5"    output model file (architecture as attributes, parameters under /model)
//   shared_weights = false   phi_v = phi_u (time invariants)
//   macro_dims = 1           D, the macrostate dimension
//   phi_u = { ... }, phi_v = { ... }   per-side architecture (macronet_flow.hpp): noise_dims = 0,
//                            noise_sigma = 1e-3, blocks = 20, hidden = 64, coupling = "realnvp",
//                            activation = "relu", lipschitz = 0.9; phi_v is ignored when shared;
//                            phi_v = { network = "cnn", channels = [16, 32, 32, 32] }: one-sided
//   gamma = 0.5              weight of the NLL terms
//   optimizer = "nadam"      "nadam" | "adam";  lr = 5e-3, weight_decay = 0
//   lr_step_epochs = 0, lr_gamma = 1.0   lr x lr_gamma every lr_step_epochs epochs (0: constant)
//   epochs = 200, batch_size = 256, clip_norm = 0 (none), seed = 1
//   precision = "double"     "double" | "float"
//   checkpoint_every = 0     steps between checkpoints (<model>.ckpt.h5; also written on a stop
//                            signal and at the end);  resume = true: continue from it if present
//   bn_recalibration_batches = 50   after training, training-mode forwards without updates over at
//                            least this many global batches (whole epochs) so that the batch-norm
//                            running statistics match the final parameters (0: one pass, for the log)
// Log lines per epoch; at the end "macronet train loss <total>" and the file's attributes
// final_loss, prediction, nll_u, nll_v (mean over the training set, training-mode statistics).
#include <memory>

#include "core/stage.hpp"

namespace macrodyn::macronet {

std::unique_ptr<Stage> make_macronet_train_stage(const ConfigTable& table);

}  // namespace macrodyn::macronet
