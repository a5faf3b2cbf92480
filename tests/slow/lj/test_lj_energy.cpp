// Energy conservation of velocity Verlet (shifted energy, forces unchanged): 6400 atoms (L = 20,
// rho = 0.8), T0 = 1, 1000 steps at dt = 0.001: relative drift < 1e-4; the largest deviation from
// the initial energy shrinks about 4x when dt is halved (2000 steps to the same time): second order.
#include <catch2/catch.hpp>

#include <cmath>

#include "support/lj_test_support.hpp"

using namespace lj_test;

namespace {
struct EnergyTrace {
  double drift = 0, max_dev = 0;
};

EnergyTrace energy_trace(double dt, long steps) {
  const double L = 20.0;
  const int64_t N = 6400;
  Params prm;
  prm.dt = dt;
  LjSystem sys(MPI_COMM_WORLD, {L, L, L}, N, prm);
  sys.set_atoms(sc_atoms(MPI_COMM_WORLD, L, N, 1.0, 0.0, 21));
  const double e0 = sys.observe().total_shifted;
  EnergyTrace t;
  const long every = steps / 100;
  for (long s = 0; s < steps; s += every) {
    sys.run(every);
    const double e = sys.observe().total_shifted;
    t.max_dev = std::max(t.max_dev, std::abs(e - e0));
    t.drift = std::abs(e - e0) / std::abs(e0);
  }
  return t;
}
}  // namespace

TEST_CASE("LJ NVE conserves the shifted total energy to second order in dt", "[lj][energy]") {
  const EnergyTrace coarse = energy_trace(0.001, 1000);
  const EnergyTrace fine = energy_trace(0.0005, 2000);
  INFO("drift " << coarse.drift << ", max deviation dt " << coarse.max_dev << " dt/2 " << fine.max_dev);
  CHECK(coarse.drift < 1e-4);
  const double ratio = coarse.max_dev / fine.max_dev;
  CHECK(ratio > 3.0);
  CHECK(ratio < 5.5);
}
