#pragma once
// The fixed part phi* of the closure encoder phi = (phi*, phi_hat) ("Learning macroscopic dynamics
// from partial microscopic observations", §4): observables chosen by the modeller, with their exact
// gradient, that occupy the first dims of the latent state z and are what the evaluation compares.
//
//   predator_prey "means": x = (u_1..u_C, v_1..v_C) -> (mean u, mean v); rows of dphi*/dx are
//   constant (1/C on the u block, resp. the v block, 0 elsewhere).
//
// value(x, out) writes dim() values for one microstate; jacobian(x, rows) writes the dim() x N
// gradient rows (row-major, double) at x.
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace macrodyn::closure {

class FixedObservable {
 public:
  virtual ~FixedObservable() = default;
  virtual std::string name() const = 0;
  virtual size_t dim() const = 0;
  virtual size_t state_dim() const = 0;
  virtual void value(const double* x, double* out) const = 0;
  virtual void jacobian(const double* x, double* rows) const = 0;
  // True when jacobian() does not depend on x (then callers may compute it once).
  virtual bool constant_jacobian() const { return false; }
};

// Mean of each of `blocks` equal consecutive blocks of the state (predator-prey: blocks = 2).
class BlockMeans : public FixedObservable {
 public:
  BlockMeans(size_t state_dim, size_t blocks);
  std::string name() const override { return "block_means"; }
  size_t dim() const override { return blocks_; }
  size_t state_dim() const override { return n_; }
  void value(const double* x, double* out) const override;
  void jacobian(const double* x, double* rows) const override;
  bool constant_jacobian() const override { return true; }

 private:
  size_t n_, blocks_;
};

// Named numbers an observable needs besides the state size (Allen-Cahn: "eps"), taken from the
// dataset's root attributes and stored with the autoencoder.
using ObservableParameters = std::map<std::string, double>;

// The observable of a simulated system ("predator_prey" -> means of u and v; "state_mean" -> the
// mean of all coordinates, used by benchmarks; "allen_cahn" -> the free energy, needs "eps"; "lj" -> the temperature of (positions, velocities)) for states
// of size N.
std::unique_ptr<FixedObservable> make_fixed_observable(const std::string& system, size_t state_dim,
                                                       const ObservableParameters& parameters = {});
// The names of the parameters make_fixed_observable needs for `system` (dataset attributes).
std::vector<std::string> fixed_observable_parameter_names(const std::string& system);

}  // namespace macrodyn::closure
