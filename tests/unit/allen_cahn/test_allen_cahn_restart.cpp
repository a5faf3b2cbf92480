// Allen-Cahn simulate stage: dataset contents, and checkpoint/restart after stop signals giving a
// bit-identical dataset (200 steps == 100 + restart + 100, also across a trajectory boundary).
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "core/config.hpp"
#include "core/signals.hpp"
#include "io/h5file.hpp"
#include "sim/allen_cahn/allen_cahn_dataset.hpp"
#include "sim/allen_cahn/allen_cahn_simulate_stage.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::allen_cahn;

namespace {
SimulateConfig small_config(bool forces) {
  auto deck = Deck::from_string(
      "n = 24\neps = 0.04\ndt = 2e-4\nt_final = 0.04\nsave_every = 20\ntrajectories = 2\nstop_check_every = 100\n"
      "partial_fraction = 0.1\n" + std::string(forces ? "save_forces = true\n" : ""),
      "test");
  return SimulateConfig::parse(deck.root());
}

void run_stage(const SimulateConfig& c, const std::string& dir) {
  RunContext ctx;
  ctx.run_dir = dir;
  ctx.deck_text = "test";
  AllenCahnSimulate stage(c);
  stage.run(ctx);
}

template <class T>
std::vector<T> read(const std::string& file, const std::string& name) {
  return io::H5File::open_read(file, MPI_COMM_WORLD).read_all<T>(name);
}
}  // namespace

TEST_CASE("simulate allen_cahn: dataset shapes, energies, partial forces", "[allen_cahn]") {
  const auto c = small_config(true);
  REQUIRE(c.steps == 200);
  REQUIRE(c.snapshots == 11);
  const test::ScratchDir scratch("ac");
  const std::string& dir = scratch.path();
  run_stage(c, dir);
  const std::string path = dir + "/allen_cahn.h5";
  auto f = io::H5File::open_read(path, MPI_COMM_WORLD);
  REQUIRE(f.dims("/states") == io::Dims{2, 11, 24, 24});
  REQUIRE(f.dims("/forces") == io::Dims{2, 11, 24, 24});
  REQUIRE(f.dims("/partial_forces/values") == io::Dims{2, 11, 58});
  REQUIRE(f.attr_int("/", "complete") == 1);
  const auto states = f.read_all<double>("/states");
  const auto forces = f.read_all<double>("/forces");
  const auto energy = f.read_all<double>("/free_energy");
  const auto ids = f.read_all<int64_t>("/partial_forces/indices");
  const auto vals = f.read_all<double>("/partial_forces/values");
  const auto times = f.read_all<double>("/times");
  REQUIRE(times[10] == Approx(0.04));
  for (int k = 0; k < 2; ++k) {
    for (int s = 1; s < 11; ++s) REQUIRE(energy[k * 11 + s] < energy[k * 11 + s - 1]);
    for (int s = 0; s < 11; ++s)
      for (int j = 0; j < 58; ++j) {
        const size_t q = (k * 11 + s) * 58 + j;
        REQUIRE(vals[q] == forces[(k * 11 + s) * 576 + ids[q]]);
      }
  }
  // The saved force is dv/dt: the snapshot difference over 20 steps matches the mean of the forces at
  // both ends (trapezoid, O(interval^2)).
  const double dt = 2e-4;
  double num = 0, den = 0;
  for (int s = 4; s < 10; ++s)
    for (int i = 0; i < 576; ++i) {
      const double fd = (states[576 * (s + 1) + i] - states[576 * s + i]) / (20 * dt);
      const double mid = 0.5 * (forces[576 * (s + 1) + i] + forces[576 * s + i]);
      num += (fd - mid) * (fd - mid);
      den += mid * mid;
    }
  INFO("relative difference " << std::sqrt(num / den));
  REQUIRE(std::sqrt(num / den) < 0.05);
  REQUIRE(std::ifstream(dir + "/allen_cahn.xdmf").good());
  REQUIRE(!std::ifstream(dir + "/allen_cahn.checkpoint.h5").good());
}

TEST_CASE("simulate allen_cahn: stop + restart is bit-identical to an uninterrupted run", "[allen_cahn]") {
  const auto c = small_config(false);
  const test::ScratchDir ref_scratch("ac_ref"), scratch("ac");
  const std::string &ref_dir = ref_scratch.path(), &dir = scratch.path();
  run_stage(c, ref_dir);
  // Each segment runs 100 steps, then a (simulated) stop signal checkpoints and exits:
  // stops at (trajectory, step) = (0, 100), (0, 200: end, not yet written), (1, 100), (1, 200), then finishes.
  int segments = 0;
  while (true) {
    set_stop_requested(true);
    run_stage(c, dir);
    set_stop_requested(false);
    ++segments;
    if (io::H5File::open_read(dir + "/allen_cahn.h5", MPI_COMM_WORLD).attr_int("/", "complete") == 1) break;
    REQUIRE(std::ifstream(dir + "/allen_cahn.checkpoint.h5").good());
    REQUIRE(segments < 10);
  }
  REQUIRE(segments == 5);
  for (const char* name : {"/states", "/free_energy", "/partial_forces/values", "/parameters"}) {
    INFO(name);
    REQUIRE(read<double>(ref_dir + "/allen_cahn.h5", name) == read<double>(dir + "/allen_cahn.h5", name));
  }
  REQUIRE(read<int64_t>(ref_dir + "/allen_cahn.h5", "/partial_forces/indices") ==
          read<int64_t>(dir + "/allen_cahn.h5", "/partial_forces/indices"));
}
