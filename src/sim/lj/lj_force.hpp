#pragma once
// Lennard-Jones 12-6 pair force, truncated and unshifted at rc (LAMMPS pair lj/cut), eps = sigma = 1:
//   V(r) = 4 (r^-12 - r^-6) for r < rc,   F_i = sum_j 48 (r^-12 - r^-6/2) / r^2 (r_i - r_j).
// Energy-conserving tests use the shifted energy V(r) - V(rc) (same forces).
// compute_forces: half list (Newton's third law, ghosts' forces accumulated through a ScatterView and
// summed back by the caller) or full list (each owned force summed directly).
// energy_virial: sum of V, of r.F and of the number of pairs within rc (for the shifted energy),
// each pair counted once globally.
#include "sim/lj/lj_neighbor_list.hpp"

namespace macrodyn::lj {

// LJ 12-6 pair force divided by r (eps = sigma = 1): F_ij = lj_force_over_r(r^2) * (x_i - x_j).
KOKKOS_INLINE_FUNCTION double lj_force_over_r(double r2) {
  const double s2 = 1.0 / r2, s6 = s2 * s2 * s2;
  return 48.0 * s6 * (s6 - 0.5) * s2;
}

using Forces = Kokkos::View<double* [3], Kokkos::LayoutRight, Mem>;

struct EnergyVirial {
  double pe = 0, virial = 0, pairs = 0;
};

inline double lj_potential(double r2) {
  const double s6 = 1.0 / (r2 * r2 * r2);
  return 4.0 * s6 * (s6 - 1.0);
}

// f must have at least n_local + n_ghost rows; zeroed here.
void compute_forces(const Particles& p, const NeighborList& list, double rc, bool newton, const Forces& f);
EnergyVirial energy_virial(const Particles& p, const NeighborList& list, double rc, bool newton);

}  // namespace macrodyn::lj
