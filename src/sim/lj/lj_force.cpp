#include "sim/lj/lj_force.hpp"

namespace macrodyn::lj {

void compute_forces(const Particles& p, const NeighborList& list, double rc, bool newton, const Forces& f) {
  pair_forces(LjCut(rc), p, list, newton, f);
}

EnergyVirial energy_virial(const Particles& p, const NeighborList& list, double rc, bool newton) {
  return pair_energy_virial(LjCut(rc), p, list, newton);
}

}  // namespace macrodyn::lj
