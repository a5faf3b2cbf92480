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
//
// Half-list sums and threads. With one thread (Kokkos::Serial) the reactions are added in list order,
// in doubles. On every concurrent backend (OpenMP, GPUs) threads add into per-thread copies
// (ScatterView duplication) or atomically in whatever order they run, so the sums are made
// order-independent: every pair term is rounded once to a 64-bit fixed-point number (units of 2^-34)
// and the terms are added as integers, which is associative. The forces then come out bit for bit the
// same for any thread count and schedule, and as a pair gives +t to i and exactly -t to j they sum to
// zero exactly. Resolution 5.8e-11, far below the integrator's error; a term above 2^21 in magnitude
// (atoms overlapping at r < ~0.45 sigma, where no MD step is meaningful) stops the run, so a row of up
// to 256 such terms cannot overflow. The three conversions per pair cost ~20% of the pair kernel,
// which is why the serial backend keeps plain doubles. The full list needs none of this: each row
// is one thread's sum in list order.
//   pair_energy_virial(style...) per owned particle: sums of V, of r.F and of the number of pairs
//                                within the cutoff over its row (full lists weigh each visit by
//                                1/2), so that the sum over particles counts each pair once.
// A new pair style needs no loop of its own: define the style and call these with it.
#include <Kokkos_ScatterView.hpp>

#include <cstdint>
#include <type_traits>

#include "core/error.hpp"
#include "core/kokkos_compat.hpp"
#include "sim/lj/lj_neighbor_list.hpp"

namespace macrodyn::lj {

using Forces = Kokkos::View<double* [3], Kokkos::LayoutRight, Mem>;
using FixedForces = Kokkos::View<int64_t* [3], Kokkos::LayoutRight, Mem>;

// Whether half-list forces use the order-independent fixed-point sum (see the header comment).
template <class ExecSpace>
struct OrderIndependentHalfList : std::true_type {};
#ifdef KOKKOS_ENABLE_SERIAL
template <>
struct OrderIndependentHalfList<Kokkos::Serial> : std::false_type {};
#endif

// Fixed-point pair terms of the half-list force sum on concurrent backends.
struct FixedPoint {
  static constexpr double scale = 17179869184.0;  // 2^34
  static constexpr double limit = 2097152.0;      // 2^21: largest admitted |term|
  static constexpr double limit_units = limit * scale;
  KOKKOS_INLINE_FUNCTION static double to(int64_t q) { return static_cast<double>(q) * (1.0 / scale); }
};

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

// Half list, concurrent backends: fixed-point terms summed as integers, then converted.
template <class Style>
void pair_forces_half_fixed(const Style& style, const Particles& p, const PairLoopData& data, const Forces& f) {
  using Policy = Kokkos::RangePolicy<Exec>;
  const double rc2 = style.cutoff_squared;
  const int n_total = p.n_total();
  FixedForces q("pair_forces_fixed", n_total);
  Kokkos::View<int, Mem> overflow("pair_forces_overflow");
  Kokkos::Experimental::ScatterView<int64_t* [3], Kokkos::LayoutRight, Exec> scatter(q);
  Kokkos::parallel_for(
      "pair_forces_half", Policy(0, p.n_local), KOKKOS_LAMBDA(int i) {
        auto qa = scatter.access();
        int64_t fx = 0, fy = 0, fz = 0;
        double largest = 0;  // largest |fpair|^2 r^2 of the row: bounds every component of its terms
        data.for_each_pair(i, rc2, [&](int j, double dx, double dy, double dz, double r2) {
          const double fq = style.compute_fpair(r2) * FixedPoint::scale;  // in fixed-point units
          largest = kmath::fmax(largest, fq * fq * r2);
          const auto qx = static_cast<int64_t>(dx * fq), qy = static_cast<int64_t>(dy * fq),
                     qz = static_cast<int64_t>(dz * fq);
          fx += qx, fy += qy, fz += qz;
          qa(j, 0) += -qx;
          qa(j, 1) += -qy;
          qa(j, 2) += -qz;
        });
        qa(i, 0) += fx;
        qa(i, 1) += fy;
        qa(i, 2) += fz;
        if (!(largest < FixedPoint::limit_units * FixedPoint::limit_units)) Kokkos::atomic_fetch_max(&overflow(), 1);
      });
  Kokkos::Experimental::contribute(q, scatter);
  int overflowed = 0;
  Kokkos::deep_copy(overflowed, overflow);
  if (overflowed)
    fail("lj: a pair force term exceeds ", FixedPoint::limit,
         " (atoms closer than ~0.45 sigma): the configuration overlaps or the time step is too large");
  Kokkos::parallel_for(
      "pair_forces_from_fixed", Policy(0, n_total), KOKKOS_LAMBDA(int i) {
        for (int c = 0; c < 3; ++c) f(i, c) = FixedPoint::to(q(i, c));
      });
}

// Half list, serial backend: reactions added in list order, in doubles.
template <class Style>
void pair_forces_half_ordered(const Style& style, const Particles& p, const PairLoopData& data, const Forces& f) {
  const double rc2 = style.cutoff_squared;
  Kokkos::deep_copy(Kokkos::subview(f, std::make_pair(0, p.n_total()), Kokkos::ALL), 0.0);
  Kokkos::Experimental::ScatterView<double* [3], Kokkos::LayoutRight, Exec> scatter(f);
  Kokkos::parallel_for(
      "pair_forces_half", Kokkos::RangePolicy<Exec>(0, p.n_local), KOKKOS_LAMBDA(int i) {
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
}

// f must have at least n_local + n_ghost rows; all of them are written (ghost rows: the half list's
// reactions, zero for a full list).
template <class Style>
void pair_forces(const Style& style, const Particles& p, const NeighborList& list, bool half_list, const Forces& f) {
  using Policy = Kokkos::RangePolicy<Exec>;
  const PairLoopData data(p, list);
  const double rc2 = style.cutoff_squared;
  if (half_list) {
    if constexpr (OrderIndependentHalfList<Exec>::value)
      pair_forces_half_fixed(style, p, data, f);
    else
      pair_forces_half_ordered(style, p, data, f);
  } else {
    Kokkos::deep_copy(Kokkos::subview(f, std::make_pair(p.n_local, p.n_total()), Kokkos::ALL), 0.0);
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
