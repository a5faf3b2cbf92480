// LJ forces and energy against a direct O(N^2) minimum-image sum (500 atoms), half and full
// neighbour lists, on 1, 2 and 4 ranks; Newton's third law (sum of forces ~ 0).
#include <catch2/catch.hpp>

#include <cmath>

#include "support/lj_test_support.hpp"

using namespace lj_test;

TEST_CASE("LJ forces, energy and virial equal the direct minimum-image sum", "[lj][force]") {
  const double L = std::cbrt(500 / 0.8), rc = 2.5;
  const int64_t N = 500;
  for (bool newton : {true, false}) {
    Params prm;
    prm.rc = rc, prm.skin = 0.3, prm.newton = newton;
    LjSystem sys(MPI_COMM_WORLD, {L, L, L}, N, prm);
    sys.set_atoms(sc_atoms(MPI_COMM_WORLD, L, N, 1.0, 0.3, 5));
    std::vector<double> f;
    HostAtoms mine = sys.owned_atoms(&f);
    auto all_x = gather_by_id(MPI_COMM_WORLD, mine.id, mine.x);
    auto all_f = gather_by_id(MPI_COMM_WORLD, mine.id, f);
    REQUIRE(static_cast<int64_t>(all_x.size()) == N);
    // direct sum over all pairs (every rank computes the same reference)
    std::vector<std::array<double, 3>> ref(N, {0, 0, 0});
    double pe = 0, virial = 0, fmax = 0;
    for (int64_t i = 0; i < N; ++i)
      for (int64_t j = i + 1; j < N; ++j) {
        double d[3], r2 = 0;
        for (int a = 0; a < 3; ++a) {
          d[a] = all_x[i][a] - all_x[j][a];
          d[a] -= L * std::round(d[a] / L);
          r2 += d[a] * d[a];
        }
        if (r2 >= rc * rc) continue;
        const double s6 = 1.0 / (r2 * r2 * r2), fpair = 48.0 * s6 * (s6 - 0.5) / r2;
        pe += 4.0 * s6 * (s6 - 1.0);
        virial += fpair * r2;
        for (int a = 0; a < 3; ++a) ref[i][a] += fpair * d[a], ref[j][a] -= fpair * d[a];
      }
    for (auto& r : ref) fmax = std::max(fmax, std::sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]));
    double err = 0, sum[3] = {0, 0, 0}, abs_sum = 0;
    for (int64_t i = 0; i < N; ++i)
      for (int a = 0; a < 3; ++a) {
        err = std::max(err, std::abs(all_f[i][a] - ref[i][a]));
        sum[a] += all_f[i][a];
        abs_sum += std::abs(all_f[i][a]);
      }
    INFO("newton " << newton << " max force error " << err << " of max |F| " << fmax);
    CHECK(err <= 1e-10 * fmax);
    for (int a = 0; a < 3; ++a) CHECK(std::abs(sum[a]) <= 1e-13 * abs_sum);
    const Observables o = sys.observe();
    CHECK(o.potential == Approx(pe).epsilon(1e-10));
    const double volume = L * L * L;
    CHECK(o.pressure == Approx((2.0 * o.kinetic + virial) / (3.0 * volume)).epsilon(1e-10));
    CHECK(o.temperature == Approx(1.0).epsilon(1e-12));  // velocities scaled to T0 exactly
  }
}
