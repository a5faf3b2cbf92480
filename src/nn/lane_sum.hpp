#pragma once
// Sums of contiguous values that vectorise and keep a fixed order (no -ffast-math needed).
//
// A plain `s += p[i]` loop is a chain of dependent scalar adds: the compiler may not reorder float
// sums. lane_sum keeps kLanes interleaved partial sums (lane l adds p[l], p[l + kLanes], ...), which
// is a vector add per kLanes entries, then combines the lanes pairwise. The order depends only on n,
// never on the thread count or the back end, so results are reproducible.
#include <Kokkos_Core.hpp>
#include <cstddef>

namespace macrodyn::nn {

constexpr int kLanes = 16;

// Combines acc[0..kLanes) pairwise into acc[0] and returns it.
template <class A>
KOKKOS_INLINE_FUNCTION A combine_lanes(A* acc) {
  for (int w = kLanes / 2; w > 0; w /= 2)
    for (int l = 0; l < w; ++l) acc[l] += acc[l + w];
  return acc[0];
}

// sum_{i < n} p[i]
template <class T>
KOKKOS_INLINE_FUNCTION T lane_sum(const T* p, size_t n) {
  T acc[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) acc[l] += p[i + l];
  for (int l = 0; i + l < n; ++l) acc[l] += p[i + l];
  return combine_lanes(acc);
}

}  // namespace macrodyn::nn
