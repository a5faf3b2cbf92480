#pragma once
// Simple harmonic oscillator pairs for MacroNet ([Relational macrostates] §A.3.2).
//
// H(x, p) = p^2 / (2m) + k x^2 / 2 with m = k = 1, so omega = 1 and the exact flow over a time tau is
// the rotation
//     x_tau =  x0 cos(tau) + p0 sin(tau)
//     p_tau = -x0 sin(tau) + p0 cos(tau)
// (= A cos(tau + phi), -A sin(tau + phi) with A = sqrt(x0^2 + p0^2), the paper's eq. 23).
// A sample is u = (x0, p0), v = (x_tau, p_tau) with tau ~ U(0, 2 pi). The seed does not say how
// (x0, p0) are drawn; we draw them uniformly from the square [-a, a]^2 (deck key init_half_width,
// default a = 1), so energies cover [0, a^2].
#include <Kokkos_Core.hpp>

#include "core/kokkos_compat.hpp"

namespace macrodyn::oscillator {

KOKKOS_INLINE_FUNCTION double sho_energy(double x, double p) { return 0.5 * (p * p + x * x); }

KOKKOS_INLINE_FUNCTION void sho_flow(double x0, double p0, double tau, double& x, double& p) {
  const double c = kmath::cos(tau), s = kmath::sin(tau);
  x = x0 * c + p0 * s;
  p = -x0 * s + p0 * c;
}

}  // namespace macrodyn::oscillator
