// Vicsek model on 1, 2, 4 ranks (ctest runs this on each): the decomposed run over MPI_COMM_WORLD must
// reproduce the single-rank run (MPI_COMM_SELF on every rank) bit for bit, including the order
// parameter and the lattice.
#include <catch2/catch.hpp>

#include <mpi.h>

#include <vector>

#include "sim/vicsek/vicsek_model.hpp"

using namespace macrodyn;
using namespace macrodyn::vicsek;

TEST_CASE("decomposed Vicsek run is identical to the single-rank run", "[vicsek][mpi]") {
  VicsekParams p;
  p.L = 24;
  p.rho = 0.6;
  p.eta = 1.5;
  p.seed = 9;
  VicsekModel world(MPI_COMM_WORLD, p), single(MPI_COMM_SELF, p);
  for (int s = 0; s < 80; ++s) {
    world.step();
    single.step();
  }
  auto a = world.gather(), b = single.gather();
  REQUIRE(a.size() == b.size());
  REQUIRE(a.size() == static_cast<size_t>(world.n_particles()));
  for (size_t i = 0; i < a.size(); ++i) {
    REQUIRE(a[i].id == b[i].id);
    REQUIRE(a[i].x == b[i].x);
    REQUIRE(a[i].y == b[i].y);
    REQUIRE(a[i].theta == b[i].theta);
  }
  REQUIRE(world.order_parameter() == single.order_parameter());  // exact fixed-point sums
  // The order parameter must not be trivially 0 or 1 here (the dynamics really mixed).
  REQUIRE(world.order_parameter() > 0.05);
  REQUIRE(world.order_parameter() < 0.999);

  // Lattice: this rank's block of the decomposed lattice equals the same block of the single-rank one.
  Kokkos::View<double***, Kokkos::LayoutRight, Kokkos::HostSpace> lw, ls;
  world.lattice(lw);
  single.lattice(ls);
  const auto& dec = world.decomposition();
  double n_local = 0;
  for (long y = 0; y < dec.local_cells(1); ++y)
    for (long x = 0; x < dec.local_cells(0); ++x)
      for (int c = 0; c < 3; ++c) {
        const double ref = ls(c, dec.lo(1) + y, dec.lo(0) + x);
        REQUIRE(lw(c, y, x) == ref);  // counts and fixed-point means: bitwise
        if (c == 0) n_local += ref;
      }
  double n_total = 0;
  MPI_Allreduce(&n_local, &n_total, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  REQUIRE(n_total == world.n_particles());
}
