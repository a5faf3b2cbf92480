#pragma once
// Heading arithmetic of the Vicsek step, branch-free so that a block of particles vectorises:
//   new heading = (sum of neighbour unit vectors) / |sum|, rotated by the noise angle a,
// i.e. arg(sum) + a without atan2: one normalisation and one sincos(a) per particle.
//
// Headings are stored as unit vectors quantised to multiples of 2^-40 (kFixedScale): such doubles
// convert exactly to 64-bit integers, so neighbour sums are exact integer sums, independent of the
// order in which neighbours are visited (rank- and thread-count invariance); 2^-40 ~ 1e-12 is far
// below any physical effect.
//
// Only +, -, *, / and bit operations appear (no libm calls, no rounding functions), so compilers
// vectorise these functions over a block of particles without relaxed floating-point flags:
// - rounding to an integer: (v + 1.5 * 2^52) - 1.5 * 2^52 rounds v to the nearest integer (ties to
//   even) for |v| < 2^51, and the low mantissa bits of v + 1.5 * 2^52 hold that integer mod 2^51;
// - 1 / sqrt(n2): the classic exponent-halving first guess (relative error < 4%) and 4 Newton steps
//   (errors 2e-3, 5e-6, 3e-11, < 1e-16);
// - sincos_noise: reduction to [-pi/4, pi/4] (a = k pi/2 + r, pi/2 split into three parts so that
//   k pi/2 is subtracted exactly for |k| < 2^23) and Taylor polynomials of degree 17 (sin) and 16
//   (cos), whose truncation error on |r| <= pi/4 is below 1e-17: ~1 ulp for |a| < 1e6, far beyond
//   the noise range (|a| <= eta pi / 2).
#include <Kokkos_Core.hpp>

#include <cstdint>

namespace macrodyn::vicsek {

constexpr double kFixedScale = 1099511627776.0;      // 2^40
constexpr double kFixedUnit = 1.0 / 1099511627776.0;  // 2^-40
constexpr double kRoundMagic = 6755399441055744.0;    // 1.5 * 2^52

KOKKOS_INLINE_FUNCTION int64_t bits_of(double v) {
  int64_t b;
  __builtin_memcpy(&b, &v, sizeof b);
  return b;
}
KOKKOS_INLINE_FUNCTION double double_of(int64_t b) {
  double v;
  __builtin_memcpy(&v, &b, sizeof v);
  return v;
}

// Rounds v (|v| <= 1 + 2^-40) to the nearest multiple of 2^-40 (exact in double).
KOKKOS_INLINE_FUNCTION double quantise_unit(double v) {
  return ((v * kFixedScale + kRoundMagic) - kRoundMagic) * kFixedUnit;
}

// The exact integer of a quantised component.
KOKKOS_INLINE_FUNCTION int64_t fixed_of(double quantised) { return static_cast<int64_t>(quantised * kFixedScale); }

// 1 / sqrt(n2) for n2 > 0 (normal numbers), to ~1 ulp.
KOKKOS_INLINE_FUNCTION double inverse_sqrt(double n2) {
  double y = double_of(int64_t(0x5FE6EB50C7B537A9) - (bits_of(n2) >> 1));
  const double h = 0.5 * n2;
  for (int it = 0; it < 4; ++it) y = y * (1.5 - h * y * y);
  return y;
}

KOKKOS_INLINE_FUNCTION void sincos_noise(double a, double& s, double& c) {
  constexpr double two_over_pi = 0.6366197723675814;
  constexpr double p1 = 1.570796325802803;       // pi/2 to 30 bits
  constexpr double p2 = 9.920935796805404e-10;   // next 53 bits
  constexpr double p3 = 1.6446256936324258e-26;  // remainder
  const double t = a * two_over_pi + kRoundMagic;
  const double k = t - kRoundMagic;  // nearest integer to a / (pi/2)
  const int64_t q = bits_of(t);      // its low bits: k mod 4
  const double r = ((a - k * p1) - k * p2) - k * p3;
  const double r2 = r * r;
  // sin r = r (1 - r^2/3! + r^4/5! - ... + r^16/17!), cos r = 1 - r^2/2! + ... + r^16/16!
  double ps = 2.8114572543455206e-15;
  ps = ps * r2 - 7.647163731819816e-13;
  ps = ps * r2 + 1.6059043836821613e-10;
  ps = ps * r2 - 2.505210838544172e-08;
  ps = ps * r2 + 2.7557319223985893e-06;
  ps = ps * r2 - 0.0001984126984126984;
  ps = ps * r2 + 0.008333333333333333;
  ps = ps * r2 - 0.16666666666666666;
  const double sr = r + r * (r2 * ps);
  double pc = 4.779477332387385e-14;
  pc = pc * r2 - 1.1470745597729725e-11;
  pc = pc * r2 + 2.08767569878681e-09;
  pc = pc * r2 - 2.755731922398589e-07;
  pc = pc * r2 + 2.48015873015873e-05;
  pc = pc * r2 - 0.001388888888888889;
  pc = pc * r2 + 0.041666666666666664;
  pc = pc * r2 - 0.5;
  const double cr = 1.0 + r2 * pc;
  // quadrant k mod 4: (sin, cos) = (sr, cr), (cr, -sr), (-sr, -cr), (-cr, sr)
  const double s0 = (q & 1) ? cr : sr;
  const double c0 = (q & 1) ? sr : cr;
  s = (q & 2) ? -s0 : s0;
  c = ((q + 1) & 2) ? -c0 : c0;
}

// New quantised heading (ux, uy) from the exact neighbour sum (fx, fy) (integers: units of 2^-40)
// and the noise angle a. A zero sum (exact cancellation) counts as direction (1, 0), as
// atan2(0, 0) = 0 does.
KOKKOS_INLINE_FUNCTION void new_heading(double fx, double fy, double a, double& ux, double& uy) {
  const double n2 = fx * fx + fy * fy;
  const bool zero = !(n2 > 0.0);
  const double inv = inverse_sqrt(zero ? 1.0 : n2);
  const double dx = zero ? 1.0 : fx * inv, dy = zero ? 0.0 : fy * inv;
  double s, c;
  sincos_noise(a, s, c);
  ux = quantise_unit(dx * c - dy * s);
  uy = quantise_unit(dx * s + dy * c);
}

}  // namespace macrodyn::vicsek
