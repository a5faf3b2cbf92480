#include "io/timer_report.hpp"

namespace macrodyn::io {

void write_timer_report(H5File& file, const std::string& group, const std::vector<TimerStats>& stats, int nranks) {
  file.create_group(group);
  std::string paths;
  std::vector<int64_t> calls;
  std::vector<double> min_s, mean_s, max_s;
  for (const auto& s : stats) {
    paths += (paths.empty() ? "" : "\n") + s.path;
    calls.push_back(s.calls);
    min_s.push_back(s.min_s);
    mean_s.push_back(s.mean_s);
    max_s.push_back(s.max_s);
  }
  const Dims n{stats.size()};
  file.write_replicated(group + "/calls", n, calls.data());
  file.write_replicated(group + "/min_s", n, min_s.data());
  file.write_replicated(group + "/mean_s", n, mean_s.data());
  file.write_replicated(group + "/max_s", n, max_s.data());
  file.set_attr(group, "paths", paths);
  file.set_attr(group, "nranks", static_cast<int64_t>(nranks));
}

}  // namespace macrodyn::io
