#pragma once
// Initial states of the LJ system, identical for any rank count (every number is keyed by the
// global atom id through CounterRng). Each rank generates the id block [first, last) it is given;
// LjSystem::set_atoms hands atoms to their owners.
//   sc_random: N = round(rho L^3) atoms on distinct random sites of a simple-cubic grid of
//     G = floor(L / spacing_min) sites per axis (spacing L/G >= 1 so no two atoms overlap; the sites
//     are the N-subset chosen by random_subset(G^3, N, seed), sorted; atom k gets the k-th site).
//     Decision: random_subset keeps the subset in memory on every rank (O(N)); fine up to ~10^7.
//   fcc: n^3 unit cells of lattice constant a = (4 / rho)^(1/3), 4 atoms per cell (LAMMPS'
//     `lattice fcc rho`), L = n a, id = 4 * cell + basis.
// Velocities: one direction field u_i ~ N(0, 1)^3 keyed by (velocity_seed, id), minus its mean
// (zero momentum), scaled so that T = 2/(3(N-1)) sum u^2/2 equals T0 exactly. The mean and the
// scale are sums over all N atoms in id order, done on every rank (rank-count independent bits).
#include <cstdint>

#include "sim/lj/lj_system.hpp"

namespace macrodyn::lj {

int64_t sc_atom_count(double box, double density);
HostAtoms sc_random_positions(double box, int64_t n_atoms, uint64_t seed, int64_t first, int64_t last);
double fcc_box(int cells, double density);
HostAtoms fcc_positions(int cells, double density, int64_t first, int64_t last);
// Fills a.v for the atoms of `a` (ids in a.id) for temperature T0.
void assign_velocities(HostAtoms& a, int64_t n_atoms, double T0, uint64_t velocity_seed);
// This rank's block of [0, n) over `nranks`.
std::pair<int64_t, int64_t> id_block(int64_t n, int rank, int nranks);

}  // namespace macrodyn::lj
