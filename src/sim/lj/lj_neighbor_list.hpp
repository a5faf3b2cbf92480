#pragma once
// Cell bins and Verlet neighbour lists for the LJ system.
//
// Cells are the decomposition's cells (width h >= rc + skin, see particle_exchange.hpp): the local
// grid is the owned block plus one ghost layer. Within a bin, particles are ordered by global id, so
// the list order does not depend on how particles happen to be stored.
//   half list (newton = true): pairs (i, j) with j in one of the 13 "upper" neighbour cells (cell
//     offset lexicographically > 0) or in i's own cell with j > i. Cell coordinates of ghosts are exact
//     integers shifted by +-n_cells, so the rule is antisymmetric across ranks and periodic images:
//     every pair within the cutoff appears exactly once globally. Forces on ghosts go back with
//     ParticleExchange::reverse_sum.
//   full list (newton = false): all 27 cells, j != i; twice the pair work, but every force is summed
//     in the same order on any rank count (bit-identical trajectories).
// Storage: count(i) and neigh(i, k) with a fixed row width that grows when a row overflows.
#include <Kokkos_Core.hpp>

#include "decomp/particle_exchange.hpp"

namespace macrodyn::lj {

using Exec = Kokkos::DefaultExecutionSpace;
using Mem = Exec::memory_space;
using Particles = ParticleArrays<3, Mem>;
using Exchange = ParticleExchange<3, Exec>;

class NeighborList {
 public:
  // Bins every particle (owned and ghosts) by its cell coordinate.
  void bin(const Particles& p, const Exchange& ex, int count);
  // Order of owned particles by (cell, id): call after bin(p, ex, p.n_local).
  Kokkos::View<int*, Mem> owned_order(int n_local) const;
  // Builds the Verlet list of the owned particles with cutoff rc_neigh (bins must be current).
  void build(const Particles& p, double rc_neigh, bool newton);

  Kokkos::View<int*, Mem> count;
  Kokkos::View<int**, Kokkos::LayoutRight, Mem> neigh;
  // bins (local extended grid ex_ x ey_ x ez_)
  Kokkos::View<int*, Mem> bin_start, bin_atoms;
  int ext[3] = {0, 0, 0}, origin[3] = {0, 0, 0};
  size_t bytes() const;

 private:
  int row_width_ = 64;
};

}  // namespace macrodyn::lj
