// The predator-prey simulate stage writes the same dataset on 1, 2 and 4 ranks (compared with a run
// of the same deck on MPI_COMM_SELF), and its partial forces equal the full forces at the stored
// indices.
#include <catch2/catch.hpp>

#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "test_support.hpp"
#include "stage_folders.hpp"  // register_<folder>_stages

using namespace macrodyn;

TEST_CASE("predator_prey datasets do not depend on the rank count", "[predator_prey][mpi]") {
  StageRegistry registry;
  register_predator_prey_stages(registry);
  const char* text = "kind = 'simulate'\nsystem = 'predator_prey'\ntrajectories = 5\nt_final = 0.5\n"
                     "save_interval = 0.1\nseed = 4\npartial_fraction = 0.1\nsave_forces = true\n";
  const auto scratch = test::run_on_world_and_self(registry, text, "pp");
  const std::string& dir = scratch.path();
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    auto a = io::H5File::open_read(dir + "/predator_prey.h5", MPI_COMM_SELF);
    auto b = io::H5File::open_read(dir + "/ref/predator_prey.h5", MPI_COMM_SELF);
    for (const char* name : {"/states", "/forces", "/parameters", "/observables", "/partial_forces/values"})
      CHECK(a.read_all<double>(name) == b.read_all<double>(name));
    CHECK(a.read_all<int64_t>("/partial_forces/indices") == b.read_all<int64_t>("/partial_forces/indices"));

    // Partial forces are the full forces at the stored indices, |I| = round(100 * 0.1) per snapshot.
    const auto dims = a.dims("/partial_forces/indices");
    REQUIRE(dims.size() == 3);
    CHECK(dims[2] == 10);
    const auto full = a.read_all<double>("/forces");
    const auto idx = a.read_all<int64_t>("/partial_forces/indices");
    const auto val = a.read_all<double>("/partial_forces/values");
    const size_t n = a.dims("/forces")[2];
    long mismatches = 0;
    for (size_t f = 0; f < dims[0] * dims[1]; ++f)
      for (size_t k = 0; k < dims[2]; ++k) mismatches += val[f * dims[2] + k] != full[f * n + idx[f * dims[2] + k]];
    CHECK(mismatches == 0);
  }
}
