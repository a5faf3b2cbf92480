#pragma once
// bench nn: training step of reference models.
#include "core/stage.hpp"

namespace macrodyn::nn {

std::unique_ptr<Stage> make_nn_bench(const ConfigTable& table);

}  // namespace macrodyn::nn
