#pragma once
// Stores a gathered timer report in an HDF5 file: group <group> with datasets calls, min_s, mean_s,
// max_s (one entry per timer) and attributes paths (newline-separated) and nranks.
// postprocess/scaling_report.py reads this layout.
#include <string>
#include <vector>

#include "core/timers.hpp"
#include "io/h5file.hpp"

namespace macrodyn::io {

void write_timer_report(H5File& file, const std::string& group, const std::vector<TimerStats>& stats, int nranks);

}  // namespace macrodyn::io
