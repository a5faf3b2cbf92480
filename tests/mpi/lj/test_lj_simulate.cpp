// simulate lj end to end on 1/2/4 ranks: dataset layout (H5MD), collective writes in id order,
// partial forces == full forces at the chosen atoms, |I| = n p, same initial positions and velocity
// directions for every trajectory with T(0) = T0, temperature consistent with the saved velocities.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>

#include "core/config.hpp"
#include "core/stage.hpp"
#include "io/h5file.hpp"
#include "core/signals.hpp"
#include "sim/lj/lj_checkpoint.hpp"
#include "stage_folders.hpp"  // register_<folder>_stages
#include "support/lj_test_support.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using macrodyn::lj::CheckpointState;
using macrodyn::lj::load_checkpoint;

TEST_CASE("simulate lj writes a consistent H5MD dataset", "[lj][simulate]") {
  const test::ScratchDir dir("lj");
  const Deck deck = Deck::from_string(
      "box = 8.0\ndensity = 0.8\ntrajectories = 3\nsteps = 40\nsave_every = 20\npartial_fraction = 0.0625\n"
      "full_forces = true\nseed = 5\noutput = \"lj.h5\"\n",
      "test");
  StageRegistry registry;
  register_lj_stages(registry);
  auto stage = registry.create("simulate", "lj", deck.root());
  deck.reject_unknown_keys();
  Timers timers;
  RunContext ctx;
  ctx.run_dir = dir.path();
  ctx.deck_text = "test";
  ctx.timers = &timers;
  stage->run(ctx);

  auto f = io::H5File::open_read(dir.path() + "/lj.h5", MPI_COMM_WORLD);
  const int64_t N = 410, K = 3, F = 3, m = 26;  // round(0.8 * 512), 40/20 + 1 frames, round(410/16)
  REQUIRE(f.dims("/particles/all/position/value") == io::Dims{K * F, N, 3});
  REQUIRE(f.dims("/partial_forces/index") == io::Dims{K * F, m});
  REQUIRE(f.attr_int("/", "complete") == 1);
  const auto x = f.read_all<double>("/particles/all/position/value");
  const auto v = f.read_all<double>("/particles/all/velocity/value");
  const auto force = f.read_all<double>("/particles/all/force/value");
  const auto idx = f.read_all<int64_t>("/partial_forces/index");
  const auto pf = f.read_all<double>("/partial_forces/value");
  const auto T = f.read_all<double>("/observables/temperature/value");
  const auto T0 = f.read_all<double>("/parameters/T0");
  const auto traj = f.read_all<int64_t>("/particles/all/trajectory");
  REQUIRE(T0.size() == static_cast<size_t>(K));
  double pf_err = 0, pf_scale = 0, t_err = 0;
  for (int64_t fr = 0; fr < K * F; ++fr) {
    CHECK(traj[fr] == fr / F);
    for (int64_t k = 0; k < m; ++k) {
      if (k > 0) CHECK(idx[fr * m + k] > idx[fr * m + k - 1]);  // distinct, sorted
      for (int d = 0; d < 3; ++d) {
        const double full = force[(fr * N + idx[fr * m + k]) * 3 + d];
        pf_err = std::max(pf_err, std::abs(pf[(fr * m + k) * 3 + d] - full));
        pf_scale = std::max(pf_scale, std::abs(full));
      }
    }
    double sum = 0;
    for (int64_t i = 0; i < 3 * N; ++i) sum += 0.5 * v[fr * 3 * N + i] * v[fr * 3 * N + i];
    t_err = std::max(t_err, std::abs(2.0 * sum / (3.0 * (N - 1)) - T[fr]));
  }
  CHECK(pf_err <= lj_test::force_sum_tolerance(true, pf_scale));  // the deck keeps newton = true
  CHECK(t_err < 1e-12);
  for (int64_t k = 0; k < K; ++k) {
    CHECK(T[k * F] == Approx(T0[k]).epsilon(1e-12));
    CHECK(T0[k] >= 0.5);
    CHECK(T0[k] <= 1.5);
    double dx = 0, dv = 0;
    const double s = std::sqrt(T0[0] / T0[k]);
    for (int64_t i = 0; i < 3 * N; ++i) {
      dx = std::max(dx, std::abs(x[k * F * 3 * N + i] - x[i]));
      dv = std::max(dv, std::abs(v[k * F * 3 * N + i] * s - v[i]));
    }
    CHECK(dx == 0.0);
    CHECK(dv < 1e-12);
  }
}

TEST_CASE("simulate lj stops cleanly on a stop signal with a restartable checkpoint", "[lj][simulate][signal]") {
  const test::ScratchDir dir("lj");
  const Deck deck = Deck::from_string("box = 8.0\ntrajectories = 2\nsteps = 40\nsave_every = 10\noutput = \"lj.h5\"\n", "test");
  StageRegistry registry;
  register_lj_stages(registry);
  auto stage = registry.create("simulate", "lj", deck.root());
  Timers timers;
  RunContext ctx;
  ctx.run_dir = dir.path();
  ctx.timers = &timers;
  set_stop_requested(true);  // as if SIGTERM had arrived
  stage->run(ctx);
  set_stop_requested(false);
  {
    auto f = io::H5File::open_read(dir.path() + "/lj.h5", MPI_COMM_WORLD);
    CHECK(f.attr_int("/", "complete") == 0);
    CHECK(f.dims("/particles/all/position/value") == io::Dims{2, 410, 3});  // frames at steps 0 and 10
    const CheckpointState s = load_checkpoint(dir.path() + "/lj.checkpoint.h5", MPI_COMM_WORLD);
    CHECK(s.step == 10);
    CHECK(s.n_atoms == 410);
  }
}
