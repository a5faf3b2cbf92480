#pragma once
#include "core/stage.hpp"

namespace macrodyn {
// simulate oscillator
void register_oscillator_stages(StageRegistry& registry);
}  // namespace macrodyn
