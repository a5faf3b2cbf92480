// Rank-count independence and restart identity of LJ trajectories (800 atoms, L = 10, rho = 0.8,
// T0 = 1, dt = 0.001, 250 steps, neighbour check every step).
// Tolerances: the full neighbour list sums every force in id order whatever the decomposition, so
// its trajectory is bit-identical on 1, 2, 4 ranks (checked with ==). The half list (Newton's third
// law) sums the same terms in a rank-dependent order: positions agree to round-off amplified by the
// dynamics, checked at 1e-10.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>

#include "support/lj_test_support.hpp"
#include "sim/lj/lj_checkpoint.hpp"

using namespace lj_test;

namespace {
constexpr double kL = 10.0;
constexpr int64_t kN = 800;

std::map<int64_t, std::array<double, 3>> run_positions(MPI_Comm comm, bool newton, long steps) {
  Params prm;
  prm.newton = newton;
  LjSystem sys(comm, {kL, kL, kL}, kN, prm);
  sys.set_atoms(sc_atoms(comm, kL, kN, 1.0, 0.0, 11));
  sys.run(steps);
  HostAtoms a = sys.owned_atoms();
  // unwrapped positions (wrapping differs with when lists were rebuilt)
  for (size_t k = 0; k < a.id.size(); ++k)
    for (int d = 0; d < 3; ++d) a.x[3 * k + d] += a.image[3 * k + d] * kL;
  return gather_by_id(comm, a.id, a.x);
}
}  // namespace

TEST_CASE("LJ trajectory is independent of the rank count", "[lj][parallel]") {
  for (bool newton : {false, true}) {
    auto ref = run_positions(MPI_COMM_SELF, newton, 250);  // every rank: the 1-rank reference
    auto par = run_positions(MPI_COMM_WORLD, newton, 250);
    REQUIRE(par.size() == ref.size());
    double worst = 0;
    for (auto& [id, x] : ref)
      for (int d = 0; d < 3; ++d) worst = std::max(worst, std::abs(par[id][d] - x[d]));
    INFO("newton " << newton << ": max position difference " << worst);
    if (newton)
      CHECK(worst <= 1e-10);
    else
      CHECK(worst == 0.0);
  }
}

TEST_CASE("LJ restart continues bit-identically", "[lj][restart]") {
  for (bool newton : {true, false}) {
    Params prm;
    prm.newton = newton;
    LjSystem a(MPI_COMM_WORLD, {kL, kL, kL}, kN, prm);
    a.set_atoms(sc_atoms(MPI_COMM_WORLD, kL, kN, 1.2, 0.0, 3));
    a.run(100);
    save_checkpoint("lj_restart_test.h5", MPI_COMM_WORLD, a);  // through the checkpoint file, in id order
    a.run(100);
    const CheckpointState saved = load_checkpoint("lj_restart_test.h5", MPI_COMM_WORLD);
    REQUIRE(saved.step == 100);
    LjSystem b(MPI_COMM_WORLD, saved.box, saved.n_atoms, prm);
    b.restore(saved.atoms, saved.step);
    b.run(100);
    REQUIRE(b.step_count() == a.step_count());
    HostAtoms ha = a.owned_atoms(), hb = b.owned_atoms();
    auto xa = gather_by_id(MPI_COMM_WORLD, ha.id, ha.x), xb = gather_by_id(MPI_COMM_WORLD, hb.id, hb.x);
    auto va = gather_by_id(MPI_COMM_WORLD, ha.id, ha.v), vb = gather_by_id(MPI_COMM_WORLD, hb.id, hb.v);
    int differ = 0;
    for (auto& [id, x] : xa)
      for (int d = 0; d < 3; ++d) differ += (x[d] != xb[id][d]) + (va[id][d] != vb[id][d]);
    CHECK(differ == 0);
  }
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) std::remove("lj_restart_test.h5");
}
