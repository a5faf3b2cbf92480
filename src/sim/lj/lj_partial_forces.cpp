#include "sim/lj/lj_partial_forces.hpp"

#include "sim/lj/lj_force.hpp"

namespace macrodyn::lj {

using Policy = Kokkos::RangePolicy<Exec>;

std::vector<double> partial_forces(const LjSystem& sys, const std::vector<int64_t>& subset) {
  const int m = static_cast<int>(subset.size());
  Kokkos::View<int64_t*, Mem> chosen("partial_ids", m);
  {
    auto h = Kokkos::create_mirror_view(chosen);
    for (int k = 0; k < m; ++k) h(k) = subset[k];
    Kokkos::deep_copy(chosen, h);
  }
  Kokkos::View<double* [3], Kokkos::LayoutRight, Mem> out("partial_forces", m);
  const Particles& p = sys.particles();
  const NeighborList& list = sys.neighbor_list();
  auto x = p.x;
  auto id = p.id;
  auto cell = p.cell;
  auto start = list.bin_start;
  auto atoms = list.bin_atoms;
  const int o0 = list.origin[0], o1 = list.origin[1], o2 = list.origin[2], e0 = list.ext[0], e1 = list.ext[1];
  const double rc2 = LjCut(sys.params().rc).cutoff_squared;
  Kokkos::parallel_for(
      "lj_partial_forces", Policy(0, p.n_local), KOKKOS_LAMBDA(int i) {
        // binary search of id(i) among the chosen ids
        const int64_t key = id(i);
        int lo = 0, hi = m;
        while (lo < hi) {
          const int mid = (lo + hi) / 2;
          if (chosen(mid) < key)
            lo = mid + 1;
          else
            hi = mid;
        }
        if (lo >= m || chosen(lo) != key) return;
        const int b = ((cell(i, 2) - o2) * e1 + (cell(i, 1) - o1)) * e0 + (cell(i, 0) - o0);
        double fx = 0, fy = 0, fz = 0;
        for (int dz = -1; dz <= 1; ++dz)
          for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
              const int bb = b + (dz * e1 + dy) * e0 + dx;
              for (int k = start(bb); k < start(bb + 1); ++k) {
                const int j = atoms(k);
                if (j == i) continue;
                const double rx = x(i, 0) - x(j, 0), ry = x(i, 1) - x(j, 1), rz = x(i, 2) - x(j, 2);
                const double r2 = rx * rx + ry * ry + rz * rz;
                if (r2 < rc2) {
                  const double fpair = LjCut::compute_fpair(r2);
                  fx += rx * fpair, fy += ry * fpair, fz += rz * fpair;
                }
              }
            }
        out(lo, 0) = fx, out(lo, 1) = fy, out(lo, 2) = fz;
      });
  Kokkos::fence();
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
  std::vector<double> local(h.data(), h.data() + 3 * static_cast<size_t>(m)), global(3 * static_cast<size_t>(m));
  MPI_Allreduce(local.data(), global.data(), 3 * m, MPI_DOUBLE, MPI_SUM, sys.comm());  // one owner per atom
  return global;
}

}  // namespace macrodyn::lj
