#include "learn/closure/fixed_observable.hpp"

#include "core/error.hpp"
#include "learn/closure/allen_cahn_energy_observable.hpp"
#include "learn/closure/lj_temperature_observable.hpp"

namespace macrodyn::closure {

BlockMeans::BlockMeans(size_t state_dim, size_t blocks) : n_(state_dim), blocks_(blocks) {
  if (blocks == 0 || state_dim % blocks != 0)
    fail("block means: state of size ", state_dim, " does not split into ", blocks, " equal blocks");
}

void BlockMeans::value(const double* x, double* out) const {
  const size_t c = n_ / blocks_;
  for (size_t k = 0; k < blocks_; ++k) {
    double s = 0;
    for (size_t i = 0; i < c; ++i) s += x[k * c + i];
    out[k] = s / static_cast<double>(c);
  }
}

void BlockMeans::jacobian(const double* /*x*/, double* rows) const {
  const size_t c = n_ / blocks_;
  for (size_t k = 0; k < blocks_; ++k)
    for (size_t j = 0; j < n_; ++j) rows[k * n_ + j] = (j / c == k) ? 1.0 / static_cast<double>(c) : 0.0;
}

std::vector<std::string> fixed_observable_parameter_names(const std::string& system) {
  if (system == "allen_cahn") return {"eps"};
  return {};
}

std::unique_ptr<FixedObservable> make_fixed_observable(const std::string& system, size_t state_dim,
                                                       const ObservableParameters& parameters) {
  if (system == "predator_prey") return std::make_unique<BlockMeans>(state_dim, 2);
  if (system == "state_mean") return std::make_unique<BlockMeans>(state_dim, 1);
  if (system == "allen_cahn") {
    const auto eps = parameters.find("eps");
    if (eps == parameters.end()) fail("closure: the Allen-Cahn free energy needs eps (dataset attribute 'eps')");
    return std::make_unique<AllenCahnEnergy>(state_dim, eps->second);
  }
  if (system == "lj") return std::make_unique<LjTemperature>(state_dim);
  fail("closure: no fixed observable is defined for system '", system,
       "' (known: predator_prey, state_mean, allen_cahn, lj)");
}

}  // namespace macrodyn::closure
