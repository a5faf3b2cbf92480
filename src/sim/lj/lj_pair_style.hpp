#pragma once
// Pair styles: what one pair interaction contributes, as functions of r^2 only (device-callable).
// The neighbour-loop driver (lj_pair_driver.hpp) calls them for every listed pair within the cutoff;
// a style is the whole definition of an interaction (as a LAMMPS KOKKOS pair style supplies only
// compute_fpair / compute_evdwl). A style provides:
//   cutoff_squared             pairs with r^2 < cutoff_squared interact
//   compute_fpair(r2)          |F| / r: the force on i from j is compute_fpair(r2) * (x_i - x_j)
//   compute_evdwl(r2)          pair energy V(r)
//   compute_virial(r2)         r . F_ij = r^2 compute_fpair(r2) (its own function so the sum of
//                              virials does not round through the extra multiply-divide)
//
// LjCut: Lennard-Jones 12-6, eps = sigma = 1, truncated (unshifted) at rc (LAMMPS pair lj/cut):
//   V(r) = 4 (r^-12 - r^-6),  r . F = 48 (r^-12 - r^-6 / 2),  |F| / r = 48 (r^-12 - r^-6 / 2) / r^2.
// Every function goes through s6 = (1 / r^2)^3, so forces, energies and virials of one pair are
// computed from the same numbers.
#include <Kokkos_Core.hpp>

namespace macrodyn::lj {

struct LjCut {
  double cutoff_squared;

  explicit LjCut(double rc) : cutoff_squared(rc * rc) {}

  KOKKOS_INLINE_FUNCTION static double inverse_r6(double r2) {
    const double s2 = 1.0 / r2;
    return s2 * s2 * s2;
  }
  KOKKOS_INLINE_FUNCTION static double compute_virial(double r2) {
    const double s6 = inverse_r6(r2);
    return 48.0 * s6 * (s6 - 0.5);
  }
  KOKKOS_INLINE_FUNCTION static double compute_fpair(double r2) { return compute_virial(r2) * (1.0 / r2); }
  KOKKOS_INLINE_FUNCTION static double compute_evdwl(double r2) {
    const double s6 = inverse_r6(r2);
    return 4.0 * s6 * (s6 - 1.0);
  }
};

}  // namespace macrodyn::lj
