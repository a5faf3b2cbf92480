// Allen-Cahn RK4 and the closure-data options on 1, 2 and 4 ranks (ctest runs this on each) against a
// one-rank reference on MPI_COMM_SELF: RK4 fields and partial forces bit for bit; a dataset with RK4,
// stop_energy and partial_draw = "with_replacement" identical, free energy included (an exact sum).
#include <catch2/catch.hpp>

#include <cmath>

#include "core/random_subset.hpp"
#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "sim/allen_cahn/allen_cahn_grid.hpp"
#include "stage_folders.hpp"  // register_<folder>_stages
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::allen_cahn;

TEST_CASE("distributed RK4 equals the one-rank run bit for bit", "[allen_cahn][rk4][mpi]") {
  const Model model = Model::make(37, Model::eps_from_interface(10.0, 1.0 / 200));  // odd side: uneven blocks
  const double dt = 0.1 * model.h * model.h;
  AllenCahnGrid ref(MPI_COMM_SELF, model, {1, 1}, {1, 1024});
  ref.set_torus(0.36, 0.13);
  ref.advance_rk4(dt, 300);
  const auto ref_field = ref.gather_global();
  // One ghost layer (the simulate stage's choice for RK4) and deep ghosts give the same bits.
  for (long ghost : {1L, 4L}) {
    AllenCahnGrid dist(MPI_COMM_WORLD, model, {0, 0}, {ghost, 1024});
    dist.set_torus(0.36, 0.13);
    dist.advance_rk4(dt, 300);
    const auto field = dist.gather_global();
    INFO("ghost " << dist.ghost());
    REQUIRE(field == ref_field);
    REQUIRE(dist.free_energy() == ref.free_energy());
    const auto ids = random_subset(37 * 37, 200, 11, 12, 13);
    REQUIRE(dist.partial_forces(ids) == ref.partial_forces(ids));
  }
}

TEST_CASE("closure-data dataset (RK4, stop_energy, with_replacement) on any rank count", "[allen_cahn][mpi]") {
  StageRegistry registry;
  register_allen_cahn_stages(registry);
  const auto scratch = test::run_on_world_and_self(
      registry,
      "kind = \"simulate\"\nsystem = \"allen_cahn\"\nn = 30\neps = 0.04\nintegrator = \"rk4\"\nsteps = 600\n"
      "save_every = 50\ntrajectories = 2\npartial_fraction = 0.05\npartial_draw = \"with_replacement\"\n"
      "save_forces = true\nstop_energy = 40.0\n",
      "ac_rk4");
  const std::string& dir = scratch.path();
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    auto a = io::H5File::open_read(dir + "/allen_cahn.h5", MPI_COMM_SELF);
    auto b = io::H5File::open_read(dir + "/ref/allen_cahn.h5", MPI_COMM_SELF);
    const auto kept = a.read_all<int64_t>("/snapshots_kept");
    REQUIRE(kept == b.read_all<int64_t>("/snapshots_kept"));
    INFO("kept " << kept[0] << " " << kept[1]);
    REQUIRE(kept[0] > 1);  // the threshold cuts inside the run: both parts of the layout are compared
    REQUIRE(kept[0] < 13);
    for (const char* name : {"/states", "/forces", "/partial_forces/values", "/parameters"}) {
      const auto x = a.read_all<double>(name), y = b.read_all<double>(name);
      REQUIRE(x.size() == y.size());
      for (size_t i = 0; i < x.size(); ++i) REQUIRE(((std::isnan(x[i]) && std::isnan(y[i])) || x[i] == y[i]));
    }
    REQUIRE(a.read_all<int64_t>("/partial_forces/indices") == b.read_all<int64_t>("/partial_forces/indices"));
    const auto ea = a.read_all<double>("/free_energy"), eb = b.read_all<double>("/free_energy");
    for (size_t i = 0; i < ea.size(); ++i)
      if (!std::isnan(eb[i])) REQUIRE(ea[i] == eb[i]);
  }
}
