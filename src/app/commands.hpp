#pragma once
// The command-line verbs: run, check, bench. Each returns the process exit code.
#include <string>
#include <vector>

#include "core/runtime.hpp"

namespace macrodyn {

// Exit status of a run stopped by SIGTERM/SIGUSR1 after writing its checkpoints (EX_TEMPFAIL): the run
// is not finished; running the same deck again continues it. 0 = finished, 1 = error.
constexpr int kExitStopped = 75;

// `running` is set once validation is over and ranks start working independently (from then on an
// error may be local to one rank).
int command_run(Runtime& rt, const std::string& deck_path, bool check_only, bool& running);
int command_bench(Runtime& rt, const std::string& bench_case, const std::vector<std::string>& options,
                  bool& running);
std::string usage_text();

}  // namespace macrodyn
