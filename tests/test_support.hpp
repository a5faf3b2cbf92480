#pragma once
// Helpers shared by the test suites.
#include <sys/stat.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/runtime.hpp"
#include "core/signals.hpp"
#include "core/stage.hpp"

namespace macrodyn::test {

// The message of the macrodyn::Error that f throws ("" if it throws none).
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Rank-count invariance of a stage: runs the stage described by `stage_toml` on MPI_COMM_WORLD into a
// fresh directory, then (rank 0 only) again on MPI_COMM_SELF into <dir>/ref. Returns <dir> on every
// rank. The caller compares the two outputs on rank 0 and ends with MPI_Barrier(MPI_COMM_WORLD).
inline std::string run_on_world_and_self(const StageRegistry& registry, const std::string& stage_toml,
                                         const std::string& tag) {
  std::string dir = "/tmp/macrodyn_" + tag + "_mpi_XXXXXX";
  if (comm_rank(MPI_COMM_WORLD) == 0 && ::mkdtemp(dir.data()) == nullptr) fail("cannot create ", dir);
  MPI_Bcast(dir.data(), static_cast<int>(dir.size()), MPI_CHAR, 0, MPI_COMM_WORLD);
  {
    auto deck = Deck::from_string(stage_toml, "test");
    RunContext world;
    world.run_dir = dir;
    registry.create(deck.root())->run(world);
  }
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    auto deck = Deck::from_string(stage_toml, "test");
    RunContext self;
    self.comm = MPI_COMM_SELF;
    self.run_dir = dir + "/ref";
    if (::mkdir(self.run_dir.c_str(), 0755) != 0) fail("cannot create ", self.run_dir);
    registry.create(deck.root())->run(self);
  }
  return dir;
}

// Runs the stage (kind, name) with the keys `deck_text` on comm into dir; ranks outside comm
// (MPI_COMM_NULL) do nothing. stop: as if SIGTERM/SIGUSR1 had arrived before the run (stop and
// resume tests). Used to chain runs over communicators of different sizes.
inline void run_stage_on(MPI_Comm comm, const StageRegistry& registry, const std::string& kind,
                         const std::string& name, const std::string& dir, const std::string& deck_text, bool stop) {
  if (comm == MPI_COMM_NULL) return;
  const Deck deck = Deck::from_string(deck_text, "test");
  auto stage = registry.create(kind, name, deck.root());
  RunContext ctx;
  ctx.comm = comm;
  ctx.run_dir = dir;
  set_stop_requested(stop);
  stage->run(ctx);
  set_stop_requested(false);
}

}  // namespace macrodyn::test
