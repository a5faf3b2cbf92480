// The stages of src/sim/oscillator/ (see cmake/MacrodynStageFolders.cmake for the convention).
#include "sim/oscillator/oscillator_simulate_stage.hpp"

namespace macrodyn {

void register_oscillator_stages(StageRegistry& registry) {
  registry.add("simulate", "oscillator", oscillator::make_oscillator_simulate_stage,
               "harmonic oscillator pairs u=(x0,p0), v=(x_tau,p_tau), tau~U(0,2pi), m=k=1, energy stored");
}

}  // namespace macrodyn
