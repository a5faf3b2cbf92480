#pragma once
#include "core/stage.hpp"

namespace macrodyn {
// simulate allen_cahn; bench allen_cahn, bench partial_forces
void register_allen_cahn_stages(StageRegistry& registry);
namespace allen_cahn {
void register_allen_cahn_benches(StageRegistry& registry);
}
}  // namespace macrodyn
