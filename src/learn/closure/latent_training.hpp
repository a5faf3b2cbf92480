#pragma once
// Latent-dynamics training of the closure method.
//
// build_latent_targets(): per configuration, the frozen encoder's Jacobian J (d x N, via the
// autoencoder's exact input Jacobian) and the sample's quadratic form (latent_targets.hpp) for L_z,
// L_x or L_x,p; the configurations are split over the ranks and the forms allgathered (each is
// computed by one rank, identically for any rank count). Inputs are z normalised with the
// autoencoder's statistics.
// train_latent(): the data-parallel trainer over these forms, the model's output de-normalised
// (g_phys = g * dz_std + dz_mean) before entering the loss; AdamW (decoupled weight decay) with the
// reduce-on-plateau schedule on the epoch loss (plateau_optimizer.hpp).
#include <mpi.h>

#include <string>
#include <vector>

#include "core/timers.hpp"
#include "learn/closure/closure_autoencoder.hpp"
#include "learn/closure/closure_data.hpp"
#include "learn/closure/latent_targets.hpp"
#include "learn/closure/plateau_optimizer.hpp"

namespace macrodyn::closure {

LatentTargets build_latent_targets(MPI_Comm comm, ClosureAutoencoder& ae, const ClosureData& data, LatentLoss loss);

struct LatentTrainingOptions {
  long epochs = 2000;
  long batch_size = 256;
  double learning_rate = 5e-3, weight_decay = 0.0;
  PlateauOptions plateau;
  uint64_t seed = 1;
  std::string checkpoint;
  double progress_interval_s = 10;
};

struct LatentTrainingResult {
  std::vector<double> loss, learning_rate;  // per epoch
  std::vector<double> validation_loss;      // per epoch, when validation targets were given
  long best_epoch = 0;                      // epoch whose parameters were restored (validation only)
  double seconds = 0;
  bool stopped = false;
};

// With `validation` (targets of held-out trajectories, e.g. L_x,p ones: E_I L_x,p = L_x, so their mean
// is an unbiased estimate of the held-out L_x), the loss on them is computed after every epoch and the
// model ends with the parameters of the epoch where it was lowest (early stopping: a model trained on
// noisy partial-force targets fits their noise once it has fitted the dynamics). The best parameters
// are tracked from the start of this call, so after a resume from a checkpoint only from there.
LatentTrainingResult train_latent(MPI_Comm comm, nn::Layer<float>& model, const LatentTargets& targets,
                                  const LatentNormalization& norm, const LatentTrainingOptions& options,
                                  Timers* timers = nullptr, const LatentTargets* validation = nullptr);

struct LatentBatchBuffers {
  Tensor z, g, dg;
};
// weight * sum over the samples ids of their loss at g_phys = model(z) * dz_std + dz_mean; when
// backprop, ADDS the matching parameter gradient.
double latent_batch_loss(nn::Layer<float>& model, const LatentTargets& targets, const LatentNormalization& norm,
                         const std::vector<int64_t>& ids, double weight, bool backprop, LatentBatchBuffers& buffers);

// Mean loss of a model over all targets (no gradient).
double latent_loss_value(nn::Layer<float>& model, const LatentTargets& targets, const LatentNormalization& norm);

}  // namespace macrodyn::closure
