#include "core/timers.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/error.hpp"

namespace macrodyn {

void Timers::start(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos) fail("timer name '", name, "' must be non-empty without '/'");
  std::string path = stack_.empty() ? name : stack_.back().first + "/" + name;
  auto it = records_.find(path);
  if (it == records_.end()) records_[path].order = static_cast<int>(records_.size());
  stack_.emplace_back(path, std::chrono::steady_clock::now());
}

void Timers::stop() {
  if (stack_.empty()) fail("Timers::stop() without a matching start()");
  auto [path, t0] = stack_.back();
  stack_.pop_back();
  Record& r = records_[path];
  r.total_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.calls += 1;
}

double Timers::seconds(const std::string& path) const {
  auto it = records_.find(path);
  return it == records_.end() ? 0.0 : it->second.total_s;
}

long Timers::calls(const std::string& path) const {
  auto it = records_.find(path);
  return it == records_.end() ? 0 : it->second.calls;
}

std::vector<TimerStats> Timers::gather(MPI_Comm comm) const {
  // Rank 0's path list, extended by paths only other ranks have, is the common order.
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::vector<std::pair<int, std::string>> ordered;
  for (const auto& [path, rec] : records_) ordered.emplace_back(rec.order, path);
  std::sort(ordered.begin(), ordered.end());
  std::string mine;
  for (const auto& entry : ordered) mine += entry.second + '\n';

  int len = static_cast<int>(mine.size());
  std::vector<int> lens(size);
  MPI_Allgather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, comm);
  std::vector<int> displs(size, 0);
  for (int r = 1; r < size; ++r) displs[r] = displs[r - 1] + lens[r - 1];
  std::string all(displs[size - 1] + lens[size - 1], '\0');
  MPI_Allgatherv(mine.data(), len, MPI_CHAR, all.data(), lens.data(), displs.data(), MPI_CHAR, comm);

  std::vector<std::string> paths;
  std::istringstream in(all);
  for (std::string p; std::getline(in, p);) {
    if (!p.empty() && std::find(paths.begin(), paths.end(), p) == paths.end()) paths.push_back(p);
  }
  const int n = static_cast<int>(paths.size());
  std::vector<double> total(n), tmin(n), tmax(n), tsum(n);
  std::vector<long> calls(n), cmax(n);
  for (int i = 0; i < n; ++i) {
    total[i] = seconds(paths[i]);
    calls[i] = this->calls(paths[i]);
  }
  MPI_Allreduce(total.data(), tmin.data(), n, MPI_DOUBLE, MPI_MIN, comm);
  MPI_Allreduce(total.data(), tmax.data(), n, MPI_DOUBLE, MPI_MAX, comm);
  MPI_Allreduce(total.data(), tsum.data(), n, MPI_DOUBLE, MPI_SUM, comm);
  MPI_Allreduce(calls.data(), cmax.data(), n, MPI_LONG, MPI_MAX, comm);
  std::vector<TimerStats> stats(n);
  for (int i = 0; i < n; ++i) {
    stats[i].path = paths[i];
    stats[i].depth = static_cast<int>(std::count(paths[i].begin(), paths[i].end(), '/'));
    stats[i].calls = cmax[i];
    stats[i].min_s = tmin[i];
    stats[i].mean_s = tsum[i] / size;
    stats[i].max_s = tmax[i];
  }
  return stats;
}

std::string Timers::format_report(const std::vector<TimerStats>& stats, int nranks) {
  std::ostringstream out;
  char buf[512];
  std::snprintf(buf, sizeof buf, "timer report (%d rank%s; seconds over ranks)\n", nranks, nranks == 1 ? "" : "s");
  out << buf;
  std::snprintf(buf, sizeof buf, "  %-44s %10s %12s %12s %12s %7s\n", "timer", "calls", "min", "mean", "max",
                "%parent");
  out << buf;
  for (const auto& s : stats) {
    double parent = 0;
    auto slash = s.path.rfind('/');
    if (slash != std::string::npos) {
      std::string parent_path = s.path.substr(0, slash);
      for (const auto& p : stats)
        if (p.path == parent_path) parent = p.mean_s;
    }
    std::string name = std::string(2 * s.depth, ' ') + s.path.substr(slash == std::string::npos ? 0 : slash + 1);
    std::snprintf(buf, sizeof buf, "  %-44s %10ld %12.4f %12.4f %12.4f %7s\n", name.c_str(), s.calls, s.min_s,
                  s.mean_s, s.max_s,
                  parent > 0 ? cat(static_cast<int>(100.0 * s.mean_s / parent + 0.5), "%").c_str() : "");
    out << buf;
  }
  return out.str();
}

}  // namespace macrodyn
