#pragma once
#include "core/stage.hpp"

namespace macrodyn {
// bench halo_exchange
void register_decomp_stages(StageRegistry& registry);
}  // namespace macrodyn
