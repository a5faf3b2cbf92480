#include "learn/closure/allen_cahn_energy_observable.hpp"

#include <cmath>

#include "core/error.hpp"
#include "sim/allen_cahn/allen_cahn_model.hpp"

namespace macrodyn::closure {

AllenCahnEnergy::AllenCahnEnergy(size_t state_dim, double eps) : eps_(eps) {
  n_ = static_cast<size_t>(std::llround(std::sqrt(static_cast<double>(state_dim))));
  if (n_ < 2 || n_ * n_ != state_dim) fail("Allen-Cahn free energy: a state of ", state_dim, " values is no n x n grid");
  if (!(eps > 0.0)) fail("Allen-Cahn free energy: eps = ", eps, " must be positive (dataset attribute 'eps')");
  h_ = 1.0 / static_cast<double>(n_);
}

void AllenCahnEnergy::value(const double* v, double* out) const {
  const double w = h_ * h_ / (eps_ * eps_);
  double e = 0.0;
  for (size_t y = 0; y < n_; ++y)
    for (size_t x = 0; x < n_; ++x) {
      const double c = v[y * n_ + x];
      // Faces to the right and above (the mirrored ghost at the edge makes them zero there).
      const double gx = x + 1 < n_ ? v[y * n_ + x + 1] - c : 0.0;
      const double gy = y + 1 < n_ ? v[(y + 1) * n_ + x] - c : 0.0;
      e += w * allen_cahn::double_well(c) + 0.5 * (gx * gx + gy * gy);
    }
  out[0] = e;
}

void AllenCahnEnergy::jacobian(const double* v, double* rows) const {
  const auto m = allen_cahn::Model::make(static_cast<long>(n_), eps_);
  const double h2 = m.h * m.h;
  for (size_t y = 0; y < n_; ++y)
    for (size_t x = 0; x < n_; ++x) {
      const size_t i = y * n_ + x;
      const double c = v[i];
      const double l = x > 0 ? v[i - 1] : c, r = x + 1 < n_ ? v[i + 1] : c;
      const double d = y > 0 ? v[i - n_] : c, u = y + 1 < n_ ? v[i + n_] : c;
      rows[i] = -h2 * allen_cahn::force_at(c, l, r, d, u, m.inv_h2, m.inv_eps2);
    }
}

}  // namespace macrodyn::closure
