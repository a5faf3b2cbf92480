#pragma once
// Exact exponential of a real 2x2 matrix, for the linear systems dx/dt = M x of [Relational macrostates] §A.3.1.
//
// Write M = s I + N with s = tr(M)/2 and N traceless. Cayley-Hamilton gives N^2 = D I with
// D = s^2 - det(M) (the eigenvalues are s +- sqrt(D)), hence for any t
//     exp(M t) = e^{s t} ( C(z) I + t S(z) N ),   z = D t^2,
//     C(z) = cosh(sqrt z), S(z) = sinh(sqrt z)/sqrt z      (z > 0)
//     C(z) = cos(sqrt -z), S(z) = sin(sqrt -z)/sqrt -z     (z < 0)
// and C = 1, S = 1 at z = 0 (defective case: exp = e^{st}(I + tN)). For |z| < 1e-3 both use their
// Taylor series to z^4, so the formula is smooth across the real/complex-eigenvalue boundary.
#include <Kokkos_Core.hpp>

#include "core/kokkos_compat.hpp"

namespace macrodyn::linear_ode {

// E = exp(M t); matrices row-major: m[0] = M11, m[1] = M12, m[2] = M21, m[3] = M22.
KOKKOS_INLINE_FUNCTION void expm_2x2(const double m[4], double t, double e[4]) {
  const double s = 0.5 * (m[0] + m[3]);
  const double n00 = m[0] - s, n01 = m[1], n10 = m[2], n11 = m[3] - s;
  const double det = m[0] * m[3] - m[1] * m[2];
  const double z = (s * s - det) * t * t;
  double c, sc;
  if (kmath::fabs(z) < 1e-3) {
    c = 1.0 + z * (1.0 / 2 + z * (1.0 / 24 + z * (1.0 / 720 + z * (1.0 / 40320))));
    sc = 1.0 + z * (1.0 / 6 + z * (1.0 / 120 + z * (1.0 / 5040 + z * (1.0 / 362880))));
  } else if (z > 0) {
    const double r = kmath::sqrt(z);
    c = kmath::cosh(r);
    sc = kmath::sinh(r) / r;
  } else {
    const double r = kmath::sqrt(-z);
    c = kmath::cos(r);
    sc = kmath::sin(r) / r;
  }
  const double g = kmath::exp(s * t), ts = t * sc;
  e[0] = g * (c + ts * n00);
  e[1] = g * (ts * n01);
  e[2] = g * (ts * n10);
  e[3] = g * (c + ts * n11);
}

}  // namespace macrodyn::linear_ode
