#pragma once
// Progress lines for long loops: "label: step 120/1000 (12.0%)  rate 1.52e+03 step/s  ETA 0:00:05",
// printed by rank 0 at most once per `interval_s` seconds of wall clock, plus a final line.
#include <chrono>
#include <string>

namespace macrodyn {

class Progress {
 public:
  Progress(std::string label, long total, double interval_s, std::string unit = "step");
  // `done` units of work finished so far (monotone). Prints when the interval has elapsed.
  void update(long done);
  // Prints the closing line (total time and mean rate).
  void finish();

  static std::string format_duration(double seconds);

 private:
  std::string line(long done, double elapsed) const;
  std::string label_;
  std::string unit_;
  long total_;
  double interval_s_;
  long last_done_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
};

}  // namespace macrodyn
