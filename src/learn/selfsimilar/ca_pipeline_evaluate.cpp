#include <algorithm>
#include <cstdio>

#include "core/log.hpp"
#include "io/provenance.hpp"
#include "learn/selfsimilar/ca_metrics.hpp"
#include "learn/selfsimilar/ca_networks.hpp"
#include "learn/selfsimilar/ca_pipeline.hpp"
#include "nn/model_io.hpp"

namespace macrodyn::selfsimilar {
namespace {

// Rows of a (features, B) tensor written as a (B, features) dataset.
void write_columns(io::H5File& file, const std::string& name, const nn::Tensor<double>& t) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), t);
  std::vector<double> rows(t.size());
  for (size_t b = 0; b < t.extent(1); ++b)
    for (size_t i = 0; i < t.extent(0); ++i) rows[b * t.extent(0) + i] = h(i, b);
  file.write_replicated(name, {static_cast<hsize_t>(t.extent(1)), static_cast<hsize_t>(t.extent(0))}, rows.data());
}

// Fig. 3 data: the micro space-time pattern of held-out sample `sample` and, per group size, the
// coarse-grained pattern P(X_tau) and the one-step macro prediction F(P(X_tau)).
void write_micro_pattern(io::H5File& file, const std::string& group, const CaRuleData& d, long sample) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), d.cells);
  std::vector<double> rows(static_cast<size_t>(d.rows * d.width));
  for (long t = 0; t < d.rows; ++t)
    for (long x = 0; x < d.width; ++x) rows[static_cast<size_t>(t * d.width + x)] = h(sample, t, x);
  file.write_replicated(group + "/micro", {static_cast<hsize_t>(d.rows), static_cast<hsize_t>(d.width)}, rows.data());
}

void write_macro_pattern(io::H5File& file, const std::string& group, MacroPipeline<double>& pipeline,
                         const CaRuleData& d, long sample, int N) {
  const long taus = d.rows / N - 1;
  std::vector<int64_t> ids(static_cast<size_t>(taus));
  for (long k = 0; k < taus; ++k) ids[static_cast<size_t>(k)] = k;
  nn::Tensor<double> x_now, x_next, target, y;
  gather_macro_pairs(d, sample, N, to_device_ids(ids), x_now, x_next, target);
  pipeline.forward(x_now, y, false);
  write_columns(file, group + "/macro", pipeline.macro_state());
  write_columns(file, group + "/prediction", pipeline.macro_prediction());
}

}  // namespace

CaEvaluateConfig parse_ca_evaluate(const ConfigTable& t) {
  CaEvaluateConfig c;
  c.data = t.get_string("data", c.data);
  c.models = t.get_string("models", c.models);
  c.file = t.get_string("file", c.file);
  c.patterns = t.get_ints("patterns", c.patterns, Range::closed(0, 255));
  return c;
}

void evaluate_ca(const CaEvaluateConfig& config, RunContext& ctx) {
  const CaDataset dataset(ctx.path(config.data), ctx.comm);
  const auto models = io::H5File::open_read(ctx.path(config.models), ctx.comm);
  const double holdout = models.attr_double("/", "holdout");
  const bool binary = models.attr_int("/", "binary_macrostates") != 0;
  std::vector<int> rules, groups;
  for (const double r : models.attr_doubles("/", "rules")) rules.push_back(static_cast<int>(r));
  const auto group_attr = models.attr_doubles("/", "group_sizes");  // count, then the sizes
  for (size_t i = 1; i < group_attr.size(); ++i) groups.push_back(static_cast<int>(group_attr[i]));

  std::vector<std::string> result_lines;
  std::vector<double> rule_col, accuracy, truth, table_rule, table_group, consistency, binary_consistency,
      reconstruction;
  auto out = io::H5File::create(ctx.path(config.file), ctx.comm);
  io::write_provenance(out, ctx);
  out.set_attr("/", "system", std::string("cellular_automata"));
  for (const int rule : rules) {
    const CaRuleData data = dataset.load(rule);
    const long first = data.n_train(holdout), count = data.samples - first;
    const int W = static_cast<int>(data.width);
    const std::string rg = "/rule" + std::to_string(rule);
    auto f = make_ca_dynamics<double>(W, 0);
    nn::load_model(models, rg + "/dynamics", *f);
    const double acc = ca_next_state_accuracy<double>(ctx.comm, *f, data, first, count);
    const int table = ca_truth_table_correct<double>(*f, rule, W);
    rule_col.push_back(rule);
    accuracy.push_back(acc);
    truth.push_back(table);
    log::info("selfsimilar ca rule" + std::to_string(rule) + " accuracy " + std::to_string(acc));
    const bool pattern = std::find(config.patterns.begin(), config.patterns.end(), rule) != config.patterns.end();
    if (pattern) write_micro_pattern(out, "/patterns" + rg, data, first);

    if (!models.has_attr(rg, "coarse_grained")) continue;
    for (const int N : groups) {
      const int M = W / N;
      const std::string ng = rg + "/N" + std::to_string(N);
      auto P = make_ca_coarse_grainer<double>(N, W, 0, binary);
      auto F = make_ca_macro_dynamics<double>(M, 0);
      auto D = make_ca_decoder<double>(N, M, 0);
      nn::load_model(models, ng + "/coarse_grainer", *P);
      nn::load_model(models, ng + "/macro_dynamics", *F);
      nn::load_model(models, ng + "/decoder", *D);
      MacroPipeline<double> pipeline(P, F, D, false);
      const auto m = ca_block_metrics<double>(ctx.comm, pipeline, data, first, count, N);
      table_rule.push_back(rule);
      table_group.push_back(N);
      consistency.push_back(m.consistency);
      binary_consistency.push_back(m.binary_consistency);
      reconstruction.push_back(m.reconstruction);
      char line[160];
      std::snprintf(line, sizeof line, "selfsimilar ca rule%d N%d consistency %.6g", rule, N, m.consistency);
      result_lines.push_back(line);
      log::info("selfsimilar ca rule", rule, " N", N, ": binary consistency ", m.binary_consistency,
                ", reconstruction ", m.reconstruction);
      if (pattern) write_macro_pattern(out, "/patterns" + ng, pipeline, data, first, N);
    }
  }
  for (const auto& line : result_lines) log::info(line);  // the result lines close the stage's output
  auto put = [&out](const std::string& name, const std::vector<double>& v) {
    if (!v.empty()) out.write_replicated(name, {static_cast<hsize_t>(v.size())}, v.data());  // no empty datasets
  };
  put("/rule", rule_col);
  put("/accuracy", accuracy);
  put("/truth_table", truth);
  put("/table_rule", table_rule);
  put("/table_group", table_group);
  put("/consistency", consistency);
  put("/binary_consistency", binary_consistency);
  put("/reconstruction", reconstruction);
  out.commit();
}

}  // namespace macrodyn::selfsimilar
