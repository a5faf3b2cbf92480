#pragma once
// simulate diffusion: see diffusion_simulate_stage.cpp for the keys and the output layout.
#include "core/stage.hpp"

namespace macrodyn::diffusion {

std::unique_ptr<Stage> make_diffusion_simulate_stage(const ConfigTable& table);

}  // namespace macrodyn::diffusion
