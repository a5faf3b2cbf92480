#pragma once
#include "core/stage.hpp"

namespace macrodyn {
// simulate linear_ode
void register_linear_ode_stages(StageRegistry& registry);
}  // namespace macrodyn
