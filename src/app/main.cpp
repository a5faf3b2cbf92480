// macrodyn: learning macroscopic laws from microscopic simulations. See README.md.
#include <cstring>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/failure_report.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/runtime.hpp"
#include "io/provenance.hpp"

int main(int argc, char** argv) {
  using namespace macrodyn;
  // Kokkos also reacts to a bare --help; ours is spelled "help" internally so Kokkos stays quiet.
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) argv[i] = const_cast<char*>("help");
  Runtime rt(argc, argv);  // removes --kokkos-* options from argv
  log::set_rank(rt.rank());
  std::vector<std::string> args(argv + 1, argv + argc);
  FailureReporter reporter(rt.comm());
  bool running = false;  // errors before running are identical on every rank: exit collectively
  try {
    if (args.empty() || args[0] == "help") {
      log::info(usage_text());
      return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
      log::info("macrodyn ", io::code_version());
      return 0;
    }
    if (args[0] == "run" || args[0] == "check") {
      if (args.size() != 2) fail("macrodyn ", args[0], ": expected exactly one deck file (macrodyn ", args[0], " DECK.toml)");
      return command_run(rt, args[1], args[0] == "check", running);
    }
    if (args[0] == "bench") {
      if (args.size() < 2) fail("macrodyn bench: expected a case name (macrodyn bench CASE [--key value ...])");
      return command_bench(rt, args[1], std::vector<std::string>(args.begin() + 2, args.end()), running);
    }
    fail("unknown command '", args[0], "' (try macrodyn --help)");
  } catch (const Error& e) {
    // Validation errors happen identically on every rank before any collective work: rank 0 reports
    // and all exit. Errors while running may hit any subset of the ranks: one of them reports.
    if (!running) {
      if (rt.rank() == 0) write_error_line(cat("macrodyn: error: ", e.what()));
      return 1;
    }
    reporter.report_failure("macrodyn: error", e.what(), 1);
  } catch (const std::exception& e) {
    reporter.report_failure("macrodyn: internal error", e.what(), 3);
  }
  return 1;
}
