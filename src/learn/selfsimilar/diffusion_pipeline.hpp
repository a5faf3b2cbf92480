#pragma once
// The diffusion pipeline of the self-similar framework (self-similar dynamics paper, sec. III B,
// Fig. 4-5, S3), run by the train and evaluate stages with system = "diffusion" on the output of
// the simulate stage system = "diffusion" (/<dataset>/density (runs, rows, sites) for datasets
// dt_0.. (random walkers, one time step each) and exact (lattice heat kernel, the dt -> 0 limit)).
// Densities are scaled by the number of sites (mean 1). Runs [0, n_train) train, the rest are held out.
//
// train_diffusion: per dataset: the dynamics learner f (diffusion_networks.hpp) on row pairs (MSE),
//   then per (S, T) pair the coarse-grainer and decoder with f frozen and shared (reconstruction of
//   the next block + autoencoding, as the CA pipeline), best of coarse_restarts by training loss.
//   self_similar = false: the non-self-similar baseline (Fig. 7): the macro dynamics F starts from
//   its own initialisation and is trained jointly with the coarse-grainer and decoder.
//   Models file: /<dataset>/dynamics, /<dataset>/S<s>_T<t>/{coarse_grainer, macro_dynamics,
//   decoder}, loss curves; attribute self_similar.
// evaluate_diffusion: on the held-out runs: micro prediction MSE of f; consistency (eq. 6) and its
//   value relative to mean P(X)^2 (a linear coarse-grainer's scale is arbitrary); reconstruction
//   MSE; diffusion coefficients: D_kernel from the learnt kernel's variance, D_micro from the decay
//   of the longest Fourier mode of the data, D_macro from that of the coarse-grained data P(X) in
//   macro sites per macro step (equal to D_micro when T = S^2).
//   Prints `selfsimilar diffusion <dataset> S<s> T<t> consistency <c>` (and D lines); results file
//   /datasets (names, comma separated attribute), /dt, /D_kernel, /D_micro, /micro_mse per dataset,
//   /table_dataset, /table_S, /table_T, /consistency, /relative_consistency, /reconstruction, /D_macro.
#include <string>
#include <vector>

#include "core/stage.hpp"
#include "learn/selfsimilar/ca_training.hpp"

namespace macrodyn::selfsimilar {

struct DiffusionTrainConfig {
  std::string data = "diffusion.h5";
  std::string file = "selfsimilar_diffusion_models.h5";
  std::vector<std::string> datasets = {"dt_0", "dt_1", "dt_2", "dt_3", "exact"};
  std::vector<long long> space_groups = {2, 3, 2};
  std::vector<long long> time_groups = {4, 9, 2};
  int kernel = 7;
  double holdout = 0.25;
  long coarse_restarts = 2;
  bool self_similar = true;
  CaTrainOptions dynamics, coarse;
};

struct DiffusionEvaluateConfig {
  std::string data = "diffusion.h5";
  std::string models = "selfsimilar_diffusion_models.h5";
  std::string file = "selfsimilar_diffusion_results.h5";
};

DiffusionTrainConfig parse_diffusion_train(const ConfigTable& t);
DiffusionEvaluateConfig parse_diffusion_evaluate(const ConfigTable& t);
void train_diffusion(const DiffusionTrainConfig& config, RunContext& ctx);
void evaluate_diffusion(const DiffusionEvaluateConfig& config, RunContext& ctx);

}  // namespace macrodyn::selfsimilar
