#pragma once
// bench lj: the LAMMPS in.lj setup (atom-steps per second).
#include "core/stage.hpp"

namespace macrodyn::lj {

std::unique_ptr<Stage> make_lj_bench(const ConfigTable& table);

}  // namespace macrodyn::lj
