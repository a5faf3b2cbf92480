#pragma once
// The distributed Allen-Cahn state: an n x n cell-centred field split over a 2-D Cartesian process grid
// (CartDecomposition<2>, non-periodic) with g ghost layers filled by HaloExchange2D (neighbour values
// over MPI, mirrored cells = zero Neumann at the domain edge). Scheme and bounds: allen_cahn_model.hpp.
//
// Invariant: after every operation that changes the field its ghosts are up to date, so the force,
// the free energy and partial forces can be evaluated at any time without communication (except the
// final reductions). advance() runs blocks of up to g = TimeBlocking::steps Euler steps: blocked kernel
// (reads v with g ghosts, writes w; allen_cahn_blocked_euler.hpp), swap, one halo exchange of depth g.
// The result is bitwise the same for every block length, strip width and rank count.
// advance_rk4() runs classical RK4 steps instead (allen_cahn_rk4.hpp): four stage kernels per step, each
// followed by a halo exchange of the next stage field; it needs one ghost layer, so construct the grid
// with TimeBlocking{1, ...} when only RK4 is used (deeper ghosts work but are exchanged for nothing).
//
// Partial forces f_I ([Partial observations] §3): I holds global cell ids y*n + x. Each rank keeps the entries it
// owns (O(|I|) scan), evaluates force_at() only there, reading the ghost layer for cells next to a
// rank boundary (already exchanged for the time step, so no extra messages), and the |I| values are
// summed into one vector with a single MPI_Allreduce (every entry is owned by exactly one rank, the
// others contribute exact zeros). Cost O(|I|), independent of n.
#include <Kokkos_Core.hpp>
#include <mpi.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "decomp/cart_decomposition.hpp"
#include "decomp/halo_exchange_2d.hpp"
#include "sim/allen_cahn/allen_cahn_blocked_euler.hpp"
#include "sim/allen_cahn/allen_cahn_model.hpp"

namespace macrodyn::allen_cahn {

class AllenCahnGrid {
 public:
  using Exec = Kokkos::DefaultExecutionSpace;
  using Halo = HaloExchange2D<Exec>;
  using Field = Halo::Field;
  using Owned = Kokkos::View<double**, Kokkos::LayoutRight, Exec::memory_space>;  // (ny, nx) owned cells

  // process_dims entries 0 are chosen by MPI_Dims_create.
  AllenCahnGrid(MPI_Comm comm, const Model& model, std::array<int, 2> process_dims = {0, 0},
                TimeBlocking blocking = {});

  const Model& model() const { return model_; }
  const CartDecomposition<2>& decomp() const { return *decomp_; }
  MPI_Comm comm() const { return decomp_->comm(); }
  long nx() const { return nx_; }  // owned cells along x (axis 0)
  long ny() const { return ny_; }
  long x0() const { return decomp_->lo(0); }
  long y0() const { return decomp_->lo(1); }
  long ghost() const { return g_; }  // ghost layers = steps per block (blocking.steps capped by the blocks)

  void set_torus(double r1, double r2);
  void set_constant(double value);
  // Owned block from / to host memory, row-major (ny, nx).
  void set_owned(const double* host);
  void copy_owned(double* host) const;
  void copy_owned(const Owned& out) const;  // device copy (ny, nx)

  // `steps` explicit Euler steps (dt <= model().dt_max() is the caller's responsibility).
  void advance(double dt, long steps);
  // `steps` classical RK4 steps (dt <= model().dt_max_rk4() is the caller's responsibility).
  void advance_rk4(double dt, long steps);
  // Full force f(v) on the owned cells.
  void force(const Owned& out) const;
  // Discrete free energy (collective).
  double free_energy() const;
  // f at the sorted global cell ids I (collective); every rank receives all |I| values.
  std::vector<double> partial_forces(const std::vector<int64_t>& ids) const;
  // The whole n x n field on every rank, row-major (collective; tests and small grids only).
  std::vector<double> gather_global() const;

 private:
  Model model_;
  std::unique_ptr<CartDecomposition<2>> decomp_;
  std::unique_ptr<Halo> halo_;
  long strip_cols_ = 1024;  // blocked-kernel strip width; the block length is g_
  long nx_ = 0, ny_ = 0, g_ = 1;
  Field v_, w_;
  Field rk_stage_, rk_acc_;  // RK4 work fields, allocated by the first advance_rk4()
  // Partial-force work buffers (grown on demand).
  mutable Kokkos::View<int64_t*, Exec::memory_space> pf_offset_;
  mutable Kokkos::View<double*, Exec::memory_space> pf_value_;
};

}  // namespace macrodyn::allen_cahn
