// The stages of src/sim/gray_scott/ (see cmake/MacrodynStageFolders.cmake for the convention).
#include "sim/gray_scott/gray_scott_simulate_stage.hpp"

namespace macrodyn {

void register_gray_scott_stages(StageRegistry& registry) {
  registry.add("simulate", "gray_scott", gray_scott::make_gray_scott_simulate_stage,
               "Gray-Scott pattern / parameter pairs with blank rejection (samples spread over ranks)");
}

}  // namespace macrodyn
