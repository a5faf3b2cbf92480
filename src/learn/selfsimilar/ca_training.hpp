#pragma once
// Data-parallel training of the two stages of the self-similar framework on one CA rule
// (self-similar dynamics paper, eqs. 7-8), through nn::DataParallelTrainer (rank-count invariant).
//
// train_ca_dynamics: f on micro pairs (row t -> row t+1) of training samples [0, n_train), loss =
//   per-site mean two-class NLL, Adam (coupled weight decay). Trains the per-site form of f
//   (make_ca_site_dynamics: one GEMM per layer for the whole batch) and copies the result into
//   `dynamics`, the conv model. Stops after `epochs` or after the first epoch whose mean loss is
//   below stop_loss (> 0) and that predicts every training cell right.
// train_ca_coarse_graining: the MacroPipeline's parameters (P, P' and, for the baseline, F) on macro
//   block pairs, loss = mean squared reconstruction error of the next block (paper eq. 8) plus
//   autoencode_weight times the error of decoding P(X_{t+1}) itself plus consistency_weight times
//   the mean consistency over macro sites.
// Both return the mean training loss of every epoch (the loss curve); stage 1 also the final
// training accuracy.
#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

#include "learn/selfsimilar/ca_dataset.hpp"
#include "learn/selfsimilar/macro_pipeline.hpp"
#include "nn/sequential.hpp"

namespace macrodyn::selfsimilar {

struct CaTrainOptions {
  long batch = 90;
  long epochs = 20;
  double lr = 1e-3;
  double weight_decay = 5e-4;
  double stop_loss = 0.0;           // 0: never stop early
  double consistency_weight = 0.0;  // stage 2: weight of the consistency |F(P(X_t)) - P(X_{t+1})|^2
  double autoencode_weight = 0.0;   // stage 2: weight of |X_{t+1} - P'(P(X_{t+1}))|^2 (macro_pipeline.hpp)
  uint64_t seed = 1;
  double progress_interval_s = 10.0;
  std::string label = "selfsimilar";
};

// The shared loop: Adam on model.parameters(), DataParallelTrainer over n_samples ids, one entry per
// epoch in the returned curve (stops early once an epoch's loss is below stop_loss and, when given,
// fitted() holds; fitted is called on every rank).
template <class T>
std::vector<double> run_training_epochs(MPI_Comm comm, nn::Layer<T>& model, const CaTrainOptions& opt, long n_samples,
                                        const std::function<double(const std::vector<int64_t>&, double)>& loss,
                                        const std::function<bool()>& fitted = {});

struct CaDynamicsFit {
  std::vector<double> curve;     // mean training loss per epoch
  double training_accuracy = 0;  // fraction of the training cells the final f predicts right
};

template <class T>
CaDynamicsFit train_ca_dynamics(MPI_Comm comm, const CaRuleData& data, long n_train, const CaTrainOptions& opt,
                                nn::Sequential<T>& dynamics);

template <class T>
std::vector<double> train_ca_coarse_graining(MPI_Comm comm, const CaRuleData& data, long n_train, int group,
                                             const CaTrainOptions& opt, MacroPipeline<T>& pipeline);

}  // namespace macrodyn::selfsimilar
