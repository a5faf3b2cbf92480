#pragma once
// Counter-based random numbers (Philox-4x32-10, Salmon et al., SC'11).
//
// A random number is a pure function of (seed, stream, index, step, k): `index` is the global id of
// the thing the number belongs to (particle, grid point, sample), `step` the time step or epoch and
// `k` which draw of that (index, step) it is. Nothing depends on which rank evaluates it, so results
// are identical for any rank count, and no generator state needs to be stored in checkpoints beyond
// (seed, step). Usable inside Kokkos kernels.
#include <Kokkos_Core.hpp>
#include <cstdint>

#include "core/kokkos_compat.hpp"

namespace macrodyn {

struct Philox4x32 {
  uint32_t v[4];
};

KOKKOS_INLINE_FUNCTION Philox4x32 philox4x32_10(Philox4x32 ctr, uint32_t k0, uint32_t k1) {
  constexpr uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  constexpr uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = static_cast<uint64_t>(M0) * ctr.v[0];
    const uint64_t p1 = static_cast<uint64_t>(M1) * ctr.v[2];
    const uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
    const uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
    ctr = Philox4x32{{hi1 ^ ctr.v[1] ^ k0, lo1, hi0 ^ ctr.v[3] ^ k1, lo0}};
    k0 += W0;
    k1 += W1;
  }
  return ctr;
}

// SplitMix64 finaliser: mixes (seed, stream) into the 64-bit Philox key.
KOKKOS_INLINE_FUNCTION uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

class CounterRng {
 public:
  KOKKOS_INLINE_FUNCTION CounterRng() : key_(0) {}
  KOKKOS_INLINE_FUNCTION CounterRng(uint64_t seed, uint64_t stream) : key_(splitmix64(seed ^ splitmix64(stream))) {}

  // Four independent 32-bit words for block `block` of (index, step). Blocks with the top bit set
  // are reserved for normal(): uniform() and normal() never share counters.
  KOKKOS_INLINE_FUNCTION Philox4x32 bits(uint64_t index, uint32_t step, uint32_t block) const {
    Philox4x32 ctr{{static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32), step, block}};
    return philox4x32_10(ctr, static_cast<uint32_t>(key_), static_cast<uint32_t>(key_ >> 32));
  }

  // k-th uniform double in [0, 1) of (index, step), 53 random bits.
  KOKKOS_INLINE_FUNCTION double uniform(uint64_t index, uint32_t step, uint32_t k = 0) const {
    const Philox4x32 r = bits(index, step, (k >> 1) & 0x7FFFFFFFu);
    const int o = 2 * (k & 1u);
    const uint64_t word = (static_cast<uint64_t>(r.v[o]) << 32) | r.v[o + 1];
    return static_cast<double>(word >> 11) * 0x1.0p-53;
  }

  // k-th standard normal of (index, step) (Box-Muller on one Philox block).
  KOKKOS_INLINE_FUNCTION double normal(uint64_t index, uint32_t step, uint32_t k = 0) const {
    const Philox4x32 r = bits(index, step, 0x80000000u | (k & 0x7FFFFFFFu));
    const uint64_t w1 = (static_cast<uint64_t>(r.v[0]) << 32) | r.v[1];
    const uint64_t w2 = (static_cast<uint64_t>(r.v[2]) << 32) | r.v[3];
    const double u1 = (static_cast<double>(w1 >> 11) + 0.5) * 0x1.0p-53;  // (0, 1): log is finite
    const double u2 = static_cast<double>(w2 >> 11) * 0x1.0p-53;
    return kmath::sqrt(-2.0 * kmath::log(u1)) * kmath::cos(6.283185307179586476925 * u2);
  }

  // Uniform integer in [0, n) (n >= 1) with negligible bias (64-bit multiply-shift).
  KOKKOS_INLINE_FUNCTION uint64_t below(uint64_t n, uint64_t index, uint32_t step, uint32_t k = 0) const {
    const double u = uniform(index, step, k);
    uint64_t v = static_cast<uint64_t>(u * static_cast<double>(n));
    return v < n ? v : n - 1;
  }

  KOKKOS_INLINE_FUNCTION uint64_t key() const { return key_; }

 private:
  uint64_t key_;
};

}  // namespace macrodyn
