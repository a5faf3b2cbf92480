#include "sim/allen_cahn/register_stages.hpp"

#include "sim/allen_cahn/allen_cahn_simulate.hpp"

namespace macrodyn {

void register_allen_cahn_stages(StageRegistry& registry) {
  registry.add(
      "simulate", "allen_cahn",
      [](const ConfigTable& t) { return std::make_unique<allen_cahn::AllenCahnSimulate>(t); },
      "2-D Allen-Cahn torus trajectories with free energy and partial forces (domain-decomposed)");
  allen_cahn::register_allen_cahn_benches(registry);
}

}  // namespace macrodyn
