// The diffusion simulate stage (random walkers + exact heat kernel) writes the same dataset on 1, 2
// and 4 ranks: compared with a run of the same deck on MPI_COMM_SELF.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "test_support.hpp"
#include "stage_folders.hpp"  // register_<folder>_stages

using namespace macrodyn;

TEST_CASE("diffusion datasets do not depend on the rank count", "[diffusion][mpi]") {
  StageRegistry registry;
  register_diffusion_stages(registry);
  const char* text = "kind = 'simulate'\nsystem = 'diffusion'\nsites = 40\nwalkers = 200\nruns = 5\n"
                     "t_final = 10.0\ndt = [1.0, 0.1]\nseed = 2\n";
  const auto scratch = test::run_on_world_and_self(registry, text, "diff");
  const std::string& dir = scratch.path();
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    auto a = io::H5File::open_read(dir + "/diffusion.h5", MPI_COMM_SELF);
    auto b = io::H5File::open_read(dir + "/ref/diffusion.h5", MPI_COMM_SELF);
    for (const char* name : {"/dt_0/density", "/dt_0/msd", "/dt_1/density", "/dt_1/msd", "/exact/density"})
      CHECK(a.read_all<double>(name) == b.read_all<double>(name));
    // Walkers are conserved: every density snapshot (walker fraction per site) sums to 1.
    const auto density = a.read_all<double>("/dt_1/density");
    const size_t sites = 40;
    long bad = 0;
    for (size_t s = 0; s < density.size() / sites; ++s) {
      double total = 0;
      for (size_t i = 0; i < sites; ++i) total += density[s * sites + i];
      bad += std::abs(total - 1.0) > 1e-12;
    }
    CHECK(bad == 0);
  }
}
