// MacroNet training is independent of the rank count (data-parallel trainer, synchronised batch
// norm, noise keyed by global sample ids), and a run resumed from its checkpoint continues exactly.
// Gray-Scott (one-sided: CNN phi_v): the pairs generated over the ranks are bitwise those of one
// rank, and training on them gives the 1-rank parameters to round-off.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <cmath>
#include <string>

#include "core/runtime.hpp"
#include "learn/macronet/macronet_model_file.hpp"
#include "learn/macronet/macronet_train_stage.hpp"
#include "nn/gradient_check.hpp"
#include "io/h5file.hpp"
#include "sim/gray_scott/gray_scott_simulate_stage.hpp"
#include "sim/linear_ode/linear_ode_simulate_stage.hpp"
#include "sim/oscillator/oscillator_simulate_stage.hpp"
#include "test_support.hpp"

using namespace macrodyn;

namespace {

const char* kSimulate = R"(
kind = "simulate"
system = "oscillator"
file = "train.h5"
samples = 96
seed = 4
)";

std::string train_deck(const std::string& model, int epochs) {
  return std::string(R"(
kind = "train"
method = "macronet"
data = "train.h5"
shared_weights = true
phi_u = { noise_dims = 2, blocks = 3, hidden = 8 }
lr = 5e-3
batch_size = 32
lr_step_epochs = 1
lr_gamma = 0.5
)") + "model = \"" + model + "\"\nepochs = " + std::to_string(epochs) + "\n";
}

void run_stage(const std::string& toml, RunContext& ctx, bool simulate) {
  auto deck = Deck::from_string(toml, "test");
  auto stage = simulate ? oscillator::make_oscillator_simulate_stage(deck.root())
                        : macronet::make_macronet_train_stage(deck.root());
  stage->run(ctx);
}

std::vector<double> parameters_of(const std::string& path) {
  auto net = macronet::load_macronet<double>(path, MPI_COMM_SELF);
  std::vector<double> all;
  for (auto& p : net->parameters())
    for (double v : nn::gradcheck::to_vector(p.value)) all.push_back(v);
  for (auto& p : net->buffers())
    for (double v : nn::gradcheck::to_vector(p.value)) all.push_back(v);
  return all;
}

double max_relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double diff = 0, scale = 1e-12;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::abs(a[i] - b[i]));
    scale = std::max(scale, std::abs(b[i]));
  }
  return diff / scale;
}

}  // namespace

TEST_CASE("MacroNet training gives the 1-rank result on any rank count and resumes exactly", "[macronet][mpi]") {
  const test::ScratchDir scratch("macronet_mpi");
  const std::string& dir = scratch.path();
  RunContext world;
  world.run_dir = dir;
  run_stage(kSimulate, world, true);
  run_stage(train_deck("full.h5", 2), world, false);
  run_stage(train_deck("resumed.h5", 1), world, false);
  run_stage(train_deck("resumed.h5", 2), world, false);  // continues from resumed.h5.ckpt.h5
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    RunContext self;
    self.comm = MPI_COMM_SELF;
    self.run_dir = dir + "/ref";
    REQUIRE(::mkdir(self.run_dir.c_str(), 0755) == 0);
    run_stage(kSimulate, self, true);
    run_stage(train_deck("full.h5", 2), self, false);
    const auto world_full = parameters_of(dir + "/full.h5"), self_full = parameters_of(self.run_dir + "/full.h5");
    // Summation order differs with the rank count; Adam's first steps scale such round-off up.
    CHECK(max_relative_difference(world_full, self_full) < 1e-7);
    CHECK(parameters_of(dir + "/resumed.h5") == world_full);
  }
}

TEST_CASE("MacroNet with separate phi_u, phi_v (linear ODE) gives the 1-rank result on any rank count",
          "[macronet][mpi]") {
  const std::string simulate = R"(
kind = "simulate"
system = "linear_ode"
file = "ode.h5"
samples = 64
seed = 3
)";
  const std::string train = R"(
kind = "train"
method = "macronet"
data = "ode.h5"
u = "/M"
v = "/trajectory"
v_scale = "asinh"
model = "ode_model.h5"
macro_dims = 2
phi_u = { noise_dims = 2, blocks = 2, hidden = 8 }
phi_v = { noise_dims = 4, blocks = 2, hidden = 8 }
gamma = 0.1
optimizer = "adam"
lr = 1e-3
epochs = 2
batch_size = 16
bn_recalibration_batches = 4
)";
  const test::ScratchDir scratch("macronet_ode_mpi");
  const std::string& dir = scratch.path();
  auto run = [&](RunContext& ctx) {
    auto sim = Deck::from_string(simulate, "test");
    linear_ode::make_linear_ode_simulate_stage(sim.root())->run(ctx);
    auto tr = Deck::from_string(train, "test");
    macronet::make_macronet_train_stage(tr.root())->run(ctx);
  };
  RunContext world;
  world.run_dir = dir;
  run(world);
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    RunContext self;
    self.comm = MPI_COMM_SELF;
    self.run_dir = dir + "/ref";
    REQUIRE(::mkdir(self.run_dir.c_str(), 0755) == 0);
    run(self);
    CHECK(max_relative_difference(parameters_of(dir + "/ode_model.h5"), parameters_of(self.run_dir + "/ode_model.h5")) <
          1e-7);
  }
}

TEST_CASE("Gray-Scott pairs generated over the ranks and one-sided MacroNet trained on them give the 1-rank result",
          "[macronet][mpi]") {
  const std::string simulate = R"(
kind = "simulate"
system = "gray_scott"
n = 16
steps = 300
dt = 0.1
samples = 24
seed = 5
output = "gs.h5"
)";
  const std::string train = R"(
kind = "train"
method = "macronet"
data = "gs.h5"
u = "/parameters"
u_features = [1, 2, 3]
v = "/patterns"
v_channels = "gray_scott"
model = "gs_model.h5"
macro_dims = 2
phi_u = { noise_dims = 1, blocks = 2, hidden = 8 }
phi_v = { network = "cnn", channels = [4, 8] }
gamma = 0.1
optimizer = "nadam"
lr = 1e-3
epochs = 2
batch_size = 8
)";
  const test::ScratchDir scratch("macronet_gs_mpi");
  const std::string& dir = scratch.path();
  auto run = [&](RunContext& ctx) {
    auto sim = Deck::from_string(simulate, "test");
    gray_scott::make_gray_scott_simulate_stage(sim.root())->run(ctx);
    auto tr = Deck::from_string(train, "test");
    macronet::make_macronet_train_stage(tr.root())->run(ctx);
  };
  RunContext world;
  world.run_dir = dir;
  run(world);
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    RunContext self;
    self.comm = MPI_COMM_SELF;
    self.run_dir = dir + "/ref";
    REQUIRE(::mkdir(self.run_dir.c_str(), 0755) == 0);
    run(self);
    auto a = io::H5File::open_read(dir + "/gs.h5", MPI_COMM_SELF);
    auto b = io::H5File::open_read(self.run_dir + "/gs.h5", MPI_COMM_SELF);
    CHECK(a.read_all<double>("/patterns") == b.read_all<double>("/patterns"));
    CHECK(a.read_all<double>("/parameters") == b.read_all<double>("/parameters"));
    const auto world_params = parameters_of(dir + "/gs_model.h5");
    const auto self_params = parameters_of(self.run_dir + "/gs_model.h5");
    CHECK(max_relative_difference(world_params, self_params) < 1e-7);
  }
}
