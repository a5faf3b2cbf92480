#pragma once
// Stages are what a deck runs: [[stage]] tables with kind = "simulate" | "train" | "evaluate" |
// "design" | "bench" and a name key that selects the implementation:
//   simulate -> system = "allen_cahn" | "lj" | ...
//   train / evaluate / design -> method = "closure" | "macronet" | "selfsimilar"
//   bench -> case = "halo_exchange" | "allen_cahn" | "lj" | ...
// A factory parses and validates the stage's keys (so `macrodyn check` runs every factory without
// running anything); run() does the work. `macrodyn bench CASE --key value` builds the same bench
// stage from command-line options.
#include <mpi.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/timers.hpp"

namespace macrodyn {

struct RunContext {
  MPI_Comm comm = MPI_COMM_WORLD;
  std::string run_dir;    // existing directory for this run's files ("" for command-line benches)
  std::string deck_text;  // the whole deck, stored as provenance in every output file
  std::string deck_source;
  double progress_interval_s = 10.0;
  Timers* timers = nullptr;

  // run_dir + "/" + name (or name when there is no run directory)
  std::string path(const std::string& name) const { return run_dir.empty() ? name : run_dir + "/" + name; }
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual void run(RunContext& ctx) = 0;
};

using StageFactory = std::function<std::unique_ptr<Stage>(const ConfigTable& table)>;

class StageRegistry {
 public:
  void add(const std::string& kind, const std::string& name, StageFactory factory, const std::string& summary);
  // Reads kind and the name key from `table`, then calls the factory.
  std::unique_ptr<Stage> create(const ConfigTable& table) const;
  std::unique_ptr<Stage> create(const std::string& kind, const std::string& name, const ConfigTable& table) const;
  bool has(const std::string& kind, const std::string& name) const;
  // "kind name   summary" lines for --help.
  std::vector<std::string> describe() const;

  static std::string name_key(const std::string& kind);  // "system", "method" or "case"
  static const std::vector<std::string>& kinds();

 private:
  struct Entry {
    StageFactory factory;
    std::string summary;
  };
  std::map<std::pair<std::string, std::string>, Entry> entries_;
};

// Prints "bench <case> <metric> <value> <unit>" on rank 0 (the machine-readable benchmark line).
void print_bench(const std::string& bench_case, const std::string& metric, double value, const std::string& unit);

}  // namespace macrodyn
