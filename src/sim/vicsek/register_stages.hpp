#pragma once
#include "core/stage.hpp"

namespace macrodyn {
// simulate vicsek, bench vicsek
void register_vicsek_stages(StageRegistry& registry);
namespace vicsek {
std::unique_ptr<Stage> make_vicsek_bench(const ConfigTable& table);
}
}  // namespace macrodyn
