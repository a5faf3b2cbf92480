// The non-self-similar baseline (self_similar = false) of the diffusion and Vicsek pipelines: the
// macro dynamics starts from its own initialisation and is trained with P and P' (so it ends
// unlike the micro learner f), while the self-similar framework keeps F = f exactly; both are
// evaluated from the models file.
#include <catch2/catch.hpp>

#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "sim/diffusion/diffusion_simulate_stage.hpp"
#include "sim/vicsek/vicsek_simulate_stage.hpp"
#include "test_support.hpp"

using namespace macrodyn;

namespace macrodyn {
void register_selfsimilar_stages(StageRegistry& registry);
}

namespace {

const char* kVicsek = R"(
[[stage]]
kind = "simulate"
system = "vicsek"
sizes = [8]
etas = [1.0]
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
time_groups = [2]
space_groups = [2]
first_step = 30
last_step = 60
hidden = 3
holdout = 0.3
dynamics_batch = 5
dynamics_epochs = 2
coarse_batch = 3
coarse_epochs = 3
self_similar = SELF_SIMILAR

[[stage]]
kind = "evaluate"
method = "selfsimilar"
system = "vicsek"
models = "models.h5"
file = "results.h5"
)";

const char* kDiffusion = R"(
[[stage]]
kind = "simulate"
system = "diffusion"
sites = 24
runs = 4
walkers = 200
t_final = 16.0
dt = [1.0]

[[stage]]
kind = "train"
method = "selfsimilar"
system = "diffusion"
data = "diffusion.h5"
file = "models.h5"
datasets = ["dt_0"]
space_groups = [2]
time_groups = [4]
kernel = 3
holdout = 0.25
dynamics_epochs = 2
coarse_epochs = 3
coarse_restarts = 1
self_similar = SELF_SIMILAR

[[stage]]
kind = "evaluate"
method = "selfsimilar"
system = "diffusion"
data = "diffusion.h5"
models = "models.h5"
file = "results.h5"
)";

test::ScratchDir run_deck(std::string deck, bool self_similar) {
  deck.replace(deck.find("SELF_SIMILAR"), 12, self_similar ? "true" : "false");
  test::ScratchDir dir("selfsimilar_baseline");
  StageRegistry registry;
  registry.add("simulate", "vicsek", vicsek::make_vicsek_simulate_stage, "");
  registry.add("simulate", "diffusion", diffusion::make_diffusion_simulate_stage, "");
  register_selfsimilar_stages(registry);
  auto parsed = Deck::from_string(deck, "test");
  RunContext ctx;
  ctx.comm = MPI_COMM_SELF;
  ctx.run_dir = dir.path();
  ctx.progress_interval_s = 1e9;
  for (const auto& stage : parsed.root().tables("stage")) registry.create(stage)->run(ctx);
  return dir;
}

// Every parameter of the macro dynamics vs the micro learner's: max |difference|.
double macro_vs_micro(const std::string& dir, const std::string& run, const std::string& group) {
  const auto models = io::H5File::open_read(dir + "/models.h5", MPI_COMM_SELF);
  double d = 0;
  for (const char* p : {"0.weight", "0.bias"}) {
    const auto micro = models.read_all<double>(run + "/dynamics/parameters/" + p);
    const auto macro = models.read_all<double>(run + "/" + group + "/macro_dynamics/parameters/" + p);
    REQUIRE(micro.size() == macro.size());
    for (size_t i = 0; i < micro.size(); ++i) d = std::max(d, std::abs(micro[i] - macro[i]));
  }
  return d;
}

}  // namespace

TEST_CASE("Vicsek and diffusion baselines train their own macro dynamics; the framework shares f",
          "[selfsimilar]") {
  for (const bool self_similar : {true, false}) {
    const auto vicsek = run_deck(kVicsek, self_similar);
    const auto diffusion = run_deck(kDiffusion, self_similar);
    const double dv = macro_vs_micro(vicsek.path(), "/vicsek_L8_eta0_k0", "T2_S2");
    const double dd = macro_vs_micro(diffusion.path(), "/dt_0", "S2_T4");
    if (self_similar) {
      CHECK(dv == 0.0);
      CHECK(dd == 0.0);
    } else {
      CHECK(dv > 1e-3);
      CHECK(dd > 1e-3);
    }
    for (const std::string& dir : {vicsek.path(), diffusion.path()}) {
      const auto models = io::H5File::open_read(dir + "/models.h5", MPI_COMM_SELF);
      CHECK(models.attr_int("/", "self_similar") == (self_similar ? 1 : 0));
      const auto results = io::H5File::open_read(dir + "/results.h5", MPI_COMM_SELF);
      for (const double r : results.read_all<double>("/reconstruction")) CHECK(std::isfinite(r));
    }
  }
}
