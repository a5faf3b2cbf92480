#pragma once
#include "core/stage.hpp"

namespace macrodyn {
// simulate predator_prey
void register_predator_prey_stages(StageRegistry& registry);
}  // namespace macrodyn
