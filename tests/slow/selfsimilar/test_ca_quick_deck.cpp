// The quick CA deck (inputs/selfsimilar/ca_quick.toml) end to end: simulate -> train -> evaluate.
// Both rules must be learnt (>= 99.9% held-out next-state accuracy), and the learnt coarse-grainings
// must reproduce the self-similar dynamics paper's Table I verdicts for rule 60 at N = 2 and rule
// 85 at N = 3 (consistency < 1e-3) and for rule 60 at N = 3, rule 85 at N = 2 (consistency > 0.05).
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "learn/selfsimilar/selfsimilar_evaluate_stage.hpp"
#include "learn/selfsimilar/selfsimilar_train_stage.hpp"
#include "sim/cellular_automata/ca_simulate_stage.hpp"
#include "test_support.hpp"

using namespace macrodyn;

TEST_CASE("Quick CA deck: rules learnt, Table I verdicts for rules 60 and 85", "[selfsimilar][slow]") {
  const test::ScratchDir dir("selfsimilar_quick");
  auto deck = Deck::from_file(std::string(MACRODYN_SOURCE_DIR) + "/inputs/selfsimilar/ca_quick.toml");
  RunContext ctx;
  ctx.comm = MPI_COMM_WORLD;
  ctx.run_dir = dir.path();
  ctx.progress_interval_s = 1e9;
  for (const auto& table : deck.root().tables("stage")) {
    const std::string kind = table.get_string("kind", "");
    if (kind == "simulate") {
      table.get_string("system", "");
      ca::make_ca_simulate_stage(table)->run(ctx);
    } else {
      table.get_string("method", "");
      (kind == "train" ? selfsimilar::make_selfsimilar_train_stage(table)
                       : selfsimilar::make_selfsimilar_evaluate_stage(table))
          ->run(ctx);
    }
  }
  const auto f = io::H5File::open_read(ctx.path("results.h5"), MPI_COMM_WORLD);
  for (const double a : f.read_all<double>("/accuracy")) CHECK(a >= 0.999);
  const auto rules = f.read_all<double>("/table_rule"), groups = f.read_all<double>("/table_group");
  const auto consistency = f.read_all<double>("/consistency");
  std::map<std::pair<int, int>, double> c;
  for (size_t i = 0; i < rules.size(); ++i) c[{int(rules[i]), int(groups[i])}] = consistency[i];
  CHECK(c.at({60, 2}) < 1e-3);
  CHECK(c.at({85, 3}) < 1e-3);
  CHECK(c.at({60, 3}) > 0.05);
  CHECK(c.at({85, 2}) > 0.05);
  CHECK(c.at({85, 4}) > 0.05);
}
