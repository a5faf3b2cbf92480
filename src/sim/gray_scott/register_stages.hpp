#pragma once
#include "core/stage.hpp"

namespace macrodyn {
// simulate gray_scott
void register_gray_scott_stages(StageRegistry& registry);
}  // namespace macrodyn
