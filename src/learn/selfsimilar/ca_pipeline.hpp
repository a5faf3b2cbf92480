#pragma once
// The cellular-automaton pipeline of the self-similar framework (self-similar dynamics paper,
// sec. III A, Table I, Fig. 3, Fig. 7 / S5), run by the train and evaluate stages.
//
// train_ca: for every rule: train the dynamics learner f on the micro rows (stage 1), then (rules
//   in coarse_rules, default all) for every group size N train the coarse-grainer P and decoder P' with f frozen and
//   shared at the macro level (stage 2; self_similar = false trains a macro dynamics of the same architecture with its
//   own parameters instead: the non-self-similar baseline). Models file: /rule<R>/dynamics,
//   /rule<R>/N<n>/{coarse_grainer, decoder, macro_dynamics} (nn/model_io layout), loss curves /rule<R>/dynamics_loss
//   and /rule<R>/N<n>/loss (per epoch).
// evaluate_ca: on the held-out samples of every rule: next-state accuracy and the truth-table
//   probe of f, and for every N the consistency (eq. 6) and the reconstruction MSE; prints
//   `selfsimilar ca rule<R> accuracy <a>` and `selfsimilar ca rule<R> N<n> consistency <c>`.
//   Results file: /rule, /accuracy, /truth_table (per rule); /table_rule, /table_group,
//   /consistency, /binary_consistency, /reconstruction (per rule and N; absent without stage 2);
//   /patterns/rule<R>/micro (rows, W) of the first held-out sample and /patterns/rule<R>/N<n>/{macro, prediction}: P of
//   every block and F(P(block)) of every block but the last, for the rules listed in `patterns` (Fig. 3).
#include <string>
#include <vector>

#include "core/stage.hpp"
#include "learn/selfsimilar/ca_training.hpp"

namespace macrodyn::selfsimilar {

struct CaTrainConfig {
  std::string data = "cellular_automata.h5";
  std::string file = "selfsimilar_ca_models.h5";
  std::vector<long long> rules;         // empty: every rule in the data
  std::vector<long long> coarse_rules;  // rules that get stage 2 (empty: all of `rules`)
  std::vector<long long> group_sizes = {2, 3, 4};
  double holdout = 0.1;
  bool self_similar = true;
  bool binary_macrostates = true;  // coarse-grainer ends with StraightThroughBinarize
  long dynamics_restarts = 5;  // at most this many stage-1 runs: repeated while a training cell is
  double dynamics_restart_loss = 1e-2;  // predicted wrong or the last loss > dynamics_restart_loss
  long coarse_restarts = 4;  // stage 2 runs from this many initialisations; lowest loss kept
  CaTrainOptions dynamics;   // stage 1
  CaTrainOptions coarse;     // stage 2
};

struct CaEvaluateConfig {
  std::string data = "cellular_automata.h5";
  std::string models = "selfsimilar_ca_models.h5";
  std::string file = "selfsimilar_ca_results.h5";
  std::vector<long long> patterns = {60, 85};
};

CaTrainConfig parse_ca_train(const ConfigTable& t);
CaEvaluateConfig parse_ca_evaluate(const ConfigTable& t);
void train_ca(const CaTrainConfig& config, RunContext& ctx);
void evaluate_ca(const CaEvaluateConfig& config, RunContext& ctx);

}  // namespace macrodyn::selfsimilar
