#pragma once
// Predator-prey with diffusion, 1-D ([Partial observations] §5.1, B.1):
//   du/dt = u (1 - u - v)            (prey, D = 0)
//   dv/dt = a v (u - b) + v_xx       (predator), a = 3, b = 0.4
// 50 cells x_i = (i - 1/2) dx, dx = 0.02, Neumann as in eq. 41 (one-sided second difference at both
// ends). State x = (u_1..u_50, v_1..v_50) in R^100; force f(x) = dx/dt, coordinate j in [0, 100).
// Time integrator (decision): the paper's Euler dt = 0.01 violates the explicit diffusion limit
// dt <= dx^2/2 = 2e-4; we use classical RK4 with dt = 1e-4 (dt * 4/dx^2 = 1, inside RK4's real-axis
// stability interval 2.785), 4th order, 1000 steps per 0.1 snapshot interval.
// IC: u = mu + sigma cos(5 pi x), v = 1 - mu - sigma cos(5 pi x), (mu, sigma) ~ U([0,0.2] x [0.4,0.6]).
// Decision: with sigma > mu this u is negative on part of the domain, and there u' = u(1-u-v) ~ -u^2
// blows up in finite time (observed at t ~ 1.7 with RK4). Populations are non-negative, so by default
// the initial u and v are clipped at 0 (u = 0 and v = 0 are invariant, the solution stays bounded);
// `clip_initial = false` in the deck gives the paper's formula unchanged.
// Reference convention (the authors' implementation, which produced the paper's numbers): the
// second difference [1, -2, 1] in grid units (coefficient 1, no 1/dx^2; `grid_units`), mean
// mu ~ U(0.4, 0.6) and amplitude sigma ~ U(0, 0.2) (so u > 0), explicit Euler dt = 0.01 for training
// data (stable in these units: dt * 4 <= 2) and RK4 dt = 0.01 for test data.
#include <cmath>
#include <cstdint>
#include <vector>

namespace macrodyn::predator_prey {

struct Model {
  int cells = 50;
  double dx = 0.02, a = 3.0, b = 0.4;
  bool grid_units = false;  // second difference without the 1/dx^2 factor (reference convention)
  int dim() const { return 2 * cells; }
  // Coefficient of the second difference in dv/dt (the largest diffusion eigenvalue is 4 x this).
  double diffusion_coefficient() const { return grid_units ? 1.0 : 1.0 / (dx * dx); }

  // Force on coordinate j (u for j < cells, v otherwise) reading only its stencil: O(1).
  double force_at(const double* x, int j) const {
    const double* u = x;
    const double* v = x + cells;
    if (j < cells) return u[j] * (1.0 - u[j] - v[j]);
    const int i = j - cells;
    double lap;
    if (i == 0)
      lap = v[1] - v[0];
    else if (i == cells - 1)
      lap = v[cells - 2] - v[cells - 1];
    else
      lap = v[i + 1] - 2.0 * v[i] + v[i - 1];
    return a * v[i] * (u[i] - b) + (grid_units ? lap : lap / (dx * dx));
  }
  void force(const double* x, double* f) const {
    for (int j = 0; j < dim(); ++j) f[j] = force_at(x, j);
  }
  void initial(double mu, double sigma, double* x, bool clip = true) const {
    for (int i = 0; i < cells; ++i) {
      const double xi = (i + 0.5) * dx, c = std::cos(5.0 * M_PI * xi);
      x[i] = mu + sigma * c;
      x[cells + i] = 1.0 - mu - sigma * c;
      if (clip) {
        x[i] = x[i] < 0.0 ? 0.0 : x[i];
        x[cells + i] = x[cells + i] < 0.0 ? 0.0 : x[cells + i];
      }
    }
  }
  // One explicit Euler step in place.
  void euler_step(std::vector<double>& x, double dt) const {
    std::vector<double> f(x.size());
    force(x.data(), f.data());
    for (size_t j = 0; j < x.size(); ++j) x[j] += dt * f[j];
  }
  // One classical RK4 step in place.
  void rk4_step(std::vector<double>& x, double dt) const {
    const int n = dim();
    std::vector<double> k1(n), k2(n), k3(n), k4(n), y(n);
    force(x.data(), k1.data());
    for (int j = 0; j < n; ++j) y[j] = x[j] + 0.5 * dt * k1[j];
    force(y.data(), k2.data());
    for (int j = 0; j < n; ++j) y[j] = x[j] + 0.5 * dt * k2[j];
    force(y.data(), k3.data());
    for (int j = 0; j < n; ++j) y[j] = x[j] + dt * k3[j];
    force(y.data(), k4.data());
    for (int j = 0; j < n; ++j) x[j] += dt / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]);
  }
};

}  // namespace macrodyn::predator_prey
