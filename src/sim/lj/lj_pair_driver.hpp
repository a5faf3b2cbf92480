#pragma once
// The neighbour-loop driver: ONE loop over the Verlet list, used for forces with a half list
// (Newton's third law), forces with a full list, and energy/virial sums. The physics of a pair is a
// pair style (lj_pair_style.hpp); the driver only visits pairs within the style's cutoff.
//
//   for_each_pair(i, ...)        visits every listed neighbour j of owned particle i with
//                                r^2 < cutoff: visit(j, dx, dy, dz, r2), d = x_i - x_j.
//   pair_forces(style, ...)      f(i) = sum_j fpair (x_i - x_j) for owned i. Half list: the
//                                reaction -fpair (x_i - x_j) goes to j (owned or ghost) through a
//                                ScatterView; the caller sums ghosts back (ParticleExchange::
//                                reverse_sum). Full list: each owned row written once, no atomics.
//   pair_energy_virial(style...) per owned particle: sums of V, of r.F and of the number of pairs
//                                within the cutoff over its row (full lists weigh each visit by
//                                1/2), so that the sum over particles counts each pair once.
// A new pair style needs no loop of its own: define the style and call these with it.
#include <Kokkos_ScatterView.hpp>

#include "sim/lj/lj_neighbor_list.hpp"

namespace macrodyn::lj {

using Forces = Kokkos::View<double* [3], Kokkos::LayoutRight, Mem>;

// What a kernel needs of the particles and the list (captured by value).
struct PairLoopData {
  Kokkos::View<double* [3], Kokkos::LayoutRight, Mem> x;
  Kokkos::View<int*, Mem> count;
  Kokkos::View<int**, Kokkos::LayoutRight, Mem> neigh;

  PairLoopData(const Particles& p, const NeighborList& list) : x(p.x), count(list.count), neigh(list.neigh) {}

  template <class Visit>
  KOKKOS_INLINE_FUNCTION void for_each_pair(int i, double cutoff_squared, const Visit& visit) const {
    const double xi = x(i, 0), yi = x(i, 1), zi = x(i, 2);
    const int m = count(i);
    for (int k = 0; k < m; ++k) {
      const int j = neigh(i, k);
      const double dx = xi - x(j, 0), dy = yi - x(j, 1), dz = zi - x(j, 2);
      const double r2 = dx * dx + dy * dy + dz * dz;
      if (r2 < cutoff_squared) visit(j, dx, dy, dz, r2);
    }
  }
};

// f must have at least n_local + n_ghost rows; zeroed here.
template <class Style>
void pair_forces(const Style& style, const Particles& p, const NeighborList& list, bool half_list, const Forces& f) {
  using Policy = Kokkos::RangePolicy<Exec>;
  Kokkos::deep_copy(Kokkos::subview(f, std::make_pair(0, p.n_total()), Kokkos::ALL), 0.0);
  const PairLoopData data(p, list);
  const double rc2 = style.cutoff_squared;
  if (half_list) {
    Kokkos::Experimental::ScatterView<double* [3], Kokkos::LayoutRight, Exec> scatter(f);
    Kokkos::parallel_for(
        "pair_forces_half", Policy(0, p.n_local), KOKKOS_LAMBDA(int i) {
          auto fa = scatter.access();
          double fx = 0, fy = 0, fz = 0;
          data.for_each_pair(i, rc2, [&](int j, double dx, double dy, double dz, double r2) {
            const double fpair = style.compute_fpair(r2);
            fx += dx * fpair, fy += dy * fpair, fz += dz * fpair;
            fa(j, 0) += -dx * fpair;
            fa(j, 1) += -dy * fpair;
            fa(j, 2) += -dz * fpair;
          });
          fa(i, 0) += fx;
          fa(i, 1) += fy;
          fa(i, 2) += fz;
        });
    Forces dest = f;
    Kokkos::Experimental::contribute(dest, scatter);
  } else {
    Kokkos::parallel_for(
        "pair_forces_full", Policy(0, p.n_local), KOKKOS_LAMBDA(int i) {
          double fx = 0, fy = 0, fz = 0;
          data.for_each_pair(i, rc2, [&](int, double dx, double dy, double dz, double r2) {
            const double fpair = style.compute_fpair(r2);
            fx += dx * fpair, fy += dy * fpair, fz += dz * fpair;
          });
          f(i, 0) = fx, f(i, 1) = fy, f(i, 2) = fz;
        });
  }
  Kokkos::fence();
}

// Per owned particle i, over its list row in list order: e(i, 0) = sum_j w V, e(i, 1) = sum_j w r.F,
// e(i, 2) = sum_j w (pairs), w = 1 for a half list, 1/2 for a full list (each pair visited twice).
// Summed over all particles (in global-id order by the caller) this counts each pair once.
template <class Style>
void pair_energy_virial(const Style& style, const Particles& p, const NeighborList& list, bool half_list,
                        const Kokkos::View<double* [3], Kokkos::LayoutRight, Mem>& e) {
  const PairLoopData data(p, list);
  const double rc2 = style.cutoff_squared, w = half_list ? 1.0 : 0.5;
  Kokkos::parallel_for(
      "pair_energy_virial", Kokkos::RangePolicy<Exec>(0, p.n_local), KOKKOS_LAMBDA(int i) {
        double pe = 0, virial = 0, pairs = 0;
        data.for_each_pair(i, rc2, [&](int, double, double, double, double r2) {
          pe += w * style.compute_evdwl(r2);
          virial += w * style.compute_virial(r2);
          pairs += w;
        });
        e(i, 0) = pe, e(i, 1) = virial, e(i, 2) = pairs;
      });
  Kokkos::fence();
}

}  // namespace macrodyn::lj
