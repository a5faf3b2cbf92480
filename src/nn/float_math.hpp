#pragma once
// Branch-free single-precision exp and log1p for element-wise kernels (softplus, sigmoid).
//
// The C library's expf/log1pf are scalar calls, so a loop over a tensor that uses them runs one
// element at a time; these are plain arithmetic (polynomials, one division, integer <-> float
// conversions and one bit pattern), so the compiler vectorises the loops that call them, and they
// run unchanged on device back ends.
//   exp_nonpositive(y), y <= 0:  y = n ln2 + r (Cody-Waite split of ln2, |r| <= ln2/2), e^r by its
//       Taylor polynomial of degree 7 (truncation < 6e-9 relative), times 2^n applied as two
//       factors 2^h 2^(n-h) so that results down to the subnormal range are right (e^y underflows
//       to 0 below y = -104; NaN gives 0).
//   log1p_unit(t), 0 <= t <= 1:  log(1 + t) = 2 atanh(s), s = t / (2 + t) in [0, 1/3], by the series
//       2 s (1 + s^2/3 + ... + s^14/15) (truncation < 2e-9 relative); relative accuracy is kept
//       for tiny t (no 1 + t rounding).
// Both are within a few units in the last place of the correctly rounded float result
// (tests/unit/nn/test_float_math.cpp measures it on a dense grid).
#include <Kokkos_Core.hpp>
#include <cstdint>
#include <cstring>

#include "core/kokkos_compat.hpp"

namespace macrodyn::nn {

// Bit patterns: Kokkos::bit_cast where it exists (Kokkos >= 4.1; SYCL-safe), memcpy otherwise (as
// Kokkos' own fallback does, valid in device code).
KOKKOS_INLINE_FUNCTION float float_from_bits(int32_t bits) {
#if KOKKOS_VERSION >= 40100
  return Kokkos::bit_cast<float>(bits);
#else
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
#endif
}

KOKKOS_INLINE_FUNCTION int32_t float_bits(float f) {
#if KOKKOS_VERSION >= 40100
  return Kokkos::bit_cast<int32_t>(f);
#else
  int32_t bits;
  memcpy(&bits, &f, sizeof bits);
  return bits;
#endif
}

// 2^e for an integer e in [-126, 127], from its bit pattern.
KOKKOS_INLINE_FUNCTION float pow2_float(int32_t e) { return float_from_bits((e + 127) << 23); }

KOKKOS_INLINE_FUNCTION float exp_nonpositive(float y) {
  // y = max(y, -104) on the bit patterns of -y >= 0 (integers order like the floats; an integer
  // select keeps the loop free of branches, which a float select with a constant arm is not)
  const int32_t abits = float_bits(-y), limit = float_bits(104.0f);
  y = -float_from_bits(abits < limit ? abits : limit);
  const float v = y * 1.44269504088896341f;       // y / ln 2 <= 0
  const int32_t n = -static_cast<int32_t>(0.5f - v);  // round(v): 0.5 - v > 0 truncates to floor
  const float nf = static_cast<float>(n);
  const float r = (y - nf * 0.693145751953125f) - nf * 1.428606765330187045e-6f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t h = n / 2;  // n in [-150, 0]: both factors are normal numbers
  return p * pow2_float(h) * pow2_float(n - h);
}

KOKKOS_INLINE_FUNCTION float log1p_unit(float t) {
  const float s = t / (2.0f + t);
  const float z = s * s;
  float q = 1.0f / 15.0f;
  q = q * z + 1.0f / 13.0f;
  q = q * z + 1.0f / 11.0f;
  q = q * z + 1.0f / 9.0f;
  q = q * z + 1.0f / 7.0f;
  q = q * z + 1.0f / 5.0f;
  q = q * z + 1.0f / 3.0f;
  q = q * z + 1.0f;
  return 2.0f * s * q;
}

// softplus(x) = max(x, 0) + log1p(e^-|x|), with its derivative sigmoid(x) in d.
KOKKOS_INLINE_FUNCTION float softplus_float(float x, float& d) {
  const float t = exp_nonpositive(-kmath::fabs(x));
  const bool negative = x < 0.0f;
  d = (negative ? t : 1.0f) / (1.0f + t);
  const float value = (x > 0.0f ? x : 0.0f) + log1p_unit(t);
  return x != x ? x : value;  // NaN in, NaN out
}

}  // namespace macrodyn::nn
