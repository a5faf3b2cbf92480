// The Vicsek-lattice self-similar pipeline (simulate -> train -> evaluate) gives the 1-rank result on
// any rank count: the simulator's frames are rank-count invariant, the data-parallel trainer sums
// the same global batches, evaluation runs the same held-out chunks on every rank.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "learn/selfsimilar/selfsimilar_evaluate_stage.hpp"
#include "learn/selfsimilar/selfsimilar_train_stage.hpp"
#include "sim/vicsek/vicsek_simulate_stage.hpp"
#include "test_support.hpp"

using namespace macrodyn;

namespace macrodyn {
void register_selfsimilar_stages(StageRegistry& registry);
}

namespace {

const char* kDeck = R"(
[[stage]]
kind = "simulate"
system = "vicsek"
sizes = [8]
etas = [1.0, 2.0]
repeats = 1
steps = 60
transient = 20
lattice_every = 1
lattice_start = 30

[[stage]]
kind = "train"
method = "selfsimilar"
system = "vicsek"
file = "models.h5"
time_groups = [4, 2]
space_groups = [2, 2]
first_step = 30
last_step = 60
hidden = 3
holdout = 0.3
dynamics_batch = 5
dynamics_epochs = 2
coarse_batch = 3
coarse_epochs = 2

[[stage]]
kind = "evaluate"
method = "selfsimilar"
system = "vicsek"
models = "models.h5"
file = "results.h5"
)";

void run_deck(MPI_Comm comm, const std::string& dir) {
  StageRegistry registry;
  registry.add("simulate", "vicsek", vicsek::make_vicsek_simulate_stage, "");
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

TEST_CASE("Vicsek self-similar pipeline is rank-count invariant", "[selfsimilar][mpi]") {
  const test::ScratchDir scratch("selfsimilar_vicsek_mpi");
  const std::string& dir = scratch.path();
  run_deck(MPI_COMM_WORLD, dir);
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    REQUIRE(::mkdir((dir + "/ref").c_str(), 0755) == 0);
    run_deck(MPI_COMM_SELF, dir + "/ref");
    const auto world = io::H5File::open_read(dir + "/results.h5", MPI_COMM_SELF);
    const auto self = io::H5File::open_read(dir + "/ref/results.h5", MPI_COMM_SELF);
    const auto micro = self.read_all<double>("/micro_mse");
    REQUIRE(micro.size() == 2u);
    CHECK(micro[0] > 0);
    CHECK(world.read_all<double>("/phi_mean") == self.read_all<double>("/phi_mean"));
    CHECK(max_difference(world.read_all<double>("/micro_mse"), micro) < 1e-9);
    CHECK(max_difference(world.read_all<double>("/consistency"), self.read_all<double>("/consistency")) < 1e-9);
    CHECK(max_difference(world.read_all<double>("/reconstruction"), self.read_all<double>("/reconstruction")) < 1e-9);
    CHECK(max_difference(world.read_all<double>("/reconstruction_leading"),
                         self.read_all<double>("/reconstruction_leading")) < 1e-9);
    CHECK(max_difference(world.read_all<double>("/persistence_mse"), self.read_all<double>("/persistence_mse")) < 1e-9);
    const auto mw = io::H5File::open_read(dir + "/models.h5", MPI_COMM_SELF);
    const auto ms = io::H5File::open_read(dir + "/ref/models.h5", MPI_COMM_SELF);
    for (const char* name : {"/vicsek_L8_eta0_k0/dynamics/parameters/0.weight",
                             "/vicsek_L8_eta1_k0/T4_S2/coarse_grainer/parameters/0.weight",
                             "/vicsek_L8_eta1_k0/T2_S2/decoder/parameters/0.bias"})
      CHECK(max_difference(mw.read_all<double>(name), ms.read_all<double>(name)) < 1e-9);
  }
}
