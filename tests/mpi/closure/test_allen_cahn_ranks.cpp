// The closure pipeline on an Allen-Cahn dataset (4-D states, trajectories of different lengths, the
// free-energy observable) gives the 1-rank result on 1, 2 and 4 ranks: autoencoder and latent losses up
// to float summation round-off of the gradient allreduce, and the evaluation's errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>

#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "stage_folders.hpp"  // register_<folder>_stages
#include "test_support.hpp"

using namespace macrodyn;

TEST_CASE("closure on Allen-Cahn data does not depend on the rank count", "[closure][mpi][allen_cahn]") {
  StageRegistry registry;
  register_closure_stages(registry);
  const std::string data = std::string(MACRODYN_SOURCE_DIR) + "/tests/unit/closure/data/allen_cahn_small.h5";
  double snapshot_dt = 0;
  {
    const auto f = io::H5File::open_read(data, MPI_COMM_WORLD);
    const auto t = f.read_all<double>("/times");
    snapshot_dt = t[1] - t[0];
  }
  char dt[64];
  std::snprintf(dt, sizeof dt, "%.17g", snapshot_dt / 2);
  const std::string src = "data = '" + data + "'\n";
  const auto scratch = test::run_on_world_and_self(
      registry,
      "kind = 'train'\nmethod = 'closure'\nphase = 'autoencoder'\nepochs = 3\nbatch_size = 4\nlatent_dim = 3\n"
      "learning_rate = 1e-3\nlambda_cond = 1e-3\n" + src,
      "closure_ac");
  const std::string& dir = scratch.path();
  auto run_both = [&](const std::string& text) {
    {
      auto deck = Deck::from_string(text, "test");
      RunContext world;
      world.run_dir = dir;
      registry.create(deck.root())->run(world);
    }
    if (comm_rank(MPI_COMM_WORLD) == 0) {
      auto deck = Deck::from_string(text, "test");
      RunContext self;
      self.comm = MPI_COMM_SELF;
      self.run_dir = dir + "/ref";
      registry.create(deck.root())->run(self);
    }
    MPI_Barrier(MPI_COMM_WORLD);
  };
  run_both("kind = 'train'\nmethod = 'closure'\nphase = 'latent'\nloss = 'L_x,p'\nepochs = 5\nbatch_size = 4\n" + src);
  run_both("kind = 'evaluate'\nmethod = 'closure'\ndt = " + std::string(dt) + "\n" + src);
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    auto a = io::H5File::open_read(dir + "/closure_autoencoder.h5", MPI_COMM_SELF);
    auto b = io::H5File::open_read(dir + "/ref/closure_autoencoder.h5", MPI_COMM_SELF);
    const auto ra = a.read_all<double>("/loss/reconstruction"), rb = b.read_all<double>("/loss/reconstruction");
    REQUIRE(ra.size() == 3);
    for (size_t e = 0; e < 3; ++e) CHECK(ra[e] == Approx(rb[e]).epsilon(1e-4));
    CHECK(a.attr_string("/autoencoder", "fixed_observable") == "allen_cahn_free_energy");
    CHECK(a.attr_double("/autoencoder", "observable_eps") == 0.06);
    auto la = io::H5File::open_read(dir + "/closure_latent.h5", MPI_COMM_SELF);
    auto lb = io::H5File::open_read(dir + "/ref/closure_latent.h5", MPI_COMM_SELF);
    CHECK(la.attr_double("/", "final_loss") == Approx(lb.attr_double("/", "final_loss")).epsilon(1e-3));
    CHECK(la.attr_int("/", "configurations") == 10);
    auto ea = io::H5File::open_read(dir + "/closure_evaluation.h5", MPI_COMM_SELF);
    auto eb = io::H5File::open_read(dir + "/ref/closure_evaluation.h5", MPI_COMM_SELF);
    CHECK(ea.read_all<double>("/lengths") == std::vector<double>{4, 6});
    const auto ma = ea.read_all<double>("/errors"), mb = eb.read_all<double>("/errors");
    REQUIRE(ma.size() == 2);
    for (size_t k = 0; k < 2; ++k) CHECK(ma[k] == Approx(mb[k]).epsilon(1e-3));
    // The true latent path holds E(v) of the kept snapshots and NaN after them.
    const auto t = ea.read_all<double>("/true");  // (K, 6, d)
    CHECK(std::isnan(t[(0 * 6 + 4) * 3]));
    CHECK(std::isfinite(t[(1 * 6 + 5) * 3]));
  }
}
