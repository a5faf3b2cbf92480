#pragma once
// Registration of the LJ stages, one function per stage source file (lj_bench.cpp, lj_simulate.cpp);
// register_stages.cpp calls both.
#include "core/stage.hpp"
namespace macrodyn::lj {
void register_lj_bench(StageRegistry& registry);
void register_lj_simulate(StageRegistry& registry);
}  // namespace macrodyn::lj
