#include "sim/lj/lj_force.hpp"

namespace macrodyn::lj {

void compute_forces(const Particles& p, const NeighborList& list, double rc, bool newton, const Forces& f) {
  pair_forces(LjCut(rc), p, list, newton, f);
}

void energy_virial(const Particles& p, const NeighborList& list, double rc, bool newton,
                   const Kokkos::View<double* [3], Kokkos::LayoutRight, Mem>& per_atom) {
  pair_energy_virial(LjCut(rc), p, list, newton, per_atom);
}

}  // namespace macrodyn::lj
