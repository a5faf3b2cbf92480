#pragma once
// simulate predator_prey: see predator_prey_simulate_stage.cpp for the keys and the output layout.
#include "core/stage.hpp"

namespace macrodyn::predator_prey {

std::unique_ptr<Stage> make_predator_prey_simulate_stage(const ConfigTable& table);

}  // namespace macrodyn::predator_prey
