#include "app/commands.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

#include "app/registry.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/signals.hpp"
#include "core/stage.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "io/timer_report.hpp"

namespace macrodyn {

namespace {

std::string deck_stem(const std::string& path) {
  std::string base = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  return base.substr(0, base.rfind('.'));
}

void make_directories(const std::string& path) {
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    partial = path.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST)
      fail(path, ": cannot create run directory (", std::strerror(errno), ")");
  }
}

// Rank 0 creates the directory; every rank learns whether that worked.
void make_run_directory(const std::string& path, MPI_Comm comm) {
  std::string error;
  if (comm_rank(comm) == 0) {
    try {
      make_directories(path);
    } catch (const Error& e) {
      error = e.what();
    }
  }
  int len = static_cast<int>(error.size());
  MPI_Bcast(&len, 1, MPI_INT, 0, comm);
  error.resize(len);
  MPI_Bcast(error.data(), len, MPI_CHAR, 0, comm);
  if (!error.empty()) throw Error(error);
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path + ".tmp", std::ios::binary);
  out << text;
  out.close();
  if (!out || std::rename((path + ".tmp").c_str(), path.c_str()) != 0) fail(path, ": cannot write file");
}

void finish_timers(const RunContext& ctx, Timers& timers, int nranks) {
  auto stats = timers.gather(ctx.comm);
  log::info(Timers::format_report(stats, nranks));
  if (ctx.run_dir.empty()) return;
  auto file = io::H5File::create(ctx.path("timers.h5"), ctx.comm);
  io::write_provenance(file, ctx);
  io::write_timer_report(file, "/timers", stats, nranks);
  file.commit();
}

}  // namespace

std::string usage_text() {
  std::string text =
      "usage: macrodyn run DECK.toml        run every [[stage]] of the deck\n"
      "       macrodyn check DECK.toml      validate the deck (types, ranges, unknown keys); run nothing\n"
      "       macrodyn bench CASE [--key value ...]\n"
      "                                     run one benchmark; prints 'bench <case> <metric> <value> <unit>'\n"
      "       macrodyn --version | --help\n"
      "Kokkos options (--kokkos-...) are accepted everywhere.\n\nstages and benchmarks:\n";
  for (const auto& line : build_registry().describe()) text += line + "\n";
  return text;
}

int command_run(Runtime& rt, const std::string& deck_path, bool check_only, bool& running) {
  const StageRegistry registry = build_registry();
  Deck deck = Deck::from_file(deck_path);
  ConfigTable root = deck.root();
  ConfigTable run = root.table("run");
  RunContext ctx;
  ctx.comm = rt.comm();
  ctx.deck_text = deck.text();
  ctx.deck_source = deck_path;
  const std::string name = run.get_string("name", deck_stem(deck_path));
  ctx.run_dir = run.get_string("output_dir", "runs/" + name);
  if (ctx.run_dir.empty()) run.fail_at("output_dir", "must not be empty");
  ctx.progress_interval_s = run.get_double("progress_interval", 10.0, Range::non_negative());

  std::vector<ConfigTable> stage_tables = root.tables("stage");
  if (stage_tables.empty()) fail(deck_path, ": the deck has no [[stage]] tables; nothing to run");
  std::vector<std::unique_ptr<Stage>> stages;
  std::vector<std::string> labels;
  for (const auto& table : stage_tables) {
    stages.push_back(registry.create(table));
    std::string kind = table.require_string("kind");
    labels.push_back(kind + "." + table.require_string(StageRegistry::name_key(kind)));
  }
  deck.reject_unknown_keys();
  if (check_only) {
    log::info(deck_path, ": OK (", stages.size(), " stage", stages.size() == 1 ? "" : "s", ", output_dir '",
              ctx.run_dir, "')");
    return 0;
  }

  running = true;
  make_run_directory(ctx.run_dir, ctx.comm);
  if (rt.rank() == 0) write_text_file(ctx.path("deck.toml"), deck.text());
  log::open_file(ctx.path("macrodyn.log"));
  install_stop_signal_handlers();
  log::info("macrodyn ", io::code_version(), ": run '", name, "' on ", rt.size(), " rank", rt.size() == 1 ? "" : "s",
            " -> ", ctx.run_dir);
  Timers timers;
  ctx.timers = &timers;
  bool stopped = false;
  for (size_t i = 0; i < stages.size() && !stopped; ++i) {
    log::info("== stage ", i + 1, "/", stages.size(), ": ", labels[i]);
    {
      auto scope = timers.scope(labels[i]);
      stages[i]->run(ctx);
    }
    stopped = stop_requested_collective(ctx.comm);
    if (stopped)
      log::info("stop signal received: stopped in stage ", labels[i], "; checkpoints are in ", ctx.run_dir,
                "; exit status ", kExitStopped, ": run the same deck again to continue");
  }
  finish_timers(ctx, timers, rt.size());
  log::open_file("");
  return stopped ? kExitStopped : 0;
}

int command_bench(Runtime& rt, const std::string& bench_case, const std::vector<std::string>& options,
                  bool& running) {
  const StageRegistry registry = build_registry();
  if (!registry.has("bench", bench_case)) {
    fail("macrodyn bench: unknown case '", bench_case, "' (see macrodyn --help for the list)");
  }
  Deck deck = Deck::from_options(options, "command line");
  auto stage = registry.create("bench", bench_case, deck.root());
  deck.reject_unknown_keys();
  running = true;
  RunContext ctx;
  ctx.comm = rt.comm();
  ctx.deck_source = "command line";
  Timers timers;
  ctx.timers = &timers;
  {
    auto scope = timers.scope("bench." + bench_case);
    stage->run(ctx);
  }
  finish_timers(ctx, timers, rt.size());
  return 0;
}

}  // namespace macrodyn
