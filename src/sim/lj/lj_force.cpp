#include "sim/lj/lj_force.hpp"

#include <Kokkos_ScatterView.hpp>

namespace macrodyn::lj {

using Policy = Kokkos::RangePolicy<Exec>;

void compute_forces(const Particles& p, const NeighborList& list, double rc, bool newton, const Forces& f) {
  const int n = p.n_local, ntot = p.n_total();
  Kokkos::deep_copy(Kokkos::subview(f, std::make_pair(0, ntot), Kokkos::ALL), 0.0);
  const double rc2 = rc * rc;
  auto x = p.x;
  auto cnt = list.count;
  auto nb = list.neigh;
  if (newton) {
    Kokkos::Experimental::ScatterView<double* [3], Kokkos::LayoutRight, Exec> scatter(f);
    Kokkos::parallel_for(
        "lj_force_half", Policy(0, n), KOKKOS_LAMBDA(int i) {
          auto fa = scatter.access();
          const double xi = x(i, 0), yi = x(i, 1), zi = x(i, 2);
          double fx = 0, fy = 0, fz = 0;
          const int m = cnt(i);
          for (int k = 0; k < m; ++k) {
            const int j = nb(i, k);
            const double dx = xi - x(j, 0), dy = yi - x(j, 1), dz = zi - x(j, 2);
            const double r2 = dx * dx + dy * dy + dz * dz;
            if (r2 < rc2) {
              const double fpair = lj_force_over_r(r2);
              fx += dx * fpair, fy += dy * fpair, fz += dz * fpair;
              fa(j, 0) += -dx * fpair;
              fa(j, 1) += -dy * fpair;
              fa(j, 2) += -dz * fpair;
            }
          }
          fa(i, 0) += fx;
          fa(i, 1) += fy;
          fa(i, 2) += fz;
        });
    Forces dest = f;
    Kokkos::Experimental::contribute(dest, scatter);
  } else {
    Kokkos::parallel_for(
        "lj_force_full", Policy(0, n), KOKKOS_LAMBDA(int i) {
          const double xi = x(i, 0), yi = x(i, 1), zi = x(i, 2);
          double fx = 0, fy = 0, fz = 0;
          const int m = cnt(i);
          for (int k = 0; k < m; ++k) {
            const int j = nb(i, k);
            const double dx = xi - x(j, 0), dy = yi - x(j, 1), dz = zi - x(j, 2);
            const double r2 = dx * dx + dy * dy + dz * dz;
            if (r2 < rc2) {
              const double fpair = lj_force_over_r(r2);
              fx += dx * fpair, fy += dy * fpair, fz += dz * fpair;
            }
          }
          f(i, 0) = fx, f(i, 1) = fy, f(i, 2) = fz;
        });
  }
  Kokkos::fence();
}

namespace {
// Array reduction (pe, virial, pairs) over owned particles' list rows.
struct EnergyVirialFunctor {
  using value_type = double[];
  using size_type = int;
  unsigned value_count = 3;
  Kokkos::View<double* [3], Kokkos::LayoutRight, Mem> x;
  Kokkos::View<int*, Mem> cnt;
  Kokkos::View<int**, Kokkos::LayoutRight, Mem> nb;
  double rc2, weight;

  KOKKOS_INLINE_FUNCTION void operator()(int i, value_type sum) const {
    const int m = cnt(i);
    for (int k = 0; k < m; ++k) {
      const int j = nb(i, k);
      const double dx = x(i, 0) - x(j, 0), dy = x(i, 1) - x(j, 1), dz = x(i, 2) - x(j, 2);
      const double r2 = dx * dx + dy * dy + dz * dz;
      if (r2 < rc2) {
        const double s2 = 1.0 / r2, s6 = s2 * s2 * s2;
        sum[0] += weight * 4.0 * s6 * (s6 - 1.0);
        sum[1] += weight * 48.0 * s6 * (s6 - 0.5);
        sum[2] += weight;
      }
    }
  }
  KOKKOS_INLINE_FUNCTION void init(value_type v) const {
    for (unsigned k = 0; k < value_count; ++k) v[k] = 0;
  }
#if KOKKOS_VERSION >= 40000
  KOKKOS_INLINE_FUNCTION void join(double* dst, const double* src) const {
#else
  KOKKOS_INLINE_FUNCTION void join(volatile double* dst, const volatile double* src) const {
#endif
    for (unsigned k = 0; k < value_count; ++k) dst[k] += src[k];
  }
};
}  // namespace

EnergyVirial energy_virial(const Particles& p, const NeighborList& list, double rc, bool newton) {
  EnergyVirialFunctor fn;
  fn.x = p.x;
  fn.cnt = list.count;
  fn.nb = list.neigh;
  fn.rc2 = rc * rc;
  fn.weight = newton ? 1.0 : 0.5;
  double sums[3] = {0, 0, 0};
  Kokkos::parallel_reduce("lj_energy_virial", Policy(0, p.n_local), fn, sums);
  return {sums[0], sums[1], sums[2]};
}

}  // namespace macrodyn::lj
