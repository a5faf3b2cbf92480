// Exact (order-independent) sums: any order of the same terms gives the same bits, and the total is
// the correctly rounded sum to within the dropped low bits.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "core/exact_sum.hpp"

using namespace macrodyn;

namespace {
double exact_total(const std::vector<double>& terms) {
  double max_abs = 0.0;
  for (double t : terms) max_abs = std::max(max_abs, std::abs(t));
  const int e = exact_sum::scale_exponent(max_abs, static_cast<double>(terms.size()));
  const double scale = std::ldexp(1.0, e);
  exact_sum::Fixed sum = 0;
  for (double t : terms) sum += exact_sum::to_fixed(t, scale);
  return exact_sum::allreduce(sum, e, MPI_COMM_SELF);
}
}  // namespace

TEST_CASE("exact sums do not depend on the order of the terms", "[core][exact_sum]") {
  std::mt19937_64 gen(5);
  std::uniform_real_distribution<double> mag(-12.0, 3.0);
  std::vector<double> terms(100000);
  for (double& t : terms) t = std::pow(10.0, mag(gen)) * (gen() % 2 ? 1.0 : -1.0);
  const double reference = exact_total(terms);
  long double careful = 0.0L;  // compensated reference in extended precision, sorted by magnitude
  auto sorted = terms;
  std::sort(sorted.begin(), sorted.end(), [](double a, double b) { return std::abs(a) < std::abs(b); });
  for (double t : sorted) careful += t;
  CHECK(reference == Approx(static_cast<double>(careful)).epsilon(1e-14));
  bool plain_sum_changed = false;
  double first_plain = 0.0;
  for (int round = 0; round < 5; ++round) {
    std::shuffle(terms.begin(), terms.end(), gen);
    REQUIRE(exact_total(terms) == reference);  // bit for bit, whatever the order
    double plain = 0.0;
    for (double t : terms) plain += t;
    if (round == 0) first_plain = plain;
    plain_sum_changed = plain_sum_changed || plain != first_plain;
  }
  CHECK(plain_sum_changed);  // the test data do expose the order dependence of a plain sum
}

TEST_CASE("exact sums of zeros and of one term", "[core][exact_sum]") {
  CHECK(exact_total({0.0, 0.0}) == 0.0);
  CHECK(exact_total({0.1}) == 0.1);
  CHECK(exact_total({1e300, -1e300, 2.0}) == 0.0);  // 2 is below the resolution next to 1e300 terms
}
