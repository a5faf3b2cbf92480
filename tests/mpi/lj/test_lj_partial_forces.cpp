// Partial forces (only the atoms of a random subset I, |I| = n p exactly) equal the full forces at
// those atoms, mid-way between list rebuilds (ghosts moved, bins from the last build), 1/2/4 ranks.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/random_subset.hpp"
#include "support/lj_test_support.hpp"
#include "sim/lj/lj_partial_forces.hpp"

using namespace lj_test;

TEST_CASE("LJ partial forces equal the full forces at the chosen atoms", "[lj][partial]") {
  const double L = 10.0;
  const int64_t N = 800;
  for (bool newton : {true, false}) {
    Params prm;
    prm.newton = newton;
    LjSystem sys(MPI_COMM_WORLD, {L, L, L}, N, prm);
    sys.set_atoms(sc_atoms(MPI_COMM_WORLD, L, N, 1.3, 0.0, 8));
    sys.run(37);
    const int64_t m = subset_size(N, 1.0 / 16.0);
    REQUIRE(m == 50);
    const std::vector<int64_t> I = random_subset(N, m, 4, 1, 37);
    REQUIRE(static_cast<int64_t>(I.size()) == m);
    const std::vector<double> F = partial_forces(sys, I);
    std::vector<double> f;
    HostAtoms a = sys.owned_atoms(&f);
    auto full = gather_by_id(MPI_COMM_WORLD, a.id, f);
    double worst = 0, scale = 0;
    for (int64_t k = 0; k < m; ++k)
      for (int d = 0; d < 3; ++d) {
        worst = std::max(worst, std::abs(F[3 * k + d] - full[I[k]][d]));
        scale = std::max(scale, std::abs(full[I[k]][d]));
      }
    INFO("newton " << newton << ": max difference " << worst << " of " << scale);
    CHECK(scale > 0);
    CHECK(worst <= force_sum_tolerance(newton, scale));
  }
}
