// inputs/closure/predator_prey_quick.toml end to end (simulate -> autoencoder -> L_z, L_x, L_x,p ->
// evaluate, about a minute): the latent model trained from partial forces predicts the held-out
// trajectories' observables with a mean relative error below 3e-3 (it reaches ~1.0e-3), every model's
// error is finite, and the evaluation file has the documented shapes.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/config.hpp"
#include "io/h5file.hpp"
#include "stage_folders.hpp"  // register_<folder>_stages
#include "test_support.hpp"

using namespace macrodyn;

TEST_CASE("closure quick deck: L_x,p predicts held-out predator-prey trajectories", "[closure][slow]") {
  StageRegistry registry;
  register_predator_prey_stages(registry);
  register_closure_stages(registry);
  const test::ScratchDir scratch("closure_quick");
  const std::string& dir = scratch.path();
  const auto deck = Deck::from_file(std::string(MACRODYN_SOURCE_DIR) + "/inputs/closure/predator_prey_quick.toml");
  RunContext ctx;
  ctx.comm = MPI_COMM_SELF;
  ctx.run_dir = dir;
  ctx.progress_interval_s = 60;
  for (const auto& table : deck.root().tables("stage")) registry.create(table)->run(ctx);

  const auto f = io::H5File::open_read(dir + "/evaluation.h5", MPI_COMM_SELF);
  CHECK(f.attr_string("/", "losses") == "L_z;L_x;L_x,p");
  const auto err = f.read_all<double>("/mean_relative_error");
  REQUIRE(err.size() == 3);
  for (double e : err) CHECK(std::isfinite(e));
  INFO("L_z " << err[0] << "  L_x " << err[1] << "  L_x,p " << err[2]);
  CHECK(err[2] < 3e-3);
  const auto pred = f.dims("/predictions"), truth = f.dims("/true");
  REQUIRE(pred.size() == 4);
  CHECK(pred[0] == 3);
  CHECK(pred[1] == truth[0]);
  CHECK(pred[2] == truth[1]);
  CHECK(pred[3] == 4);
}
