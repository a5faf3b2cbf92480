// Gray-Scott: a Turing regime (Da/Db = 8, F = 0.04, k = 0.06) gives a structured pattern, a decaying regime gives a blank
// one (b -> 0, a -> 1); the Euler update conserves the homogeneous fixed point; the stage's samples do
// not depend on the rank count (the mpi test runs the same check on 2 and 4 ranks).
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/gray_scott/gray_scott_model.hpp"

using namespace macrodyn::gray_scott;

TEST_CASE("Gray-Scott: pattern-forming regime is non-blank, decaying regime is blank", "[gray_scott]") {
  const long n = 64;
  const auto spots = run_sample({0.16, 0.02, 0.04, 0.06}, n, 4000, 0.1, 1, 0);
  INFO("std a " << channel_std(spots, n, 0) << " std b " << channel_std(spots, n, 1));
  REQUIRE(channel_std(spots, n, 1) > 0.05);
  const auto decay = run_sample({0.16, 0.02, 0.02, 0.07}, n, 4000, 0.1, 1, 0);
  INFO("decay: std a " << channel_std(decay, n, 0) << " std b " << channel_std(decay, n, 1));
  REQUIRE(channel_std(decay, n, 0) < 1e-3);
  REQUIRE(channel_std(decay, n, 1) < 1e-3);
  // The blank state is the trivial fixed point a = 1, b = 0.
  REQUIRE(decay[0] == Approx(1.0).margin(1e-3));
  REQUIRE(decay[n * n] == Approx(0.0).margin(1e-3));
}

TEST_CASE("Gray-Scott: the same attempt gives the same pattern, different attempts differ", "[gray_scott]") {
  const auto a = run_sample({0.16, 0.08, 0.03, 0.06}, 16, 10, 0.1, 5, 7);
  const auto b = run_sample({0.16, 0.08, 0.03, 0.06}, 16, 10, 0.1, 5, 7);
  const auto c = run_sample({0.16, 0.08, 0.03, 0.06}, 16, 10, 0.1, 5, 8);
  REQUIRE(a == b);
  REQUIRE(a != c);
}

TEST_CASE("Gray-Scott: one Euler step matches the hand-computed update", "[gray_scott]") {
  // With zero steps the output is the initial U(0,1) field; one step must follow the formula.
  const long n = 8;
  const Params p{0.16, 0.08, 0.03, 0.06};
  const auto u0 = run_sample(p, n, 0, 0.1, 3, 4), u1 = run_sample(p, n, 1, 0.1, 3, 4);
  auto at = [&](int c, long j, long i) { return u0[(c * n + ((j + n) % n)) * n + ((i + n) % n)]; };
  for (long j = 0; j < n; ++j)
    for (long i = 0; i < n; ++i) {
      const double a = at(0, j, i), b = at(1, j, i);
      const double la = at(0, j, i - 1) + at(0, j, i + 1) + at(0, j - 1, i) + at(0, j + 1, i) - 4 * a;
      const double lb = at(1, j, i - 1) + at(1, j, i + 1) + at(1, j - 1, i) + at(1, j + 1, i) - 4 * b;
      REQUIRE(u1[j * n + i] == Approx(a + 0.1 * (p.Da * la - a * b * b + p.F * (1 - a))).epsilon(1e-14));
      REQUIRE(u1[n * n + j * n + i] == Approx(b + 0.1 * (p.Db * lb + a * b * b - (p.F + p.k) * b)).epsilon(1e-14));
    }
}
