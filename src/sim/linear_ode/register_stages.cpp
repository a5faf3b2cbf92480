// The stages of src/sim/linear_ode/ (see cmake/MacrodynStageFolders.cmake for the convention).
#include "sim/linear_ode/linear_ode_simulate_stage.hpp"

namespace macrodyn {

void register_linear_ode_stages(StageRegistry& registry) {
  registry.add("simulate", "linear_ode", linear_ode::make_linear_ode_simulate_stage,
               "2x2 linear ODE pairs: M~N(0,1), x0~U(-1,1)^2, 8-point trajectories via exact exp(Mt)");
}

}  // namespace macrodyn
