// Vicsek heading arithmetic (no libm in the kernel): sincos and 1/sqrt against the C library, the
// new heading against the atan2 formulation it replaces, and the 2^-40 quantisation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "sim/vicsek/vicsek_heading_math.hpp"

using namespace macrodyn::vicsek;

TEST_CASE("sincos_noise matches sin and cos to a few ulp", "[vicsek][math]") {
  std::mt19937_64 gen(3);
  std::uniform_real_distribution<double> angle(-40.0, 40.0);
  double worst = 0.0;
  for (int k = 0; k < 200000; ++k) {
    // random angles, and angles right at the quadrant boundaries k pi / 4
    const double a = k % 2 ? angle(gen) : (k / 2 % 101 - 50) * (M_PI / 4) + (k % 3 - 1) * 1e-15;
    double s, c;
    sincos_noise(a, s, c);
    worst = std::max({worst, std::fabs(s - std::sin(a)), std::fabs(c - std::cos(a))});
  }
  CHECK(worst < 5e-16);
  double s, c;
  sincos_noise(0.0, s, c);
  CHECK(s == 0.0);
  CHECK(c == 1.0);
}

TEST_CASE("inverse_sqrt is 1/sqrt to a few ulp over the range of squared fixed-point sums", "[vicsek][math]") {
  std::mt19937_64 gen(4);
  std::uniform_real_distribution<double> mant(1.0, 2.0);
  double worst = 0.0;
  for (int e = 0; e <= 110; ++e)
    for (int k = 0; k < 500; ++k) {
      const double v = std::ldexp(mant(gen), e);
      worst = std::max(worst, std::fabs(inverse_sqrt(v) * std::sqrt(v) - 1.0));
    }
  CHECK(worst < 6e-16);
  CHECK(inverse_sqrt(4.0) == Approx(0.5).epsilon(1e-16));
}

TEST_CASE("quantise_unit rounds to the nearest multiple of 2^-40", "[vicsek][math]") {
  std::mt19937_64 gen(5);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  for (int k = 0; k < 10000; ++k) {
    const double v = unit(gen), q = quantise_unit(v);
    const double n = q * kFixedScale;
    REQUIRE(n == std::floor(n));                       // an exact multiple of 2^-40
    REQUIRE(std::fabs(q - v) <= 0.5 * kFixedUnit);     // the nearest one
    REQUIRE(fixed_of(q) == static_cast<int64_t>(n));   // exact integer image
    REQUIRE(quantise_unit(q) == q);                    // idempotent
  }
  CHECK(quantise_unit(1.0) == 1.0);
  CHECK(quantise_unit(-1.0) == -1.0);
}

TEST_CASE("new heading = arg(sum) + noise angle, a quantised unit vector", "[vicsek][math]") {
  std::mt19937_64 gen(6);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  std::uniform_int_distribution<int> count(1, 12);
  double worst_angle = 0.0, worst_norm = 0.0;
  for (int k = 0; k < 20000; ++k) {
    // a sum of `count` quantised unit vectors, in fixed-point units, and a noise angle
    int64_t sx = 0, sy = 0;
    for (int j = count(gen); j > 0; --j) {
      const double th = M_PI * unit(gen);
      sx += fixed_of(quantise_unit(std::cos(th)));
      sy += fixed_of(quantise_unit(std::sin(th)));
    }
    const double a = 3.0 * unit(gen);
    double ux, uy;
    new_heading(static_cast<double>(sx), static_cast<double>(sy), a, ux, uy);
    REQUIRE(quantise_unit(ux) == ux);
    REQUIRE(quantise_unit(uy) == uy);
    const double want = std::atan2(static_cast<double>(sy), static_cast<double>(sx)) + a;
    worst_angle = std::max(worst_angle, std::fabs(std::remainder(std::atan2(uy, ux) - want, 2 * M_PI)));
    worst_norm = std::max(worst_norm, std::fabs(std::hypot(ux, uy) - 1.0));
  }
  CHECK(worst_angle < 3e-12);  // the 2^-40 quantisation of the components
  CHECK(worst_norm < 2e-12);
  // no noise: the normalised sum itself; a zero sum counts as direction (1, 0)
  double ux, uy;
  new_heading(3.0 * 1099511627776.0, 0.0, 0.0, ux, uy);
  CHECK(ux == 1.0);
  CHECK(uy == 0.0);
  new_heading(0.0, 0.0, 0.5, ux, uy);
  CHECK(ux == Approx(std::cos(0.5)).margin(1e-12));
  CHECK(uy == Approx(std::sin(0.5)).margin(1e-12));
}
