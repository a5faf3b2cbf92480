#include "core/progress.hpp"

#include <cmath>
#include <cstdio>

#include "core/log.hpp"

namespace macrodyn {

namespace {
double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}
}  // namespace

Progress::Progress(std::string label, long total, double interval_s, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total), interval_s_(interval_s) {
  start_ = last_print_ = std::chrono::steady_clock::now();
}

std::string Progress::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--:--";
  long s = std::lround(seconds);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

std::string Progress::line(long done, double elapsed) const {
  double rate = elapsed > 0 ? done / elapsed : 0.0;
  double eta = rate > 0 ? (total_ - done) / rate : -1.0;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s: %s %ld/%ld (%.1f%%)  rate %.3g %s/s  ETA %s", label_.c_str(), unit_.c_str(),
                done, total_, total_ > 0 ? 100.0 * done / total_ : 100.0, rate, unit_.c_str(),
                format_duration(eta).c_str());
  return buf;
}

void Progress::update(long done) {
  last_done_ = done;
  auto now = std::chrono::steady_clock::now();
  if (seconds_between(last_print_, now) < interval_s_) return;
  last_print_ = now;
  log::info(line(done, seconds_between(start_, now)));
}

void Progress::finish() {
  double elapsed = seconds_between(start_, std::chrono::steady_clock::now());
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s: done %ld %s in %s (%.3g %s/s)", label_.c_str(), last_done_, unit_.c_str(),
                format_duration(elapsed).c_str(), elapsed > 0 ? last_done_ / elapsed : 0.0, unit_.c_str());
  log::info(buf);
}

}  // namespace macrodyn
