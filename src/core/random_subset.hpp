#pragma once
// Exactly m distinct indices drawn uniformly from [0, n) (every m-subset equally likely), as in
// seed 003 §3's partial-force sampling. Robert Floyd's algorithm: m draws, O(m log m) work and
// memory, independent of n. The draws come from CounterRng(seed, stream) at counter (k, step), so
// every rank computes the same subset; the result is sorted ascending.
#include <cstdint>
#include <set>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace macrodyn {

inline std::vector<int64_t> random_subset(int64_t n, int64_t m, uint64_t seed, uint64_t stream, uint32_t step) {
  if (m < 0 || m > n) fail("random_subset: cannot choose ", m, " distinct indices out of ", n);
  const CounterRng rng(seed, stream);
  std::set<int64_t> chosen;
  for (int64_t j = n - m; j < n; ++j) {
    const int64_t t = static_cast<int64_t>(rng.below(static_cast<uint64_t>(j + 1), static_cast<uint64_t>(j), step));
    if (!chosen.insert(t).second) chosen.insert(j);
  }
  return std::vector<int64_t>(chosen.begin(), chosen.end());
}

// Number of entries for a fraction p of n coordinates: round(n * p), at least 1 when p > 0.
inline int64_t subset_size(int64_t n, double p) {
  if (!(p > 0.0 && p <= 1.0)) fail("partial-force fraction p = ", p, " must be in (0, 1]");
  int64_t m = static_cast<int64_t>(static_cast<double>(n) * p + 0.5);
  return m < 1 ? 1 : (m > n ? n : m);
}

}  // namespace macrodyn
