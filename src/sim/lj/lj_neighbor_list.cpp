#include "sim/lj/lj_neighbor_list.hpp"

namespace macrodyn::lj {

using Policy = Kokkos::RangePolicy<Exec>;

void NeighborList::bin(const Particles& p, const Exchange& ex, int n) {
  for (int d = 0; d < 3; ++d) {
    origin[d] = ex.cell_lo(d) - 1;
    ext[d] = ex.cell_hi(d) - ex.cell_lo(d) + 2;
  }
  const int nbins = ext[0] * ext[1] * ext[2];
  if (static_cast<int>(bin_start.extent(0)) != nbins + 1) bin_start = Kokkos::View<int*, Mem>("bin_start", nbins + 1);
  if (static_cast<int>(bin_atoms.extent(0)) < n) bin_atoms = Kokkos::View<int*, Mem>("bin_atoms", n + n / 4 + 16);
  Kokkos::View<int*, Mem> fill("bin_fill", nbins), which("bin_of", n);
  auto cell = p.cell;
  auto start = bin_start;
  auto atoms = bin_atoms;
  auto id = p.id;
  const int o0 = origin[0], o1 = origin[1], o2 = origin[2], e0 = ext[0], e1 = ext[1];
  Kokkos::parallel_for(
      "lj_bin_count", Policy(0, n), KOKKOS_LAMBDA(int i) {
        const int b = ((cell(i, 2) - o2) * e1 + (cell(i, 1) - o1)) * e0 + (cell(i, 0) - o0);
        which(i) = b;
        Kokkos::atomic_fetch_add(&fill(b), 1);
      });
  Kokkos::parallel_scan(
      "lj_bin_scan", Policy(0, nbins), KOKKOS_LAMBDA(int b, int& offset, bool final) {
        const int c = fill(b);
        if (final) {
          start(b) = offset;
          fill(b) = offset;
        }
        offset += c;
        if (final && b == nbins - 1) start(nbins) = offset;
      });
  Kokkos::parallel_for(
      "lj_bin_fill", Policy(0, n), KOKKOS_LAMBDA(int i) { atoms(Kokkos::atomic_fetch_add(&fill(which(i)), 1)) = i; });
  // order each bin by global id (insertion sort: bins hold tens of particles)
  Kokkos::parallel_for(
      "lj_bin_sort", Policy(0, nbins), KOKKOS_LAMBDA(int b) {
        for (int k = start(b) + 1; k < start(b + 1); ++k) {
          const int a = atoms(k);
          const int64_t key = id(a);
          int m = k - 1;
          while (m >= start(b) && id(atoms(m)) > key) {
            atoms(m + 1) = atoms(m);
            --m;
          }
          atoms(m + 1) = a;
        }
      });
  Kokkos::fence();
}

Kokkos::View<int*, Mem> NeighborList::owned_order(int n_local) const {
  Kokkos::View<int*, Mem> order("owned_order", n_local);
  Kokkos::deep_copy(order, Kokkos::subview(bin_atoms, std::make_pair(0, n_local)));
  return order;
}

void NeighborList::build(const Particles& p, double rc_neigh, bool newton) {
  const int n = p.n_local;
  if (static_cast<int>(count.extent(0)) < n) count = Kokkos::View<int*, Mem>("neigh_count", n + n / 4 + 16);
  // stencil: linear bin offsets
  int offsets[27], noff = 0;
  for (int dz = -1; dz <= 1; ++dz)
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const int lin = (dz * ext[1] + dy) * ext[0] + dx;
        const bool upper = dz > 0 || (dz == 0 && (dy > 0 || (dy == 0 && dx >= 0)));
        if (!newton || upper) offsets[noff++] = lin;
      }
  Kokkos::View<int[27], Mem> stencil("stencil");
  auto hs = Kokkos::create_mirror_view(stencil);
  for (int k = 0; k < noff; ++k) hs(k) = offsets[k];
  Kokkos::deep_copy(stencil, hs);
  const double rc2 = rc_neigh * rc_neigh;
  auto x = p.x;
  auto cell = p.cell;
  auto start = bin_start;
  auto atoms = bin_atoms;
  const int o0 = origin[0], o1 = origin[1], o2 = origin[2], e0 = ext[0], e1 = ext[1];
  while (true) {
    if (static_cast<int>(neigh.extent(0)) < n || static_cast<int>(neigh.extent(1)) != row_width_)
      neigh = Kokkos::View<int**, Kokkos::LayoutRight, Mem>(Kokkos::view_alloc(Kokkos::WithoutInitializing, "neigh"),
                                                            n + n / 4 + 16, row_width_);
    auto cnt = count;
    auto nb = neigh;
    const int width = row_width_;
    int max_count = 0;
    Kokkos::parallel_reduce(
        "lj_neigh_build", Policy(0, n),
        KOKKOS_LAMBDA(int i, int& mx) {
          const int b = ((cell(i, 2) - o2) * e1 + (cell(i, 1) - o1)) * e0 + (cell(i, 0) - o0);
          const double xi = x(i, 0), yi = x(i, 1), zi = x(i, 2);
          int c = 0;
          for (int s = 0; s < noff; ++s) {
            const int bb = b + stencil(s);
            const bool self_bin = bb == b;
            for (int k = start(bb); k < start(bb + 1); ++k) {
              const int j = atoms(k);
              if (self_bin && (newton ? j <= i : j == i)) continue;
              const double dx = x(j, 0) - xi, dy = x(j, 1) - yi, dz = x(j, 2) - zi;
              if (dx * dx + dy * dy + dz * dz < rc2) {
                if (c < width) nb(i, c) = j;
                ++c;
              }
            }
          }
          cnt(i) = c;
          if (c > mx) mx = c;
        },
        Kokkos::Max<int>(max_count));
    if (max_count <= row_width_) break;
    row_width_ = max_count + max_count / 8 + 8;
  }
}

size_t NeighborList::bytes() const {
  return count.span() * sizeof(int) + neigh.span() * sizeof(int) + bin_start.span() * sizeof(int) +
         bin_atoms.span() * sizeof(int);
}

}  // namespace macrodyn::lj
