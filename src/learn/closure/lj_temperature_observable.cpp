#include "learn/closure/lj_temperature_observable.hpp"

#include "core/error.hpp"

namespace macrodyn::closure {

LjTemperature::LjTemperature(size_t state_dim) : atoms_(state_dim / 6) {
  if (state_dim % 6 != 0 || atoms_ < 2)
    fail("LJ temperature: a state of ", state_dim, " values is not (positions, velocities) of >= 2 atoms");
}

void LjTemperature::value(const double* x, double* out) const {
  const double* v = x + 3 * atoms_;
  double kinetic = 0.0;
  for (size_t i = 0; i < 3 * atoms_; ++i) kinetic += 0.5 * v[i] * v[i];
  out[0] = 2.0 * kinetic / (3.0 * (static_cast<double>(atoms_) - 1.0));
}

void LjTemperature::jacobian(const double* x, double* rows) const {
  const double scale = 2.0 / (3.0 * (static_cast<double>(atoms_) - 1.0));
  for (size_t i = 0; i < 3 * atoms_; ++i) rows[i] = 0.0, rows[3 * atoms_ + i] = scale * x[3 * atoms_ + i];
}

}  // namespace macrodyn::closure
