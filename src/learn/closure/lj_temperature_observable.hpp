#pragma once
// Fixed observable of the Lennard-Jones closure ("Learning macroscopic dynamics from partial microscopic
// observations", §5.2): the instantaneous temperature of the microstate x = (positions (N_atoms x 3),
// velocities (N_atoms x 3)), as the simulator defines it (unit masses):
//
//   T(x) = 2/(3(N_atoms - 1)) sum_i |v_i|^2 / 2,   dT/dv_i = 2 v_i / (3(N_atoms - 1)),  dT/dx_i = 0.
#include "learn/closure/fixed_observable.hpp"

namespace macrodyn::closure {

class LjTemperature : public FixedObservable {
 public:
  explicit LjTemperature(size_t state_dim);
  std::string name() const override { return "lj_temperature"; }
  size_t dim() const override { return 1; }
  size_t state_dim() const override { return 6 * atoms_; }
  void value(const double* x, double* out) const override;
  void jacobian(const double* x, double* rows) const override;

 private:
  size_t atoms_;
};

}  // namespace macrodyn::closure
