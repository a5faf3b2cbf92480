#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "core/random_subset.hpp"
#include "core/rng.hpp"

using namespace macrodyn;

TEST_CASE("Philox4x32-10 matches the Random123 known-answer vectors", "[rng]") {
  Philox4x32 zero = philox4x32_10(Philox4x32{{0, 0, 0, 0}}, 0, 0);
  CHECK(zero.v[0] == 0x6627e8d5u);
  CHECK(zero.v[1] == 0xe169c58du);
  CHECK(zero.v[2] == 0xbc57ac4cu);
  CHECK(zero.v[3] == 0x9b00dbd8u);
  Philox4x32 ones = philox4x32_10(Philox4x32{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, 0xffffffffu, 0xffffffffu);
  CHECK(ones.v[0] == 0x408f276du);
  CHECK(ones.v[1] == 0x41c83b0eu);
  CHECK(ones.v[2] == 0xa20bc7c6u);
  CHECK(ones.v[3] == 0x6d5451fdu);
  Philox4x32 pi = philox4x32_10(Philox4x32{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}}, 0xa4093822u, 0x299f31d0u);
  CHECK(pi.v[0] == 0xd16cfe09u);
  CHECK(pi.v[1] == 0x94fdccebu);
  CHECK(pi.v[2] == 0x5001e420u);
  CHECK(pi.v[3] == 0x24126ea1u);
}

TEST_CASE("counter-based draws are pure functions of (seed, stream, index, step, k)", "[rng]") {
  CounterRng a(42, 7), b(42, 7), other_seed(43, 7), other_stream(42, 8);
  CHECK(a.uniform(123, 5, 2) == b.uniform(123, 5, 2));
  CHECK(a.uniform(123, 5, 2) != a.uniform(124, 5, 2));
  CHECK(a.uniform(123, 5, 2) != a.uniform(123, 6, 2));
  CHECK(a.uniform(123, 5, 2) != a.uniform(123, 5, 3));
  CHECK(a.uniform(123, 5, 2) != other_seed.uniform(123, 5, 2));
  CHECK(a.uniform(123, 5, 2) != other_stream.uniform(123, 5, 2));
}

TEST_CASE("uniform and normal draws have the right moments", "[rng]") {
  CounterRng rng(2024, 1);
  const int n = 200000;
  double su = 0, su2 = 0, sn = 0, sn2 = 0, sn4 = 0;
  for (int i = 0; i < n; ++i) {
    double u = rng.uniform(i, 0), z = rng.normal(i, 0);
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    su += u;
    su2 += u * u;
    sn += z;
    sn2 += z * z;
    sn4 += z * z * z * z;
  }
  // Tolerances are ~5 standard errors.
  CHECK(std::abs(su / n - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
  CHECK(std::abs(su2 / n - 1.0 / 3) < 5 * std::sqrt(4.0 / 45 / n));
  CHECK(std::abs(sn / n) < 5 / std::sqrt(n));
  CHECK(std::abs(sn2 / n - 1.0) < 5 * std::sqrt(2.0 / n));
  CHECK(std::abs(sn4 / n - 3.0) < 5 * std::sqrt(96.0 / n));
}

TEST_CASE("random_subset picks exactly m distinct indices, uniformly", "[rng]") {
  auto s = random_subset(1000, 50, 9, 1, 3);
  REQUIRE(s.size() == 50);
  CHECK(std::set<int64_t>(s.begin(), s.end()).size() == 50);
  CHECK(std::is_sorted(s.begin(), s.end()));
  CHECK(s.front() >= 0);
  CHECK(s.back() < 1000);
  CHECK(random_subset(1000, 50, 9, 1, 3) == s);
  CHECK(random_subset(1000, 50, 9, 1, 4) != s);
  CHECK(random_subset(10, 10, 1, 1, 0).size() == 10);
  // Every index equally likely: choose 3 of 10, 20000 times; counts ~ 6000 each.
  std::vector<int> hits(10, 0);
  for (uint32_t step = 0; step < 20000; ++step)
    for (auto i : random_subset(10, 3, 5, 2, step)) hits[i]++;
  for (int h : hits) CHECK(std::abs(h - 6000) < 5 * std::sqrt(6000 * 0.7));
  CHECK_THROWS(random_subset(5, 6, 1, 1, 0));
  CHECK(subset_size(40000, 1.0 / 1024) == 39);
  CHECK(subset_size(10, 0.01) == 1);
}

TEST_CASE("random_subset is Floyd's algorithm: the same subset as a plain std::set implementation", "[rng]") {
  // The subset depends only on the draws, so datasets written with any container stay reproducible.
  auto floyd_reference = [](int64_t n, int64_t m, uint64_t seed, uint64_t stream, uint32_t step) {
    const CounterRng rng(seed, stream);
    std::set<int64_t> chosen;
    for (int64_t j = n - m; j < n; ++j) {
      const auto t = static_cast<int64_t>(rng.below(static_cast<uint64_t>(j + 1), static_cast<uint64_t>(j), step));
      if (!chosen.insert(t).second) chosen.insert(j);
    }
    return std::vector<int64_t>(chosen.begin(), chosen.end());
  };
  for (int64_t n : {1L, 2L, 3L, 17L, 1000L, 40000L, 16777216L})
    for (int64_t m : {0L, 1L, 2L, 3L, 16L, 1600L, 40000L}) {
      if (m > n) continue;
      for (uint32_t step = 0; step < 4; ++step) {
        INFO("n " << n << ", m " << m << ", step " << step);
        REQUIRE(random_subset(n, m, 21, 5, step) == floyd_reference(n, m, 21, 5, step));
      }
    }
}
