#pragma once
// Helpers shared by the test suites.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <system_error>
#include <utility>

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

// A fresh directory $TMPDIR/macrodyn_<tag>_XXXXXX (/tmp without TMPDIR: HPC sites point TMPDIR at
// node-local storage), removed with everything in it when the object goes out of scope, so a test run
// leaves nothing behind. Collective over comm: rank 0 creates it and broadcasts the name, and the
// destructor waits for every rank (MPI_Barrier) before rank 0 removes it, so no rank is still writing
// there. Every rank of comm must therefore create and destroy it at the same points: a directory that
// rank 0 alone uses takes MPI_COMM_SELF; serial unit tests (one rank) keep the default. That barrier is
// also the closing barrier of a test whose rank 0 checks results alone: it runs while a failed REQUIRE
// unwinds rank 0, so the other ranks are not left waiting in one that rank 0 skipped.
// Declare it before whatever holds a file inside it (objects are destroyed in reverse order), and not
// as a static (its destructor would run after MPI_Finalize).
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag, MPI_Comm comm = MPI_COMM_WORLD)
      : comm_(comm), remover_(comm_rank(comm) == 0) {
    const char* tmp = std::getenv("TMPDIR");
    path_ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/macrodyn_" + tag + "_XXXXXX";
    const std::string pattern = path_;
    int error = 0;
    if (remover_ && ::mkdtemp(path_.data()) == nullptr) error = errno;
    MPI_Bcast(&error, 1, MPI_INT, 0, comm);  // every rank fails together rather than waiting for rank 0
    if (error != 0) fail("cannot create the scratch directory ", pattern, ": ", std::strerror(error));
    MPI_Bcast(path_.data(), static_cast<int>(path_.size()), MPI_CHAR, 0, comm);
  }
  // Movable (run_on_world_and_self returns one); a moved-from object removes nothing.
  ScratchDir(ScratchDir&& other) noexcept
      : path_(std::exchange(other.path_, std::string())), comm_(other.comm_), remover_(other.remover_) {}
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    if (path_.empty()) return;
    MPI_Barrier(comm_);
    if (!remover_) return;
    try {  // a destructor must not throw, and a directory left behind fails no test
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    } catch (...) {
    }
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  MPI_Comm comm_;
  bool remover_;  // rank 0 of comm
};

// Rank-count invariance of a stage: runs the stage described by `stage_toml` on MPI_COMM_WORLD into a
// fresh scratch directory, then (rank 0 only) again on MPI_COMM_SELF into <dir>/ref. Returns the
// directory on every rank; the caller compares the two outputs on rank 0, and the directory's removal
// at the end of the caller's scope is the closing barrier.
inline ScratchDir run_on_world_and_self(const StageRegistry& registry, const std::string& stage_toml,
                                        const std::string& tag) {
  ScratchDir dir(tag + "_mpi");
  {
    auto deck = Deck::from_string(stage_toml, "test");
    RunContext world;
    world.run_dir = dir.path();
    registry.create(deck.root())->run(world);
  }
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    auto deck = Deck::from_string(stage_toml, "test");
    RunContext self;
    self.comm = MPI_COMM_SELF;
    self.run_dir = dir.path() + "/ref";
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
