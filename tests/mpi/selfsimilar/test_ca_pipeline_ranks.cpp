// The CA self-similar pipeline (simulate -> train -> evaluate) gives the 1-rank result on any rank
// count: the data-parallel trainer sums the same global batches, evaluation sums are reduced.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "learn/selfsimilar/selfsimilar_evaluate_stage.hpp"
#include "learn/selfsimilar/selfsimilar_train_stage.hpp"
#include "sim/cellular_automata/ca_simulate_stage.hpp"
#include "test_support.hpp"

using namespace macrodyn;

namespace macrodyn {
void register_selfsimilar_stages(StageRegistry& registry);
}

namespace {

const char* kDeck = R"(
[[stage]]
kind = "simulate"
system = "cellular_automata"
file = "ca.h5"
rules = [60, 204]
samples_per_rule = 8
width = 24
steps = 24
seed = 3

[[stage]]
kind = "train"
method = "selfsimilar"
data = "ca.h5"
file = "models.h5"
group_sizes = [2, 3]
holdout = 0.25
dynamics_batch = 30
dynamics_epochs = 3
dynamics_restarts = 1
coarse_batch = 16
coarse_epochs = 2
coarse_restarts = 1

[[stage]]
kind = "evaluate"
method = "selfsimilar"
data = "ca.h5"
models = "models.h5"
file = "results.h5"
patterns = [60]
)";

void run_deck(MPI_Comm comm, const std::string& dir) {
  StageRegistry registry;
  registry.add("simulate", "cellular_automata", ca::make_ca_simulate_stage, "");
  register_selfsimilar_stages(registry);
  auto deck = Deck::from_string(kDeck, "test");
  RunContext ctx;
  ctx.comm = comm;
  ctx.run_dir = dir;
  ctx.progress_interval_s = 1e9;
  for (const auto& stage : deck.root().tables("stage")) registry.create(stage)->run(ctx);
}

double max_difference(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}

}  // namespace

TEST_CASE("CA self-similar pipeline is rank-count invariant", "[selfsimilar][mpi]") {
  const test::ScratchDir scratch("selfsimilar_mpi");
  const std::string& dir = scratch.path();
  run_deck(MPI_COMM_WORLD, dir);
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    REQUIRE(::mkdir((dir + "/ref").c_str(), 0755) == 0);
    run_deck(MPI_COMM_SELF, dir + "/ref");
    const auto world = io::H5File::open_read(dir + "/results.h5", MPI_COMM_SELF);
    const auto self = io::H5File::open_read(dir + "/ref/results.h5", MPI_COMM_SELF);
    CHECK(world.read_all<double>("/accuracy") == self.read_all<double>("/accuracy"));
    CHECK(max_difference(world.read_all<double>("/consistency"), self.read_all<double>("/consistency")) < 1e-9);
    CHECK(max_difference(world.read_all<double>("/reconstruction"), self.read_all<double>("/reconstruction")) < 1e-9);
    const auto mw = io::H5File::open_read(dir + "/models.h5", MPI_COMM_SELF);
    const auto ms = io::H5File::open_read(dir + "/ref/models.h5", MPI_COMM_SELF);
    for (const char* name : {"/rule60/dynamics/parameters/0.weight", "/rule204/N3/coarse_grainer/parameters/0.weight",
                             "/rule60/N2/decoder/parameters/0.bias"})
      CHECK(max_difference(mw.read_all<double>(name), ms.read_all<double>(name)) < 1e-9);
  }
}
