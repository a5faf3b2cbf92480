// Half-list forces equal the full list's to the fixed-point resolution. On concurrent backends the
// half-list sum is order-independent (64-bit fixed-point pair terms added as integers): every force is
// a whole number of units, and every pair's +t / -t cancel exactly, so the total force is exactly zero.
// The pinned hashes of test_lj_bitwise_regression.cpp, which CI checks in the threaded build (2 threads
// per process), show that the bits do not depend on the thread count either.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>

#include "sim/lj/lj_pair_driver.hpp"
#include "support/lj_test_support.hpp"

using namespace lj_test;

namespace {

std::map<int64_t, std::array<double, 3>> forces(bool newton) {
  const double L = 8.0;
  Params prm;
  prm.newton = newton;
  LjSystem sys(MPI_COMM_SELF, {L, L, L}, 400, prm);
  sys.set_atoms(sc_atoms(MPI_COMM_SELF, L, 400, 1.2, 0.3, 5));
  std::vector<double> f;
  const HostAtoms a = sys.owned_atoms(&f);
  return gather_by_id(MPI_COMM_SELF, a.id, f);
}

}  // namespace

TEST_CASE("half-list forces match the full list; on threaded backends they sum to exactly zero",
          "[lj][forces]") {
  const auto half = forces(true);
  const auto full = forces(false);
  REQUIRE(half.size() == 400);
  // On concurrent backends each force is a whole number of 2^-34 units: the sum over atoms is exact.
  constexpr bool fixed_point = OrderIndependentHalfList<Exec>::value;
  int64_t total_units[3] = {0, 0, 0};
  double total[3] = {0, 0, 0}, largest = 0, worst = 0;
  for (const auto& [id, f] : half) {
    for (int d = 0; d < 3; ++d) {
      const double units = f[d] * FixedPoint::scale;
      if (fixed_point) REQUIRE(units == std::nearbyint(units));
      total_units[d] += static_cast<int64_t>(units);
      total[d] += f[d];
      largest = std::max(largest, std::fabs(f[d]));
      worst = std::max(worst, std::fabs(f[d] - full.at(id)[d]));
    }
  }
  for (int d = 0; d < 3; ++d) {
    if (fixed_point)
      CHECK(total_units[d] == 0);
    else
      CHECK(std::fabs(total[d]) < 1e-10);
  }
  CHECK(largest > 1.0);  // a real test: the jittered lattice has sizeable forces
  // ~40 pair terms per atom, each rounded by less than 2^-34 ~ 5.8e-11 (doubles: far less)
  CHECK(worst < 40 * 5.9e-11);
  if (fixed_point) CHECK(worst > 1e-13);  // the fixed-point rounding is visible
}
