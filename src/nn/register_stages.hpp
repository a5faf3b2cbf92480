#pragma once
#include "core/stage.hpp"

namespace macrodyn {
// bench nn (nn_bench.cpp) and every other stage of the neural core.
void register_nn_stages(StageRegistry& registry);
}  // namespace macrodyn

namespace macrodyn::nn {
// Registration pieces, one per file that defines stages (called by register_nn_stages).
void register_nn_bench(StageRegistry& registry);
}  // namespace macrodyn::nn
