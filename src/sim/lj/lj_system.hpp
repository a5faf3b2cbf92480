#pragma once
// LjSystem: a periodic 3-D Lennard-Jones NVE system (eps = sigma = m = 1, lj/cut at rc), spatially
// decomposed (ParticleExchange<3>), integrated with velocity Verlet:
//   v += dt/2 F;  x += dt v;  [rebuild or refresh ghosts];  F = F(x);  v += dt/2 F.
// Neighbour lists with a skin: rebuilt every `neigh_every` steps, and with neigh_check only when
// some particle moved more than skin/2 since the last build (global max, so the decision is the
// same on every rank count). A rebuild = migrate (wrap, image counts), sort owned particles by
// (cell, id), ghosts, bins, Verlet list. The canonical order makes the state after a rebuild a pure
// function of the particle set, which gives bit-identical restarts (see restore()).
// Per-particle fields (named ParticleFields, moved with the particle by the exchange): velocity,
// image counts (wraps across the periodic box), the unwrapped start position (MSD) and the position
// at the last list build (displacement check, restarts).
#include <mpi.h>

#include <array>
#include <memory>
#include <vector>

#include "sim/lj/lj_force.hpp"

namespace macrodyn::lj {

namespace field {
constexpr ParticleField velocity{0, 3}, image{3, 3}, start_position{6, 3}, build_position{9, 3};
constexpr int count = build_position.end();
}  // namespace field

struct Params {
  double rc = 2.5;
  double skin = 0.3;
  double dt = 0.001;
  bool newton = true;     // half list + reverse force communication; false: full list, rank-count bit-identical
  int neigh_every = 1;    // consider a rebuild every this many steps
  bool neigh_check = true;  // rebuild only when some particle moved more than skin/2
};

struct Observables {
  double temperature = 0, kinetic = 0, potential = 0, total = 0, total_shifted = 0, pressure = 0, msd = 0;
};

// Host-side per-particle data for setting up or saving a system (any subset of particles per rank).
struct HostAtoms {
  std::vector<int64_t> id;
  std::vector<double> x, v;        // 3 per atom
  std::vector<double> image, x0;   // optional (3 per atom); empty: zero images, x0 = x
  std::vector<double> xb;          // optional: positions at the last list build (restart)
};

struct PhaseTimes {
  double pair = 0, neigh = 0, comm = 0, other = 0;
};

class LjSystem {
 public:
  LjSystem(MPI_Comm comm, std::array<double, 3> box, int64_t n_atoms, Params params, std::array<int, 3> process_dims = {});

  // Collective: hands the atoms to their owners, builds lists and computes forces.
  void set_atoms(const HostAtoms& atoms);
  // Restart: atoms with xb; rebuilds from xb exactly as the original run did, then continues from x.
  void restore(const HostAtoms& atoms, long step);
  void step();
  void run(long steps) {
    for (long s = 0; s < steps; ++s) step();
  }
  // Collective. Every sum runs over per-atom terms in global-id order (gathered on rank 0), so the
  // observables are bitwise the same for any rank count wherever the trajectory is (newton = false).
  Observables observe();
  // Owned atoms to host (ids, x, v, image, x0, xb; f in `forces` when non-null).
  HostAtoms owned_atoms(std::vector<double>* forces = nullptr) const;

  const Particles& particles() const { return p_; }
  const Forces& forces() const { return f_; }
  const Exchange& exchange() const { return *ex_; }
  const NeighborList& neighbor_list() const { return list_; }
  const Params& params() const { return params_; }
  const std::array<double, 3>& box() const { return box_; }
  int64_t n_atoms() const { return n_atoms_; }
  long step_count() const { return step_; }
  long rebuild_count() const { return rebuilds_; }
  MPI_Comm comm() const { return decomp_->comm(); }
  PhaseTimes& times() { return times_; }
  size_t bytes() const;  // memory held by this rank's arrays

 private:
  void rebuild();
  bool rebuild_due();
  void forces_now();

  std::array<double, 3> box_;
  int64_t n_atoms_;
  Params params_;
  std::unique_ptr<CartDecomposition<3>> decomp_;
  std::unique_ptr<Exchange> ex_;
  Particles p_;
  Forces f_;
  NeighborList list_;
  long step_ = 0;
  long rebuilds_ = 0;
  PhaseTimes times_;
};

}  // namespace macrodyn::lj
