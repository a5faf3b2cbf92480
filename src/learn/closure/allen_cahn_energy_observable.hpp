#pragma once
// Fixed observable of the Allen-Cahn closure ("Learning macroscopic dynamics from partial microscopic
// observations", §5.3): phi*(v) = the discrete free energy of the simulator (allen_cahn_model.hpp),
//
//   E(v) = h^2 sum_cells F(v)/eps^2 + 1/2 sum_{interior faces} (v_a - v_b)^2,   F(v) = (v^2-1)^2/4,
//
// on the n x n cell-centred grid (state index y*n + x, h = 1/n, zero Neumann through mirrored ghosts,
// so boundary faces contribute nothing), i.e. sum h^2 (F/eps^2 + |grad v|^2/2) with one-sided
// differences. Its exact gradient is dE/dv = -h^2 f(v), f the simulator's force (allen_cahn::force_at
// with the mirrored ghosts), the identity "dv/dt = -(1/h^2) dE/dv" of allen_cahn_model.hpp.
// eps and h are the dataset's root attributes "eps" and "h" (h must be 1/n).
#include "learn/closure/fixed_observable.hpp"

namespace macrodyn::closure {

class AllenCahnEnergy : public FixedObservable {
 public:
  AllenCahnEnergy(size_t state_dim, double eps);
  std::string name() const override { return "allen_cahn_free_energy"; }
  size_t dim() const override { return 1; }
  size_t state_dim() const override { return n_ * n_; }
  void value(const double* v, double* out) const override;
  void jacobian(const double* v, double* rows) const override;

 private:
  size_t n_;
  double h_, eps_;
};

}  // namespace macrodyn::closure
