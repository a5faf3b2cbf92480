// Allen-Cahn data conventions of the [Partial observations] reference: snapshots kept while E > stop_energy
// (/snapshots_kept, unkept slots NaN / -1), partial forces drawn with replacement, RK4 datasets.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/config.hpp"
#include "io/h5file.hpp"
#include "sim/allen_cahn/allen_cahn_dataset.hpp"
#include "sim/allen_cahn/allen_cahn_simulate_stage.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::allen_cahn;

namespace {
SimulateConfig config(const std::string& extra) {
  auto deck = Deck::from_string(
      "n = 24\neps = 0.04\nintegrator = \"rk4\"\nsteps = 400\nsave_every = 40\ntrajectories = 3\n"
      "partial_fraction = 0.1\nsave_forces = true\n" + extra,
      "test");
  return SimulateConfig::parse(deck.root());
}

// Runs the stage into dir; returns the dataset's path.
std::string run_stage(const SimulateConfig& c, const std::string& dir) {
  RunContext ctx;
  ctx.run_dir = dir;
  ctx.deck_text = "test";
  AllenCahnSimulate(c).run(ctx);
  return dir + "/allen_cahn.h5";
}
}  // namespace

TEST_CASE("stop_energy: snapshots kept while E > stop_energy, the rest marked", "[allen_cahn][closure_data]") {
  const test::ScratchDir full_dir("acc"), cut_dir("acc");
  const auto full_c = config("");
  REQUIRE(full_c.snapshots == 11);
  auto full = io::H5File::open_read(run_stage(full_c, full_dir.path()), MPI_COMM_WORLD);
  const auto energy = full.read_all<double>("/free_energy");
  REQUIRE(full.read_all<int64_t>("/snapshots_kept") == std::vector<int64_t>{11, 11, 11});
  REQUIRE(full.attr_string("/", "integrator") == "rk4");
  // Threshold between snapshots 3 and 4 of trajectory 0: it keeps 4, the others what their energies say.
  char text[64];
  std::snprintf(text, sizeof text, "stop_energy = %.17g\n", 0.5 * (energy[3] + energy[4]));
  const auto cut_c = config(text);
  const double stop = cut_c.stop_energy;
  REQUIRE(energy[3] > stop);
  REQUIRE(energy[4] <= stop);
  auto cut = io::H5File::open_read(run_stage(cut_c, cut_dir.path()), MPI_COMM_WORLD);
  const auto kept = cut.read_all<int64_t>("/snapshots_kept");
  REQUIRE(kept.size() == 3);
  REQUIRE(kept[0] == 4);
  const auto states_full = full.read_all<double>("/states"), states_cut = cut.read_all<double>("/states");
  const auto forces_cut = cut.read_all<double>("/forces");
  const auto energy_cut = cut.read_all<double>("/free_energy");
  const auto ids_full = full.read_all<int64_t>("/partial_forces/indices");
  const auto ids_cut = cut.read_all<int64_t>("/partial_forces/indices");
  const auto vals_full = full.read_all<double>("/partial_forces/values");
  const auto vals_cut = cut.read_all<double>("/partial_forces/values");
  const size_t cells = 24 * 24, m = 58;
  for (size_t k = 0; k < 3; ++k) {
    long expect = 0;
    while (expect < 11 && energy[k * 11 + expect] > stop) ++expect;
    INFO("trajectory " << k);
    REQUIRE(kept[k] == expect);
    for (size_t s = 0; s < 11; ++s) {
      const size_t snap = k * 11 + s;
      if (static_cast<long>(s) < kept[k]) {
        // Kept snapshots are exactly those of the uninterrupted run.
        REQUIRE(energy_cut[snap] == energy[snap]);
        REQUIRE(std::equal(states_cut.begin() + snap * cells, states_cut.begin() + (snap + 1) * cells,
                           states_full.begin() + snap * cells));
        REQUIRE(std::equal(ids_cut.begin() + snap * m, ids_cut.begin() + (snap + 1) * m, ids_full.begin() + snap * m));
        REQUIRE(std::equal(vals_cut.begin() + snap * m, vals_cut.begin() + (snap + 1) * m,
                           vals_full.begin() + snap * m));
      } else {
        REQUIRE(std::isnan(energy_cut[snap]));
        REQUIRE(std::isnan(states_cut[snap * cells]));
        REQUIRE(std::isnan(forces_cut[snap * cells + 7]));
        REQUIRE(std::isnan(vals_cut[snap * m]));
        REQUIRE(ids_cut[snap * m] == -1);
      }
    }
  }
  REQUIRE(cut.attr_double("/", "stop_energy") == stop);
}

TEST_CASE("partial_draw = with_replacement: m independent uniform cells per snapshot", "[allen_cahn][closure_data]") {
  auto deck = Deck::from_string("n = 10\npartial_fraction = 0.5\npartial_draw = \"with_replacement\"\n", "test");
  const auto c = SimulateConfig::parse(deck.root());
  REQUIRE(c.partial_draw == PartialDraw::WithReplacement);
  REQUIRE(c.partial_count == 50);
  std::vector<double> hits(100, 0.0);
  long repeats = 0, draws = 0;
  for (long snapshot = 0; snapshot < 400; ++snapshot) {
    const auto ids = partial_force_ids(c, 3, snapshot);
    REQUIRE(ids.size() == 50);
    REQUIRE(std::is_sorted(ids.begin(), ids.end()));
    REQUIRE(ids == partial_force_ids(c, 3, snapshot));  // counter-based: the same on every rank
    repeats += 50 - static_cast<long>(std::set<int64_t>(ids.begin(), ids.end()).size());
    for (int64_t id : ids) {
      REQUIRE(id >= 0);
      REQUIRE(id < 100);
      hits[id] += 1.0;
      ++draws;
    }
  }
  // 50 draws out of 100 cells repeat 50 - 100 (1 - 0.99^50) = 10.5 cells on average.
  const double mean_repeats = static_cast<double>(repeats) / 400.0;
  REQUIRE(mean_repeats == Approx(10.5).margin(1.0));
  // Uniform: every cell is hit 200 +- a few standard deviations (sqrt(200) ~ 14) times.
  for (double h : hits) REQUIRE(std::abs(h - 200.0) < 70.0);
  REQUIRE(partial_force_ids(c, 3, 0) != partial_force_ids(c, 4, 0));
  // The default stays the exact-|I| distinct draw.
  auto distinct = Deck::from_string("n = 10\npartial_fraction = 0.5\n", "test");
  const auto d = SimulateConfig::parse(distinct.root());
  REQUIRE(d.partial_draw == PartialDraw::Distinct);
  const auto ids = partial_force_ids(d, 3, 0);
  REQUIRE(std::set<int64_t>(ids.begin(), ids.end()).size() == 50);
}

TEST_CASE("with_replacement partial forces equal the full force at the drawn cells", "[allen_cahn][closure_data]") {
  const test::ScratchDir dir("acc");
  auto f = io::H5File::open_read(run_stage(config("partial_draw = \"with_replacement\"\n"), dir.path()),
                                 MPI_COMM_WORLD);
  REQUIRE(f.attr_string("/", "partial_draw") == "with_replacement");
  const auto forces = f.read_all<double>("/forces");
  const auto ids = f.read_all<int64_t>("/partial_forces/indices");
  const auto vals = f.read_all<double>("/partial_forces/values");
  bool repeated = false;
  for (size_t snap = 0; snap < 33; ++snap)
    for (size_t j = 0; j < 58; ++j) {
      const size_t q = snap * 58 + j;
      REQUIRE(vals[q] == forces[snap * 576 + ids[q]]);
      if (j > 0 && ids[q] == ids[q - 1]) repeated = true;
    }
  REQUIRE(repeated);  // 58 draws out of 576 cells repeat with probability ~ 95% per snapshot
}

TEST_CASE("field_precision = float stores the fields rounded to float, the rest unchanged", "[allen_cahn][closure_data]") {
  const test::ScratchDir double_dir("acc"), float_dir("acc");
  auto d = io::H5File::open_read(run_stage(config(""), double_dir.path()), MPI_COMM_WORLD);
  auto f = io::H5File::open_read(run_stage(config("field_precision = \"float\"\n"), float_dir.path()),
                                 MPI_COMM_WORLD);
  REQUIRE(f.attr_string("/", "field_precision") == "float");
  for (const char* name : {"/states", "/forces"}) {
    const auto wide = d.read_all<double>(name);
    const auto narrow = f.read_all<float>(name);
    REQUIRE(wide.size() == narrow.size());
    for (size_t i = 0; i < wide.size(); ++i) REQUIRE(narrow[i] == static_cast<float>(wide[i]));
  }
  REQUIRE(d.read_all<double>("/free_energy") == f.read_all<double>("/free_energy"));
  REQUIRE(d.read_all<double>("/partial_forces/values") == f.read_all<double>("/partial_forces/values"));
}
