#pragma once
#include "core/stage.hpp"

namespace macrodyn {
// simulate lj (dataset with partial forces), bench lj (LAMMPS in.lj setup)
void register_lj_stages(StageRegistry& registry);
}  // namespace macrodyn
