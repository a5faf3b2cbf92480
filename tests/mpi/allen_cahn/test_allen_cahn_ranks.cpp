// Allen-Cahn on 1, 2 and 4 ranks (ctest runs this on each) against a one-rank reference computed on
// MPI_COMM_SELF: fields, partial forces and the free energy bit for bit (any time block; the energy is
// an exact sum), and the written dataset.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>

#include "core/config.hpp"
#include "core/random_subset.hpp"
#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "sim/allen_cahn/allen_cahn_grid.hpp"
#include "sim/allen_cahn/allen_cahn_simulate_stage.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::allen_cahn;

namespace {
double max_diff(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}
}  // namespace

TEST_CASE("distributed Allen-Cahn equals the one-rank run", "[allen_cahn][mpi]") {
  const Model model = Model::make(37, Model::eps_from_interface(10.0, 1.0 / 200));  // odd side: uneven blocks
  // The reference takes single steps; the distributed runs use deep ghosts and several block lengths:
  // the fields must agree bit for bit.
  AllenCahnGrid ref(MPI_COMM_SELF, model, {1, 1}, {1, 1024});
  ref.set_torus(0.36, 0.13);
  ref.advance(model.dt_max(), 300);
  const auto ref_field = ref.gather_global();
  for (TimeBlocking blocking : {TimeBlocking{1, 1024}, TimeBlocking{5, 7}, TimeBlocking{16, 1024}}) {
    AllenCahnGrid dist(MPI_COMM_WORLD, model, {0, 0}, blocking);
    dist.set_torus(0.36, 0.13);
    dist.advance(model.dt_max(), 300);
    INFO("block " << blocking.steps << " (ghost " << dist.ghost() << "), strip " << blocking.strip_cols);
    REQUIRE(max_diff(dist.gather_global(), ref_field) == 0.0);
    REQUIRE(dist.free_energy() == ref.free_energy());
    const auto ids = random_subset(37 * 37, 200, 11, 12, 13);
    REQUIRE(max_diff(dist.partial_forces(ids), ref.partial_forces(ids)) == 0.0);
  }
}

TEST_CASE("simulate allen_cahn writes the same dataset on any rank count", "[allen_cahn][mpi]") {
  auto deck = Deck::from_string(
      "n = 30\neps = 0.04\nt_final = 0.02\nsave_every = 25\ntrajectories = 2\npartial_fraction = 0.05\n"
      "save_forces = true\n",
      "test");
  const SimulateConfig c = SimulateConfig::parse(deck.root());
  const test::ScratchDir scratch("ac_mpi");
  const std::string& dir = scratch.path();
  RunContext ctx;
  ctx.run_dir = dir;
  AllenCahnSimulate(c).run(ctx);
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    RunContext self;
    self.comm = MPI_COMM_SELF;
    self.run_dir = dir + "/ref";
    REQUIRE(::mkdir(self.run_dir.c_str(), 0755) == 0);
    AllenCahnSimulate(c).run(self);
    auto a = io::H5File::open_read(dir + "/allen_cahn.h5", MPI_COMM_SELF);
    auto b = io::H5File::open_read(dir + "/ref/allen_cahn.h5", MPI_COMM_SELF);
    for (const char* name : {"/states", "/forces", "/partial_forces/values", "/parameters"})
      CHECK(max_diff(a.read_all<double>(name), b.read_all<double>(name)) <= 1e-12);
    CHECK(a.read_all<int64_t>("/partial_forces/indices") == b.read_all<int64_t>("/partial_forces/indices"));
    const auto ea = a.read_all<double>("/free_energy"), eb = b.read_all<double>("/free_energy");
    CHECK(ea == eb);
  }
}
