#include <algorithm>

#include "core/log.hpp"
#include "io/provenance.hpp"
#include "learn/selfsimilar/ca_metrics.hpp"
#include "learn/selfsimilar/ca_networks.hpp"
#include "learn/selfsimilar/ca_pipeline.hpp"
#include "nn/model_io.hpp"

namespace macrodyn::selfsimilar {
namespace {

CaTrainOptions parse_options(const ConfigTable& t, const std::string& prefix, long epochs, double lr, double wd,
                             double stop_loss) {
  CaTrainOptions o;
  o.batch = t.get_int(prefix + "batch", 90, Range::at_least(1));
  o.epochs = t.get_int(prefix + "epochs", epochs, Range::at_least(1));
  o.lr = t.get_double(prefix + "lr", lr, Range::positive());
  o.weight_decay = t.get_double(prefix + "weight_decay", wd, Range::non_negative());
  o.stop_loss = t.get_double(prefix + "stop_loss", stop_loss, Range::non_negative());
  return o;
}

void write_curve(io::H5File& file, const std::string& name, const std::vector<double>& curve) {
  file.write_replicated(name, {static_cast<hsize_t>(curve.size())}, curve.data());
}

constexpr uint64_t kRestartSeedStep = 7919;

// Stage 1 with restarts. A CA rule is deterministic, so a learnt f predicts every training cell
// right; a run that does not (stuck at the symmetric point ln 2 of XOR-like rules, or a rare
// neighbourhood left on the wrong side: e.g. rule 132, ~0.1% of the cells) or whose last loss stays
// above restart_loss is repeated from a new initialisation. The kept run predicts the most training
// cells right, ties broken by the lower last loss. Only training data decide (never the rule).
struct DynamicsRun {
  std::shared_ptr<nn::Sequential<double>> model;
  CaDynamicsFit fit;
  bool better_than(const DynamicsRun& o) const {
    if (!o.model) return true;
    if (fit.training_accuracy != o.fit.training_accuracy) return fit.training_accuracy > o.fit.training_accuracy;
    return fit.curve.back() < o.fit.curve.back();
  }
};

DynamicsRun train_rule_dynamics(const CaTrainConfig& config, const RunContext& ctx, const CaRuleData& data,
                                long n_train, long* runs) {
  DynamicsRun best;
  const int W = static_cast<int>(data.width);
  for (*runs = 1;; ++*runs) {
    CaTrainOptions opt = config.dynamics;
    opt.seed = config.dynamics.seed + 1000 * static_cast<uint64_t>(data.rule) + kRestartSeedStep * (*runs - 1);
    opt.progress_interval_s = ctx.progress_interval_s;
    opt.label = "selfsimilar ca rule" + std::to_string(data.rule) + " dynamics";
    DynamicsRun run;
    run.model = make_ca_dynamics<double>(W, opt.seed);
    run.fit = train_ca_dynamics<double>(ctx.comm, data, n_train, opt, *run.model);
    log::info("selfsimilar ca rule", data.rule, ": dynamics run ", *runs - 1, " loss ", run.fit.curve.back(),
              " after ", run.fit.curve.size(), " epochs, training accuracy ", run.fit.training_accuracy,
              ", truth table ", ca_truth_table_correct<double>(*run.model, data.rule, W), "/8");
    if (run.better_than(best)) best = std::move(run);
    const bool fitted = best.fit.training_accuracy == 1.0 && best.fit.curve.back() < config.dynamics_restart_loss;
    if (fitted || *runs >= config.dynamics_restarts) break;
  }
  return best;
}

// Stage 2 with restarts: every restart trains P and P' from a new initialisation (f frozen, or the
// baseline's own macro dynamics); the lowest last training loss wins.
std::unique_ptr<MacroPipeline<double>> train_rule_coarse_graining(const CaTrainConfig& config, const RunContext& ctx,
                                                                  const CaRuleData& data, long n_train, int N,
                                                                  nn::Sequential<double>& f,
                                                                  std::vector<double>* curve) {
  const int W = static_cast<int>(data.width);
  if (W % N != 0) fail(config.data, ": width ", W, " is not a multiple of group size ", N);
  const int M = W / N;
  std::unique_ptr<MacroPipeline<double>> best;
  for (long r = 0; r < config.coarse_restarts; ++r) {
    const uint64_t s = config.coarse.seed + 1000 * static_cast<uint64_t>(data.rule) + 100 * static_cast<uint64_t>(N) +
                       kRestartSeedStep * r;
    auto macro = make_ca_macro_dynamics<double>(M, s);
    if (config.self_similar) copy_parameters<double>(f, *macro);
    auto pipeline =
        std::make_unique<MacroPipeline<double>>(make_ca_coarse_grainer<double>(N, W, s, config.binary_macrostates),
                                                macro, make_ca_decoder<double>(N, M, s), !config.self_similar);
    CaTrainOptions opt = config.coarse;
    opt.seed = s;
    opt.progress_interval_s = ctx.progress_interval_s;
    opt.label = "selfsimilar ca rule" + std::to_string(data.rule) + " N" + std::to_string(N);
    const auto c = train_ca_coarse_graining<double>(ctx.comm, data, n_train, N, opt, *pipeline);
    log::info("selfsimilar ca rule", data.rule, " N", N, ": run ", r, " training loss ", c.back());
    if (!best || c.back() < curve->back()) {
      best = std::move(pipeline);
      *curve = c;
    }
  }
  return best;
}

}  // namespace

CaTrainConfig parse_ca_train(const ConfigTable& t) {
  CaTrainConfig c;
  c.data = t.get_string("data", c.data);
  c.file = t.get_string("file", c.file);
  c.rules = t.get_ints("rules", {}, Range::closed(0, 255));
  c.coarse_rules = t.get_ints("coarse_rules", {}, Range::closed(0, 255));
  c.group_sizes = t.get_ints("group_sizes", c.group_sizes, Range::closed(1, 16));
  c.holdout = t.get_double("holdout", c.holdout, Range::closed(0.0, 0.9));
  c.self_similar = t.get_bool("self_similar", true);
  c.binary_macrostates = t.get_bool("binary_macrostates", true);
  // Stage 1 defaults: Adam and batch 90 (the authors' CA setting), but lr 1e-2 and no weight decay.
  // The authors' weight decay 5e-4 holds a neighbourhood seen in ~0.1% of the training cells on the
  // wrong side (rules 104 and 185: 99.83% / 99.86% held-out accuracy after 5 restarts; without it
  // the 16 rules slowest to fit all reach 100%), and at lr 1e-3 it holds XOR-like rules (60, 90, 150)
  // at the symmetric point (loss ln 2).
  c.dynamics = parse_options(t, "dynamics_", 30, 1e-2, 0.0, 1e-4);
  c.coarse = parse_options(t, "coarse_", 10, 1e-2, 0.0, 0.0);
  c.coarse.consistency_weight = t.get_double("consistency_weight", 0.0, Range::non_negative());
  c.coarse.autoencode_weight = t.get_double("autoencode_weight", 1.0, Range::non_negative());
  c.dynamics_restarts = t.get_int("dynamics_restarts", 5, Range::at_least(1));
  c.dynamics_restart_loss = t.get_double("dynamics_restart_loss", 1e-2, Range::non_negative());
  c.coarse_restarts = t.get_int("coarse_restarts", 4, Range::at_least(1));
  const long long seed = t.get_int("seed", 1, Range::at_least(0));
  c.dynamics.seed = static_cast<uint64_t>(seed);
  c.coarse.seed = static_cast<uint64_t>(seed) + 1;
  return c;
}

void train_ca(const CaTrainConfig& config, RunContext& ctx) {
  const CaDataset dataset(ctx.path(config.data), ctx.comm);
  std::vector<int> rules;
  if (config.rules.empty()) {
    rules = dataset.rules();
  } else {
    for (const long long r : config.rules) rules.push_back(static_cast<int>(r));
  }
  auto out = io::H5File::create(ctx.path(config.file), ctx.comm);
  io::write_provenance(out, ctx);
  out.set_attr("/", "system", std::string("cellular_automata"));
  out.set_attr("/", "holdout", config.holdout);
  out.set_attr("/", "self_similar", static_cast<int64_t>(config.self_similar));
  out.set_attr("/", "binary_macrostates", static_cast<int64_t>(config.binary_macrostates));
  std::vector<double> groups(config.group_sizes.begin(), config.group_sizes.end());
  groups.insert(groups.begin(), double(groups.size()));  // count first: an attribute is never empty
  out.set_attr("/", "group_sizes", groups);
  std::vector<double> rule_list(rules.begin(), rules.end());
  out.set_attr("/", "rules", rule_list);

  for (const int rule : rules) {
    const CaRuleData data = dataset.load(rule);
    const long n_train = data.n_train(config.holdout);
    const std::string rg = "/rule" + std::to_string(rule);
    long runs = 0;
    const DynamicsRun dynamics = train_rule_dynamics(config, ctx, data, n_train, &runs);
    auto f = dynamics.model;
    nn::save_model(out, rg + "/dynamics", *f);
    write_curve(out, rg + "/dynamics_loss", dynamics.fit.curve);
    out.set_attr(rg, "dynamics_runs", static_cast<int64_t>(runs));
    out.set_attr(rg, "dynamics_training_accuracy", dynamics.fit.training_accuracy);
    const bool coarse = config.coarse_rules.empty() || std::find(config.coarse_rules.begin(), config.coarse_rules.end(),
                                                                 rule) != config.coarse_rules.end();
    if (!coarse) continue;
    out.set_attr(rg, "coarse_grained", int64_t(1));
    for (const long long n : config.group_sizes) {
      std::vector<double> curve;
      auto pipeline = train_rule_coarse_graining(config, ctx, data, n_train, static_cast<int>(n), *f, &curve);
      const std::string ng = rg + "/N" + std::to_string(n);
      nn::save_model(out, ng + "/coarse_grainer", pipeline->encoder());
      nn::save_model(out, ng + "/decoder", pipeline->decoder());
      nn::save_model(out, ng + "/macro_dynamics", pipeline->dynamics());
      write_curve(out, ng + "/loss", curve);
    }
  }
  out.commit();
}

}  // namespace macrodyn::selfsimilar
