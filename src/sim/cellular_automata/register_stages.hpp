#pragma once
#include "core/stage.hpp"

namespace macrodyn {
// simulate cellular_automata
void register_cellular_automata_stages(StageRegistry& registry);
}  // namespace macrodyn
