#pragma once
// Ghost-cell exchange for 2-D grid fields distributed by CartDecomposition<2>.
//
// Field layout (row-major): f(component, y, x) with g ghost layers on each side, so the extents are
// (ncomp, ny + 2g, nx + 2g) and the owned cells are y in [g, g+ny), x in [g, g+nx).
// exchange() fills every ghost cell, corners included: first along x (owned rows), then along y
// (full rows, which carries the corners). Periodic axes wrap through MPI (also on one rank); at a
// non-periodic edge the ghosts are filled by the EdgeFill rule.
// Templated on the execution space: packing runs as Kokkos kernels, MPI sees host mirrors.
#include <Kokkos_Core.hpp>
#include <mpi.h>

#include "core/error.hpp"
#include "core/huge_pages.hpp"
#include "decomp/cart_decomposition.hpp"

namespace macrodyn {

enum class EdgeFill {
  ReflectCell,  // ghost[-1-k] = v[k]: zero flux through the cell face (cell-centred grids, Neumann)
  ReflectNode,  // ghost[-1-k] = v[1+k]: zero slope at the boundary node (vertex-centred grids)
  None,         // leave edge ghosts alone (the caller sets them)
};

template <class ExecSpace>
class HaloExchange2D {
 public:
  using memory_space = typename ExecSpace::memory_space;
  using Field = Kokkos::View<double***, Kokkos::LayoutRight, memory_space>;
  using Buffer = Kokkos::View<double*, memory_space>;

  HaloExchange2D(const CartDecomposition<2>& decomp, int ncomp, int ghost, EdgeFill edge)
      : decomp_(decomp), ncomp_(ncomp), g_(ghost), edge_(edge), nx_(decomp.local_cells(0)), ny_(decomp.local_cells(1)) {
    if (ghost < 1) fail("HaloExchange2D: ghost width must be >= 1");
    if (ghost > nx_ || ghost > ny_)
      fail("HaloExchange2D: ghost width ", ghost, " exceeds the local block ", nx_, " x ", ny_,
           " (use fewer ranks or a larger grid)");
    const size_t strip_x = static_cast<size_t>(ncomp) * ny_ * g_;
    const size_t strip_y = static_cast<size_t>(ncomp) * g_ * (nx_ + 2 * g_);
    const size_t n = strip_x > strip_y ? strip_x : strip_y;
    for (int s = 0; s < 4; ++s) {
      buf_[s] = Buffer(Kokkos::view_alloc(Kokkos::WithoutInitializing, "halo_buffer"), n);
      host_[s] = Kokkos::create_mirror_view(buf_[s]);
    }
  }

  // Allocates a zero field with this exchange's shape (huge pages on the host: core/huge_pages.hpp).
  Field make_field(const std::string& label) const {
    Field f(Kokkos::view_alloc(Kokkos::WithoutInitializing, label), ncomp_, ny_ + 2 * g_, nx_ + 2 * g_);
    advise_huge_pages<memory_space>(f.data(), f.span() * sizeof(double));
    Kokkos::deep_copy(f, 0.0);
    return f;
  }

  void exchange(const Field& f) const {
    check_shape(f);
    exchange_axis(f, 0);
    exchange_axis(f, 1);
  }

  long nx() const { return nx_; }
  long ny() const { return ny_; }
  int ghost() const { return g_; }
  int ncomp() const { return ncomp_; }

 private:
  struct Region {
    long j0, j1, i0, i1;  // [j0, j1) x [i0, i1)
  };

  void check_shape(const Field& f) const {
    if (static_cast<long>(f.extent(0)) != ncomp_ || static_cast<long>(f.extent(1)) != ny_ + 2 * g_ ||
        static_cast<long>(f.extent(2)) != nx_ + 2 * g_)
      fail("HaloExchange2D: field '", f.label(), "' has the wrong extents");
  }

  static void pack(const Field& f, const Buffer& buf, Region r) {
    const long nj = r.j1 - r.j0, ni = r.i1 - r.i0;
    Kokkos::parallel_for(
        "halo_pack", Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>({0, r.j0, r.i0}, {(long)f.extent(0), r.j1, r.i1}),
        KOKKOS_LAMBDA(long c, long j, long i) { buf((c * nj + (j - r.j0)) * ni + (i - r.i0)) = f(c, j, i); });
  }

  static void unpack(const Field& f, const Buffer& buf, Region r) {
    const long nj = r.j1 - r.j0, ni = r.i1 - r.i0;
    Kokkos::parallel_for(
        "halo_unpack", Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>({0, r.j0, r.i0}, {(long)f.extent(0), r.j1, r.i1}),
        KOKKOS_LAMBDA(long c, long j, long i) { f(c, j, i) = buf((c * nj + (j - r.j0)) * ni + (i - r.i0)); });
  }

  // Mirror ghosts at a physical edge of `axis`; side -1 lower, +1 upper.
  void reflect(const Field& f, int axis, int side) const {
    if (edge_ == EdgeFill::None) return;
    const long g = g_, shift = edge_ == EdgeFill::ReflectNode ? 1 : 0;
    const long n = axis == 0 ? nx_ : ny_;
    // Along the other axis: owned rows for the x pass, full rows for the y pass.
    const long other0 = axis == 0 ? g_ : 0, other1 = axis == 0 ? g_ + ny_ : nx_ + 2 * g_;
    Kokkos::parallel_for(
        "halo_reflect", Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<3>>({0, other0, 0}, {(long)f.extent(0), other1, g}),
        KOKKOS_LAMBDA(long c, long o, long k) {
          const long ghost = side < 0 ? g - 1 - k : g + n + k;
          const long inner = side < 0 ? g + k + shift : g + n - 1 - k - shift;
          if (axis == 0)
            f(c, o, ghost) = f(c, o, inner);
          else
            f(c, ghost, o) = f(c, inner, o);
        });
  }

  void exchange_axis(const Field& f, int axis) const {
    const long g = g_;
    // Regions: [0] owned strip next to the lower edge, [1] next to the upper edge,
    //          [2] lower ghosts, [3] upper ghosts.
    Region region[4];
    if (axis == 0) {
      region[0] = {g, g + ny_, g, 2 * g};
      region[1] = {g, g + ny_, nx_, nx_ + g};
      region[2] = {g, g + ny_, 0, g};
      region[3] = {g, g + ny_, nx_ + g, nx_ + 2 * g};
    } else {
      region[0] = {g, 2 * g, 0, nx_ + 2 * g};
      region[1] = {ny_, ny_ + g, 0, nx_ + 2 * g};
      region[2] = {0, g, 0, nx_ + 2 * g};
      region[3] = {ny_ + g, ny_ + 2 * g, 0, nx_ + 2 * g};
    }
    const int count = static_cast<int>(ncomp_ * (region[0].j1 - region[0].j0) * (region[0].i1 - region[0].i0));
    const int lower = decomp_.neighbor(axis, -1), upper = decomp_.neighbor(axis, +1);
    MPI_Comm comm = decomp_.comm();

    pack(f, buf_[0], region[0]);
    pack(f, buf_[1], region[1]);
    Kokkos::fence();
    Kokkos::deep_copy(host_[0], buf_[0]);
    Kokkos::deep_copy(host_[1], buf_[1]);
    MPI_Request req[4];
    // Tag 0: data travelling down (to the lower neighbour), tag 1: travelling up.
    MPI_Irecv(host_[2].data(), count, MPI_DOUBLE, lower, 1, comm, &req[0]);
    MPI_Irecv(host_[3].data(), count, MPI_DOUBLE, upper, 0, comm, &req[1]);
    MPI_Isend(host_[0].data(), count, MPI_DOUBLE, lower, 0, comm, &req[2]);
    MPI_Isend(host_[1].data(), count, MPI_DOUBLE, upper, 1, comm, &req[3]);
    MPI_Waitall(4, req, MPI_STATUSES_IGNORE);
    if (lower != MPI_PROC_NULL) {
      Kokkos::deep_copy(buf_[2], host_[2]);
      unpack(f, buf_[2], region[2]);
    } else {
      reflect(f, axis, -1);
    }
    if (upper != MPI_PROC_NULL) {
      Kokkos::deep_copy(buf_[3], host_[3]);
      unpack(f, buf_[3], region[3]);
    } else {
      reflect(f, axis, +1);
    }
    Kokkos::fence();
  }

  const CartDecomposition<2>& decomp_;
  int ncomp_, g_;
  EdgeFill edge_;
  long nx_, ny_;
  Buffer buf_[4];
  typename Buffer::HostMirror host_[4];
};

}  // namespace macrodyn
