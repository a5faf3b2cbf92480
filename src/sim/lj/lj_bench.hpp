#pragma once
#include "core/stage.hpp"
namespace macrodyn::lj {
void register_lj_bench(StageRegistry& registry);
void register_lj_simulate(StageRegistry& registry);
}  // namespace macrodyn::lj
