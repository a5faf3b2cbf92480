// The stages of src/sim/diffusion/ (see cmake/MacrodynStageFolders.cmake for the convention).
#include "sim/diffusion/diffusion_simulate_stage.hpp"

namespace macrodyn {

void register_diffusion_stages(StageRegistry& registry) {
  registry.add("simulate", "diffusion", diffusion::make_diffusion_simulate_stage,
               "1-D random-walk diffusion for several dt plus the exact heat-kernel limit");
}

}  // namespace macrodyn
