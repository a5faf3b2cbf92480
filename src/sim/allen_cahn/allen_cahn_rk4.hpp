#pragma once
// Classical RK4 stages of the Allen-Cahn field (deck key integrator = "rk4"; allen_cahn_model.hpp).
//
// The reference data of [Partial observations] were produced with RK4 at dt = 0.1 h^2 (stable:
// dt * (8/h^2 + 2/eps^2) = 0.8 + 0.2 h^2/eps^2 lies inside RK4's real stability interval [-2.78, 0]),
// so training and test trajectories made with this integrator follow the same discrete flow as theirs.
//
// One step v -> v + dt/6 (k1 + 2 k2 + 2 k3 + k4), k_i = f(s_i), s_1 = v, s_2 = v + dt/2 k1,
// s_3 = v + dt/2 k2, s_4 = v + dt k3, runs as four stage kernels. Stage i reads s_i with current ghosts
// (one layer is enough: the 5-point stencil), adds its weight times k_i to the accumulator and writes
// s_{i+1} (the last stage writes the new state); AllenCahnGrid exchanges the halo of s_{i+1} in between.
// Every value is produced by the same expressions from the same inputs on any rank count, and a
// mirrored ghost (zero Neumann) stays the mirror of its cell, so the result is bitwise independent of
// the decomposition (tested on 1/2/4 ranks).
#include <Kokkos_Core.hpp>

#include <type_traits>

#include "sim/allen_cahn/allen_cahn_model.hpp"

namespace macrodyn::allen_cahn {

// Stage `stage` (0..3) on the owned cells of (1, ny + 2g, nx + 2g) fields:
//   stage 0:    acc = v + dt/6 k,  next = v + dt/2 k    (in = v)
//   stage 1, 2: acc += dt/3 k,     next = v + c dt k    (c = 1/2, 1)
//   stage 3:    next = acc + dt/6 k                     (next is the state field; v is not read)
// k = f(in). Only the owned cells of acc and next are written. The stage is a template argument so
// that each kernel is a plain loop the compiler vectorises.
template <int stage, class ExecSpace, class Field>
void rk4_stage(const Field& in, const Field& v, const Field& acc, const Field& next, long nx, long ny,
               long g, double dt, double inv_h2, double inv_eps2) {
  using Policy = Kokkos::TeamPolicy<ExecSpace>;
  using Member = typename Policy::member_type;
  constexpr bool host_team = std::is_same<typename ExecSpace::memory_space, Kokkos::HostSpace>::value;
  static_assert(stage >= 0 && stage <= 3, "RK4 has four stages");
  const double weight = (stage == 0 || stage == 3 ? 1.0 / 6.0 : 1.0 / 3.0) * dt;
  const double shift = (stage == 2 ? 1.0 : 0.5) * dt;
  const long stride = nx + 2 * g;
  const double* in_data = in.data();
  const double* v_data = v.data();
  double* acc_data = acc.data();
  double* next_data = next.data();
  Policy policy = host_team ? Policy(ny, 1) : Policy(ny, Kokkos::AUTO);
  Kokkos::parallel_for(
      "allen_cahn_rk4_stage", policy, KOKKOS_LAMBDA(const Member& team) {
        const long row = (team.league_rank() + g) * stride + g;
        const double* __restrict c = in_data + row;
        const double* __restrict d = c - stride;
        const double* __restrict u = c + stride;
        const double* __restrict s = v_data + row;
        double* __restrict a = acc_data + row;
        double* __restrict o = next_data + row;
        // One cell: the same expressions on every backend.
        auto cell = [&](long x) {
          const double k = force_at(c[x], c[x - 1], c[x + 1], d[x], u[x], inv_h2, inv_eps2);
          if constexpr (stage == 0) {
            a[x] = s[x] + weight * k;
            o[x] = s[x] + shift * k;
          } else if constexpr (stage < 3) {
            a[x] = a[x] + weight * k;
            o[x] = s[x] + shift * k;
          } else {
            o[x] = a[x] + weight * k;
          }
        };
        if constexpr (host_team) {
          for (long x = 0; x < nx; ++x) cell(x);
        } else {
          Kokkos::parallel_for(Kokkos::TeamVectorRange(team, nx), cell);
        }
      });
}

}  // namespace macrodyn::allen_cahn
