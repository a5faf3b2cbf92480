#pragma once
// simulate lj: see lj_simulate_stage.cpp for the keys and the H5MD output layout.
#include "core/stage.hpp"

namespace macrodyn::lj {

std::unique_ptr<Stage> make_lj_simulate_stage(const ConfigTable& table);

}  // namespace macrodyn::lj
