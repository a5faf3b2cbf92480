#pragma once
// Nested wall-clock timers. start("a"); start("b"); stop(); stop(); records "a" and "a/b".
// Use the RAII form: { auto t = timers.scope("force"); ... }.
// report() is collective: it reduces every timer over the ranks (min / mean / max seconds).
#include <mpi.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace macrodyn {

struct TimerStats {
  std::string path;  // "simulate/step/force"
  int depth = 0;     // number of '/' in path
  long calls = 0;
  double min_s = 0, mean_s = 0, max_s = 0;  // over ranks
};

class Timers {
 public:
  class Scope {
   public:
    Scope(Timers& timers, const std::string& name) : timers_(&timers) { timers.start(name); }
    ~Scope() {
      if (timers_) timers_->stop();
    }
    Scope(Scope&& other) noexcept : timers_(other.timers_) { other.timers_ = nullptr; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    Scope& operator=(Scope&&) = delete;

   private:
    Timers* timers_;
  };

  void start(const std::string& name);
  void stop();
  Scope scope(const std::string& name) { return Scope(*this, name); }

  // Seconds accumulated so far by this rank for a full path ("a/b"); 0 if never started.
  double seconds(const std::string& path) const;
  long calls(const std::string& path) const;

  // Collective over comm: statistics for every path any rank has, in first-start order.
  std::vector<TimerStats> gather(MPI_Comm comm) const;
  // Formats gathered statistics as a table (the "timer report").
  static std::string format_report(const std::vector<TimerStats>& stats, int nranks);

 private:
  struct Record {
    double total_s = 0;
    long calls = 0;
    int order = 0;
  };
  std::map<std::string, Record> records_;
  std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>> stack_;
};

}  // namespace macrodyn
