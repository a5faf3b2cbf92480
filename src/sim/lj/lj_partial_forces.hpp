#pragma once
// Partial forces ([Partial observations] §3): F_i for a given set I of global atom ids only, from the atoms in the
// 27 cells around each chosen atom (cell width >= rc + skin, bins from the last list build, current
// positions and ghosts): the work is O(|I| x atoms per cell), independent of N, plus one pass over
// the owned ids to find the chosen ones. Every rank gets all |I| x 3 values (in the order of I).
#include <cstdint>
#include <vector>

#include "sim/lj/lj_system.hpp"

namespace macrodyn::lj {

// `subset` sorted ascending (as random_subset returns it).
std::vector<double> partial_forces(const LjSystem& sys, const std::vector<int64_t>& subset);

}  // namespace macrodyn::lj
