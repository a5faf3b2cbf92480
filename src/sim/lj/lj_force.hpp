#pragma once
// Lennard-Jones forces and energies of an LjSystem: the pair style LjCut (lj_pair_style.hpp) run by
// the neighbour-loop driver (lj_pair_driver.hpp). Energy-conserving tests use the shifted energy
// V(r) - V(rc) (same forces): the caller subtracts pairs * LjCut::compute_evdwl(rc^2).
//   compute_forces  half list (newton: ghosts' forces accumulated, summed back by the caller) or full
//                   list (each owned force summed directly, bit-identical on any rank count).
//   energy_virial   per owned atom: V, r.F and pair counts of its list row (lj_pair_driver.hpp).
#include "sim/lj/lj_pair_driver.hpp"
#include "sim/lj/lj_pair_style.hpp"

namespace macrodyn::lj {

// f must have at least n_local + n_ghost rows; zeroed here.
void compute_forces(const Particles& p, const NeighborList& list, double rc, bool newton, const Forces& f);
void energy_virial(const Particles& p, const NeighborList& list, double rc, bool newton,
                   const Kokkos::View<double* [3], Kokkos::LayoutRight, Mem>& per_atom);

}  // namespace macrodyn::lj
