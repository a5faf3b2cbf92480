#pragma once
// simulate gray_scott: see gray_scott_simulate_stage.cpp for the keys and the output layout.
#include "core/stage.hpp"

namespace macrodyn::gray_scott {

std::unique_ptr<Stage> make_gray_scott_simulate_stage(const ConfigTable& table);

}  // namespace macrodyn::gray_scott
