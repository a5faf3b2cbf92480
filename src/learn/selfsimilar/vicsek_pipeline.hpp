#pragma once
// The Vicsek-lattice pipeline of the self-similar framework ([Self-similar dynamics] §III.C, Fig. 6),
// run by the train and evaluate stages with system = "vicsek" on the output of the simulate stage
// system = "vicsek" (<prefix>_summary.h5 and one run file per (L, eta, repeat) with lattice frames).
// Every run is learnt on its own: frames with steps in [first_step, last_step] (vicsek_data.hpp),
// the first 1 - holdout of them train, the end of the run is held out.
//
// train_vicsek: per run: the dynamics learner f (vicsek_networks.hpp) on frame pairs x_t -> x_{t+1}
//   (MSE), then per (T, S) pair the coarse-grainer P and decoder P' with f frozen and shared at the
//   macro level, trained on |X_{t+1} - P'(f(P(X_t)))|^2 plus autoencode_weight |X_{t+1} -
//   P'(P(X_{t+1}))|^2 (macro_pipeline.hpp); best of coarse_restarts by training loss.
//   self_similar = false: the non-self-similar baseline (Fig. 7): the macro dynamics F starts from
//   its own initialisation and is trained jointly with P and P'.
//   Models file: /runs (names, attribute), /<run>/dynamics, /<run>/T<t>_S<s>/{coarse_grainer,
//   macro_dynamics, decoder}, loss curves; attributes time_groups, space_groups, hidden,
//   coarse_hidden, first_step, last_step, self_similar.
// evaluate_vicsek: per run on the held-out frames: micro prediction error (MSE of f per feature),
//   the data's variance per feature (for relative errors), and per (T, S): reconstruction error
//   (MSE of P'(f(P(X_t))) vs X_{t+1}; reconstruction_leading: the same over the first min(T) frames
//   of X_{t+1} only, so pairs with different T are compared on the same frames), consistency (eq. 6,
//   MSE of f(P(X_t)) vs P(X_{t+1})) and relative consistency (divided by the mean of P(X_{t+1})^2: a
//   linear P's scale is arbitrary).
//   Order parameter: the summary's phi mean and std over [transient, steps] of the run.
//   Prints `selfsimilar vicsek L<L> eta<eta> k<k> micro <m>` and `... T<t> S<s> reconstruction <r>
//   first<K> <r_K> consistency <c> relative <r>`; results file: /L, /eta, /repeat, /phi_mean,
//   /phi_std, /micro_mse, /persistence_mse (|x_{t+1} - x_t|^2), /variance, /time_groups,
//   /space_groups, /reconstruction, /reconstruction_leading (attribute leading_frames), /consistency
//   and /relative_consistency (runs, groups).
#include <string>
#include <vector>

#include "core/stage.hpp"
#include "learn/selfsimilar/ca_training.hpp"

namespace macrodyn::selfsimilar {

struct VicsekTrainConfig {
  std::string data_prefix = "vicsek";
  std::string file = "selfsimilar_vicsek_models.h5";
  std::vector<long long> sizes;  // empty: every size of the sweep
  std::vector<long long> time_groups = {4, 2};
  std::vector<long long> space_groups = {2, 2};
  long first_step = 700, last_step = 999;
  int hidden = 8;
  int coarse_hidden = 0;  // 0: linear P and P'; H > 0: one hidden ReLU layer of H channels
                          // (vicsek_networks.hpp)
  double holdout = 0.25;
  long coarse_restarts = 1;
  bool self_similar = true;
  CaTrainOptions dynamics, coarse;
};

struct VicsekEvaluateConfig {
  std::string data_prefix = "vicsek";
  std::string models = "selfsimilar_vicsek_models.h5";
  std::string file = "selfsimilar_vicsek_results.h5";
};

// One run of the sweep: file <prefix>_L<L>_eta<i>_k<k>.h5 and its summary entries.
struct VicsekRun {
  std::string name;
  long L = 0, eta_index = 0, repeat = 0;
  double eta = 0, phi_mean = 0, phi_std = 0;
};
std::vector<VicsekRun> vicsek_runs(const std::string& summary_path, MPI_Comm comm, const std::string& prefix,
                                   const std::vector<long long>& sizes);

VicsekTrainConfig parse_vicsek_train(const ConfigTable& t);
VicsekEvaluateConfig parse_vicsek_evaluate(const ConfigTable& t);
void train_vicsek(const VicsekTrainConfig& config, RunContext& ctx);
void evaluate_vicsek(const VicsekEvaluateConfig& config, RunContext& ctx);

}  // namespace macrodyn::selfsimilar
