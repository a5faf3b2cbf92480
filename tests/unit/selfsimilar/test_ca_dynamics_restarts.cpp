// Stage 1 of the CA pipeline is repeated while the learnt f gets a training cell wrong, even when its
// loss is below dynamics_restart_loss, and stops at the first run that predicts every training cell;
// within a run, a loss below dynamics_stop_loss ends training only once every training cell is right.
#include <catch2/catch.hpp>
#include <string>

#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "learn/selfsimilar/selfsimilar_train_stage.hpp"
#include "sim/cellular_automata/ca_simulate_stage.hpp"
#include "test_support.hpp"

using namespace macrodyn;

namespace {

// Simulates rules 60 and 204 and trains stage 1 only, with the given training keys appended.
io::H5File train_stage_one(const std::string& dir, const std::string& keys) {
  const std::string text = R"(
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
group_sizes = []
holdout = 0.25
dynamics_batch = 30
dynamics_restarts = 3
)" + keys;
  auto deck = Deck::from_string(text, "test");
  RunContext ctx;
  ctx.comm = MPI_COMM_SELF;
  ctx.run_dir = dir;
  ctx.progress_interval_s = 1e9;
  const auto stages = deck.root().tables("stage");
  stages[0].get_string("system", "");
  ca::make_ca_simulate_stage(stages[0])->run(ctx);
  stages[1].get_string("method", "");
  selfsimilar::make_selfsimilar_train_stage(stages[1])->run(ctx);
  return io::H5File::open_read(ctx.path("models.h5"), MPI_COMM_SELF);
}

}  // namespace

TEST_CASE("CA stage 1 restarts while a training cell is predicted wrong", "[selfsimilar]") {
  SECTION("an unfitted f is trained again although its loss is under the loss threshold") {
    // one epoch at a negligible rate cannot fit rule 60; the loss threshold alone would keep run 1
    const test::ScratchDir dir("ca_restarts");
    const auto models =
        train_stage_one(dir.path(), "dynamics_epochs = 1\ndynamics_lr = 1e-9\ndynamics_restart_loss = 1e9\n");
    for (const char* rule : {"/rule60", "/rule204"}) {
      CHECK(models.attr_int(rule, "dynamics_runs") == 3);
      CHECK(models.attr_double(rule, "dynamics_training_accuracy") < 1.0);
    }
  }
  SECTION("a fitted f ends the restarts") {
    const test::ScratchDir dir("ca_restarts");
    const auto models = train_stage_one(dir.path(), "dynamics_epochs = 60\ndynamics_restart_loss = 0.05\n");
    for (const char* rule : {"/rule60", "/rule204"}) {
      INFO(rule);
      CHECK(models.attr_double(rule, "dynamics_training_accuracy") == 1.0);
      CHECK(models.attr_int(rule, "dynamics_runs") == 1);
    }
  }
  SECTION("a loss under stop_loss does not end a run that predicts a training cell wrong") {
    // every epoch's loss is under stop_loss: the run ends at the first epoch that fits every cell
    const test::ScratchDir dir("ca_restarts");
    const auto models =
        train_stage_one(dir.path(), "dynamics_epochs = 60\ndynamics_stop_loss = 1e9\ndynamics_restart_loss = 1e9\n");
    CHECK(models.attr_double("/rule60", "dynamics_training_accuracy") == 1.0);
    CHECK(models.attr_int("/rule60", "dynamics_runs") == 1);
    const size_t epochs = models.read_all<double>("/rule60/dynamics_loss").size();
    CHECK(epochs > 1);
    CHECK(epochs < 60);
  }
}
