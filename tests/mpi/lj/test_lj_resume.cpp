// simulate lj: stop -> checkpoint -> resume, on the same and on other rank counts.
// A run is stopped (stop flag set, as by SIGTERM) at the first frame after it starts, so a chain of
// runs advances one frame per link; links alternate between communicators of different sizes (the
// world and one rank; on 4 ranks also two ranks). The final dataset is compared with an uninterrupted
// one-rank run: with the full list (newton = false) the trajectory is rank-count invariant, so every
// dataset (per-atom data, partial forces, steps, times, T0, and the observables, which are summed in
// global-id order) must be bitwise equal. One link stops exactly at the last step of a trajectory (boundary).
// Also: the checkpoint is removed on completion, no .tmp is left, and a checkpoint of another deck
// is refused with a message naming it.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/signals.hpp"
#include "core/stage.hpp"
#include "io/h5file.hpp"
#include "stage_folders.hpp"  // register_<folder>_stages
#include "test_support.hpp"

using namespace macrodyn;

namespace {

const char* kDeck =
    "box = 8.0\ndensity = 0.8\ntrajectories = 2\nsteps = 20\nsave_every = 10\npartial_fraction = 0.0625\n"
    "full_forces = true\nnewton = false\nseed = 7\noutput = \"lj.h5\"\n";

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Runs `simulate lj` with `deck` on comm (ranks outside it do nothing); stop: as if SIGTERM arrived.
void run_stage(MPI_Comm comm, const std::string& dir, const std::string& deck_text, bool stop) {
  StageRegistry registry;
  register_lj_stages(registry);
  test::run_stage_on(comm, registry, "simulate", "lj", dir, deck_text, stop);
}

template <class T>
size_t count_differences(const io::H5File& a, const io::H5File& b, const std::string& name, double rel_tol) {
  const std::vector<T> x = a.read_all<T>(name), y = b.read_all<T>(name);
  if (x.size() != y.size()) return x.size() + y.size() + 1;
  size_t bad = 0;
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double d = std::abs(static_cast<double>(x[i]) - static_cast<double>(y[i]));
    const double rel = d / std::max(1.0, std::abs(static_cast<double>(x[i])));
    worst = std::max(worst, rel);
    bad += rel_tol == 0 ? (x[i] != y[i]) : (rel > rel_tol);
  }
  if (bad > 0) WARN(name << ": " << bad << " values differ, largest relative difference " << worst);
  return bad;
}

// Compares the chained run's dataset with the reference (rank 0 reads both).
void compare(const std::string& chained, const std::string& reference, double observable_tol) {
  auto a = io::H5File::open_read(chained, MPI_COMM_SELF);
  auto b = io::H5File::open_read(reference, MPI_COMM_SELF);
  CHECK(a.attr_int("/", "complete") == 1);
  CHECK(a.dims("/particles/all/position/value") == io::Dims{6, 410, 3});
  for (const char* name : {"/particles/all/position/value", "/particles/all/velocity/value",
                           "/particles/all/force/value", "/particles/all/time", "/partial_forces/value",
                           "/parameters/T0", "/particles/all/box/edges"}) {
    INFO(name);
    CHECK(count_differences<double>(a, b, name, 0.0) == 0);
  }
  for (const char* name : {"/particles/all/step", "/particles/all/trajectory", "/partial_forces/index"}) {
    INFO(name);
    CHECK(count_differences<int64_t>(a, b, name, 0.0) == 0);
  }
  for (const char* o : {"temperature", "kinetic_energy", "potential_energy", "total_energy", "total_energy_shifted",
                        "pressure", "msd"}) {
    INFO(o << " (tolerance " << observable_tol << ")");
    CHECK(count_differences<double>(a, b, std::string("/observables/") + o + "/value", observable_tol) == 0);
  }
}

}  // namespace

TEST_CASE("simulate lj resumes from its checkpoint on any rank count, bitwise", "[lj][simulate][restart]") {
  const int rank = comm_rank(MPI_COMM_WORLD), size = comm_size(MPI_COMM_WORLD);
  MPI_Comm one = MPI_COMM_NULL, two = MPI_COMM_NULL;
  MPI_Comm_split(MPI_COMM_WORLD, rank == 0 ? 0 : MPI_UNDEFINED, rank, &one);
  MPI_Comm_split(MPI_COMM_WORLD, rank < 2 ? 0 : MPI_UNDEFINED, rank, &two);
  const test::ScratchDir scratch("lj_resume");
  const std::string& dir = scratch.path();
  run_stage(one, dir + "", kDeck, false);  // reference, uninterrupted, one rank
  if (rank == 0) std::rename((dir + "/lj.h5").c_str(), (dir + "/reference.h5").c_str());
  MPI_Barrier(MPI_COMM_WORLD);

  // Links: stop at (traj 0, step 10), (0, 20: end of the trajectory), (1, 10), then finish.
  std::vector<MPI_Comm> links = {MPI_COMM_WORLD, one, MPI_COMM_WORLD, one};
  if (size == 4) links = {MPI_COMM_WORLD, two, one, MPI_COMM_WORLD};
  for (size_t l = 0; l < links.size(); ++l) {
    const bool last = l + 1 == links.size();
    run_stage(links[l], dir, kDeck, !last);
    MPI_Barrier(MPI_COMM_WORLD);
    if (!last) {
      int present = rank == 0 ? exists(dir + "/lj.checkpoint.h5") : 1;
      MPI_Bcast(&present, 1, MPI_INT, 0, MPI_COMM_WORLD);
      REQUIRE(present == 1);
    }
  }
  if (rank == 0) {
    CHECK_FALSE(exists(dir + "/lj.checkpoint.h5"));  // removed on completion
    CHECK_FALSE(exists(dir + "/lj.h5.tmp"));
    compare(dir + "/lj.h5", dir + "/reference.h5", 0.0);
  }
  MPI_Barrier(MPI_COMM_WORLD);

  // Same rank count, half list (newton = true): bitwise, observables included.
  if (rank == 0) std::remove((dir + "/lj.h5").c_str());
  std::string newton_deck = kDeck;
  newton_deck.replace(newton_deck.find("newton = false"), 14, "newton = true");
  run_stage(MPI_COMM_WORLD, dir, newton_deck, false);
  if (rank == 0) std::rename((dir + "/lj.h5").c_str(), (dir + "/reference.h5").c_str());
  MPI_Barrier(MPI_COMM_WORLD);
  for (int l = 0; l < 3; ++l) run_stage(MPI_COMM_WORLD, dir, newton_deck, l < 2);
  if (rank == 0) compare(dir + "/lj.h5", dir + "/reference.h5", 0.0);
  MPI_Barrier(MPI_COMM_WORLD);

  // A checkpoint of another deck is refused, naming the checkpoint.
  run_stage(MPI_COMM_WORLD, dir, kDeck, true);
  std::string other = kDeck;
  other.replace(other.find("seed = 7"), 8, "seed = 8");
  const std::string message = test::error_of([&] { run_stage(MPI_COMM_WORLD, dir, other, false); });
  set_stop_requested(false);
  CHECK(message.find("lj.checkpoint.h5: checkpoint of another run") != std::string::npos);
  if (one != MPI_COMM_NULL) MPI_Comm_free(&one);
  if (two != MPI_COMM_NULL) MPI_Comm_free(&two);
}
