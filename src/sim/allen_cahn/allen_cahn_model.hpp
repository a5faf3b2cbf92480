#pragma once
// Allen-Cahn model on [0,1]^2 ([Partial observations] §5.3, B.2):
//
//   dv/dt = lap(v) - F'(v)/eps^2,   F(v) = (v^2-1)^2/4,  F'(v) = v^3 - v,   dv/dn = 0 on the boundary.
//
// Discretisation: cell-centred n x n grid, h = 1/n, x_i = (i+1/2) h, 5-point Laplacian; zero Neumann
// through mirrored ghost cells (ghost = adjacent interior cell, EdgeFill::ReflectCell), so the
// semi-discrete system is exactly the (h^2-weighted) gradient flow of the discrete free energy
//
//   E(v) = h^2 sum_cells F(v)/eps^2 + 1/2 sum_{interior faces} (v_a - v_b)^2,
//   dv/dt = -(1/h^2) dE/dv = f(v)   (the microscopic force of [Partial observations] eq. 1).
//
// Interface width: eps = m h_ref / (2 sqrt2 atanh 0.9) with m = 10 points on the reference grid h_ref =
// 1/200 (Kim et al. 2021; the paper's "10 x 200" is garbled). eps is a physical length, so it does not
// change with the simulation grid unless the deck says so.
//
// Time integrator (decision; the paper's literal RK4 at dt = 2.5e-5, h = 1/200 is unstable: dt*8/h^2 = 8 > 2.79):
// explicit (forward) Euler, v <- v + dt f(v), with the bound
//
//   dt <= dt_max = 1 / (4/h^2 + 2/eps^2).
//
// Under this bound (i) the discrete maximum principle holds (|v| <= 1 stays |v| <= 1: the update is
// monotone in the centre value and in each neighbour), so F'' <= 2 on the trajectory, and (ii) the
// free energy decreases at every step, since E is L-smooth with L = 8/h^2 + 2/eps^2 (in the h^2 inner
// product) and dt L < 2 (descent lemma). Euler is first order in time; with dt ~ h^2 the O(dt) error is
// of the same size as the O(h^2) spatial error. The convergence order is verified in the tests.
// Second integrator (deck key integrator = "rk4", allen_cahn_rk4.hpp): classical RK4, the convention of the
// [Partial observations] reference data (dt = 0.1 h^2). Linear stability needs dt * (8/h^2 + 2/eps^2) inside
// RK4's real interval [-2.785, 0] (the Jacobian's spectrum lies in [-(8/h^2 + 2/eps^2), 1/eps^2] for
// |v| <= 1), hence dt <= dt_max_rk4 = 2.78 / (8/h^2 + 2/eps^2). RK4 has no maximum principle or
// unconditional energy decrease; at dt = 0.1 h^2 both hold on the torus trajectories (tested), and the
// error is fourth order in time (tested against the exact solution of the spatially uniform problem).
// A step done on its own streams the field once (16 bytes per cell update); AllenCahnGrid runs the
// steps in temporally blocked passes (allen_cahn_blocked_euler.hpp) that bring this to 16/T bytes for
// T steps per pass without changing a bit of the result.
#include <Kokkos_Core.hpp>
#include <cmath>

#include "core/kokkos_compat.hpp"

namespace macrodyn::allen_cahn {

struct Model {
  long n = 200;        // cells per side
  double h = 1.0 / 200;
  double eps = 0.0;
  double inv_h2 = 0.0;
  double inv_eps2 = 0.0;

  static double eps_from_interface(double points, double h_ref) {
    return points * h_ref / (2.0 * std::sqrt(2.0) * std::atanh(0.9));
  }
  static Model make(long n, double eps) {
    Model m;
    m.n = n;
    m.h = 1.0 / static_cast<double>(n);
    m.eps = eps;
    m.inv_h2 = 1.0 / (m.h * m.h);
    m.inv_eps2 = 1.0 / (eps * eps);
    return m;
  }
  // Largest stable explicit Euler step (maximum principle + energy decrease), see above.
  double dt_max() const { return 1.0 / (4.0 * inv_h2 + 2.0 * inv_eps2); }
  // Largest RK4 step inside the real stability interval (see above).
  double dt_max_rk4() const { return 2.78 / (8.0 * inv_h2 + 2.0 * inv_eps2); }
};

// f at one cell from its value c and its four neighbours (left, right, down, up). Every force
// evaluation (full grid, partial forces, Euler update) goes through this function, so partial forces
// are bitwise equal to the full force.
KOKKOS_INLINE_FUNCTION double force_at(double c, double l, double r, double d, double u, double inv_h2,
                                       double inv_eps2) {
  const double lap = ((l + r) + (d + u) - 4.0 * c) * inv_h2;
  return lap - (c * c * c - c) * inv_eps2;
}

// Torus initial condition ([Partial observations] eq. 44) at cell centre (x, y).
KOKKOS_INLINE_FUNCTION double torus(double x, double y, double r1, double r2, double eps) {
  const double dx = x - 0.5, dy = y - 0.5;
  const double d = kmath::sqrt(dx * dx + dy * dy);
  const double w = 1.0 / (1.4142135623730951 * eps);
  return -1.0 + kmath::tanh((r1 - d) * w) - kmath::tanh((r2 - d) * w);
}

// Double-well potential F(v) = (v^2-1)^2 / 4.
KOKKOS_INLINE_FUNCTION double double_well(double v) {
  const double a = v * v - 1.0;
  return 0.25 * a * a;
}

}  // namespace macrodyn::allen_cahn
