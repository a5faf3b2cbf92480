#pragma once
#include "core/stage.hpp"

namespace macrodyn {
// simulate diffusion
void register_diffusion_stages(StageRegistry& registry);
}  // namespace macrodyn
