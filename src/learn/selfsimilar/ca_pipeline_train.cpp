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

}  // namespace

CaTrainConfig parse_ca_train(const ConfigTable& t) {
  CaTrainConfig c;
  c.data = t.get_string("data", c.data);
  c.file = t.get_string("file", c.file);
  c.rules = t.get_ints("rules", {}, Range::closed(0, 255));
  c.group_sizes = t.get_ints("group_sizes", c.group_sizes, Range::closed(1, 16));
  c.holdout = t.get_double("holdout", c.holdout, Range::closed(0.0, 0.9));
  c.self_similar = t.get_bool("self_similar", true);
  // Stage 1 defaults: Adam, weight decay 5e-4, batch 90 (the authors' CA setting) but lr 1e-2: at
  // lr 1e-3 the weight decay holds XOR-like rules (60, 90, 150) at the symmetric point (loss ln 2).
  c.dynamics = parse_options(t, "dynamics_", 30, 1e-2, 5e-4, 1e-4);
  c.coarse = parse_options(t, "coarse_", 10, 1e-2, 0.0, 0.0);
  c.coarse.consistency_weight = t.get_double("consistency_weight", 0.0, Range::non_negative());
  c.coarse.autoencode_weight = t.get_double("autoencode_weight", 1.0, Range::non_negative());
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
  std::vector<double> groups(config.group_sizes.begin(), config.group_sizes.end());
  out.set_attr("/", "group_sizes", groups);
  std::vector<double> rule_list(rules.begin(), rules.end());
  out.set_attr("/", "rules", rule_list);

  for (const int rule : rules) {
    const CaRuleData data = dataset.load(rule);
    const long n_train = data.n_train(config.holdout);
    const int W = static_cast<int>(data.width);
    const std::string rg = "/rule" + std::to_string(rule);
    CaTrainOptions dopt = config.dynamics;
    dopt.progress_interval_s = ctx.progress_interval_s;
    dopt.label = "selfsimilar ca rule" + std::to_string(rule) + " dynamics";
    auto f = make_ca_dynamics<double>(W, dopt.seed + 1000 * static_cast<uint64_t>(rule));
    const auto dcurve = train_ca_dynamics<double>(ctx.comm, data, n_train, dopt, *f);
    const int table = ca_truth_table_correct<double>(*f, rule, W);
    log::info("selfsimilar ca rule", rule, ": dynamics loss ", dcurve.back(), " after ", dcurve.size(),
              " epochs, truth table ", table, "/8");
    nn::save_model(out, rg + "/dynamics", *f);
    write_curve(out, rg + "/dynamics_loss", dcurve);

    for (const long long n : config.group_sizes) {
      const int N = static_cast<int>(n);
      if (W % N != 0) fail(config.data, ": width ", W, " is not a multiple of group size ", N);
      const int M = W / N;
      const uint64_t s = config.coarse.seed + 1000 * static_cast<uint64_t>(rule) + 100 * static_cast<uint64_t>(N);
      auto macro = make_ca_macro_dynamics<double>(M, s);
      if (config.self_similar) copy_parameters<double>(*f, *macro);
      MacroPipeline<double> pipeline(make_ca_coarse_grainer<double>(N, W, s), macro, make_ca_decoder<double>(N, M, s),
                                     !config.self_similar);
      CaTrainOptions copt = config.coarse;
      copt.seed = s;
      copt.progress_interval_s = ctx.progress_interval_s;
      copt.label = "selfsimilar ca rule" + std::to_string(rule) + " N" + std::to_string(N);
      const auto curve = train_ca_coarse_graining<double>(ctx.comm, data, n_train, N, copt, pipeline);
      const std::string ng = rg + "/N" + std::to_string(N);
      nn::save_model(out, ng + "/coarse_grainer", pipeline.encoder());
      nn::save_model(out, ng + "/decoder", pipeline.decoder());
      nn::save_model(out, ng + "/macro_dynamics", pipeline.dynamics());
      write_curve(out, ng + "/loss", curve);
      log::info("selfsimilar ca rule", rule, " N", N, ": reconstruction loss ", curve.back());
    }
  }
  out.commit();
}

}  // namespace macrodyn::selfsimilar
