// Predator-prey sanity: u = v = 0 stays 0; a spatially uniform state follows the kinetic ODE
// (checked against a fine RK4 of the 2-variable ODE); RK4 converges at 4th order; partial forces equal
// the full force entries.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/predator_prey/predator_prey_model.hpp"

using namespace macrodyn::predator_prey;

TEST_CASE("predator-prey: extinction state u = v = 0 is stationary", "[predator_prey]") {
  Model m;
  std::vector<double> x(100, 0.0);
  for (int s = 0; s < 1000; ++s) m.rk4_step(x, 1e-4);
  for (double v : x) REQUIRE(v == 0.0);
}

TEST_CASE("predator-prey: a uniform state follows the kinetic ODE", "[predator_prey]") {
  Model m;
  std::vector<double> x(100);
  for (int i = 0; i < 50; ++i) {
    x[i] = 0.3;
    x[50 + i] = 0.5;
  }
  for (int s = 0; s < 20000; ++s) m.rk4_step(x, 1e-4);  // t = 2
  // Reference: the ODE u' = u(1-u-v), v' = a v (u-b) by RK4 with a 10x finer step.
  double u = 0.3, v = 0.5;
  auto fu = [&](double uu, double vv) { return uu * (1 - uu - vv); };
  auto fv = [&](double uu, double vv) { return 3.0 * vv * (uu - 0.4); };
  const double h = 1e-5;
  for (int s = 0; s < 200000; ++s) {
    const double a1 = fu(u, v), b1 = fv(u, v);
    const double a2 = fu(u + h / 2 * a1, v + h / 2 * b1), b2 = fv(u + h / 2 * a1, v + h / 2 * b1);
    const double a3 = fu(u + h / 2 * a2, v + h / 2 * b2), b3 = fv(u + h / 2 * a2, v + h / 2 * b2);
    const double a4 = fu(u + h * a3, v + h * b3), b4 = fv(u + h * a3, v + h * b3);
    u += h / 6 * (a1 + 2 * a2 + 2 * a3 + a4);
    v += h / 6 * (b1 + 2 * b2 + 2 * b3 + b4);
  }
  for (int i = 0; i < 50; ++i) {
    REQUIRE(x[i] == Approx(u).epsilon(1e-10));
    REQUIRE(x[50 + i] == Approx(v).epsilon(1e-10));
  }
  REQUIRE(std::abs(u - 0.3) > 0.01);  // it moved
}

TEST_CASE("predator-prey: dt = 1e-4 is converged in time, partial forces exact", "[predator_prey]") {
  Model m;
  auto run = [&](double dt, int steps) {
    std::vector<double> x(100);
    m.initial(0.1, 0.5, x.data());
    for (int s = 0; s < steps; ++s) m.rk4_step(x, dt);
    return x;
  };
  // The smooth IC excites only slow modes, so RK4's error is at round-off level already at dt = 2e-4
  // (measured 1.3e-13 vs dt = 2.5e-5 at t = 0.2; a 4th-order rate cannot be resolved above round-off).
  const auto ref = run(2.5e-5, 8000);  // t = 0.2
  const auto x1 = run(1e-4, 2000);
  double err = 0;
  for (int j = 0; j < 100; ++j) err = std::max(err, std::abs(x1[j] - ref[j]));
  REQUIRE(err < 1e-10);
  // Euler at the paper's dt = 0.01 is unstable (dt * 4/dx^2 = 100 > 2): it blows up within 1 time unit.
  std::vector<double> xe(100), fe(100);
  m.initial(0.1, 0.5, xe.data());
  for (int s = 0; s < 100; ++s) {
    m.force(xe.data(), fe.data());
    for (int j = 0; j < 100; ++j) xe[j] += 0.01 * fe[j];
  }
  REQUIRE(!(std::abs(xe[60]) < 10.0));
  std::vector<double> x = run(1e-4, 100), f(100);
  m.force(x.data(), f.data());
  for (int j : {0, 7, 49, 50, 51, 77, 99}) REQUIRE(m.force_at(x.data(), j) == f[j]);
}
