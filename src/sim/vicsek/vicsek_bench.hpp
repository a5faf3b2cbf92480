#pragma once
// bench vicsek: particle steps per second of the decomposed Vicsek model.
#include "core/stage.hpp"

namespace macrodyn::vicsek {

std::unique_ptr<Stage> make_vicsek_bench(const ConfigTable& table);

}  // namespace macrodyn::vicsek
