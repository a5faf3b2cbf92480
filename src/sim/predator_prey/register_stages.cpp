// The stages of src/sim/predator_prey/ (see cmake/MacrodynStageFolders.cmake for the convention).
#include "sim/predator_prey/predator_prey_simulate_stage.hpp"

namespace macrodyn {

void register_predator_prey_stages(StageRegistry& registry) {
  registry.add("simulate", "predator_prey", predator_prey::make_predator_prey_simulate_stage,
               "1-D predator-prey trajectories (RK4) with observables and partial forces");
}

}  // namespace macrodyn
