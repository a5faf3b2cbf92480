// Diffusion: mean squared displacement grows as 2 D t within statistical error for every dt; the
// exact heat kernel is normalised, has variance 2 D t before wrapping, and the dt = 0.01 walkers'
// density matches it within sampling noise.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/diffusion/diffusion_model.hpp"

using namespace macrodyn::diffusion;

TEST_CASE("diffusion: MSD = 2 D t within statistical error for dt in {1, 0.1, 0.04}", "[diffusion]") {
  const double D = 0.5;
  const long W = 4000;
  for (double dt : {1.0, 0.1, 0.04}) {
    const long steps = std::lround(20.0 / dt), every = std::lround(5.0 / dt);
    const auto r = random_walk(100, W, 50, D, dt, steps, every, 11, 1);
    for (size_t t = 1; t < r.msd.size(); ++t) {
      const double time = 5.0 * t, expected = 2 * D * time;
      // Var(x^2) ~ 2 (2 D t)^2 for a near-Gaussian displacement: standard error sqrt(2/W) 2 D t.
      INFO("dt " << dt << " t " << time << " msd " << r.msd[t]);
      REQUIRE(std::abs(r.msd[t] - expected) < 5.0 * std::sqrt(2.0 / W) * expected);
    }
  }
}

TEST_CASE("diffusion: exact heat kernel and the dt -> 0 walkers agree", "[diffusion]") {
  const long L = 100;
  const double D = 0.5, t = 10.0;
  const auto p = heat_kernel(L, 50, D, t);
  double sum = 0, var = 0;
  for (long x = 0; x < L; ++x) {
    sum += p[x];
    var += p[x] * (x - 50.0) * (x - 50.0);
  }
  REQUIRE(sum == Approx(1.0).epsilon(1e-12));
  REQUIRE(var == Approx(2 * D * t).epsilon(1e-6));  // no wrap-around at t = 10 on 100 sites
  const long W = 20000;
  const auto r = random_walk(L, W, 50, D, 0.01, 1000, 1000, 5, 2);
  double l1 = 0;
  for (long x = 0; x < L; ++x) l1 += std::abs(r.density[L + x] - p[x]);
  REQUIRE(l1 < 0.05);  // sampling noise ~ sum sqrt(p/W) ~ 0.03
}
