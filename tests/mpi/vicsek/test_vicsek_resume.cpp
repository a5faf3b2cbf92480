// simulate vicsek: stop -> checkpoint -> resume on changing rank counts, bitwise.
// A sweep of 2 noise levels x 2 repeats (L = 12, 30 steps, lattice every 4 steps, stop polls every 6)
// is run as a chain of links, each stopped (as by SIGTERM) at its first poll, the links cycling
// through communicators of different sizes (world, one rank, and two ranks on 4). Every run file
// (/phi, /lattice, /lattice_step) and the summary (/phi_mean, /phi_std) must be bitwise those of an
// uninterrupted one-rank sweep; stops land inside runs, on lattice steps (12, 24) and at run ends
// (30; the next link then only finishes that run). The
// checkpoint is removed on completion, and a checkpoint of another deck is refused.
#include <catch2/catch.hpp>
#include <sys/stat.h>

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
    "sizes = [12]\netas = [0.5, 2.0]\nrepeats = 2\nsteps = 30\ntransient = 5\nlattice_every = 4\n"
    "stop_check_every = 6\nrho = 0.8\nseed = 3\n";
const char* kRuns[4] = {"vicsek_L12_eta0_k0", "vicsek_L12_eta0_k1", "vicsek_L12_eta1_k0", "vicsek_L12_eta1_k1"};

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Runs `simulate vicsek` with `deck` on comm (ranks outside it do nothing); stop: as if SIGTERM arrived.
void run_stage(MPI_Comm comm, const std::string& dir, const std::string& deck_text, bool stop) {
  StageRegistry registry;
  register_vicsek_stages(registry);
  test::run_stage_on(comm, registry, "simulate", "vicsek", dir, deck_text, stop);
}

bool same(const std::string& a_path, const std::string& b_path, const std::string& name) {
  auto a = io::H5File::open_read(a_path, MPI_COMM_SELF);
  auto b = io::H5File::open_read(b_path, MPI_COMM_SELF);
  return a.read_all<double>(name) == b.read_all<double>(name);  // bitwise (NaN-free data)
}

}  // namespace

TEST_CASE("simulate vicsek resumes a stopped sweep on any rank count, bitwise", "[vicsek][restart]") {
  const int rank = comm_rank(MPI_COMM_WORLD), size = comm_size(MPI_COMM_WORLD);
  MPI_Comm one = MPI_COMM_NULL, two = MPI_COMM_NULL;
  MPI_Comm_split(MPI_COMM_WORLD, rank == 0 ? 0 : MPI_UNDEFINED, rank, &one);
  MPI_Comm_split(MPI_COMM_WORLD, rank < 2 ? 0 : MPI_UNDEFINED, rank, &two);
  const test::ScratchDir scratch("vicsek_resume");
  const std::string& dir = scratch.path();
  const std::string ref = dir + "/ref";
  if (rank == 0) REQUIRE(::mkdir(ref.c_str(), 0755) == 0);
  run_stage(one, ref, kDeck, false);
  MPI_Barrier(MPI_COMM_WORLD);

  std::vector<MPI_Comm> cycle = {MPI_COMM_WORLD, one};
  if (size == 4) cycle = {MPI_COMM_WORLD, two, one};
  int links = 0, complete = 0;
  while (!complete && links < 40) {
    run_stage(cycle[links % cycle.size()], dir, kDeck, links < 20);
    ++links;
    MPI_Barrier(MPI_COMM_WORLD);
    complete = rank == 0 ? !exists(dir + "/vicsek.checkpoint.h5") : 0;
    MPI_Bcast(&complete, 1, MPI_INT, 0, MPI_COMM_WORLD);
  }
  INFO(links << " links");
  CHECK(links == 21);  // 4 runs x 30 steps, polls at steps 6, 12, ..., 30 of each: 20 stops + the last link
  if (rank == 0) {
    for (const char* run : kRuns) {
      const std::string a = dir + "/" + run + ".h5", b = ref + "/" + run + ".h5";
      INFO(run);
      CHECK(same(a, b, "/phi"));
      CHECK(same(a, b, "/lattice"));
      CHECK(same(a, b, "/lattice_step"));
      CHECK(io::H5File::open_read(a, MPI_COMM_SELF).attr_int("/", "complete") == 1);
    }
    CHECK(same(dir + "/vicsek_summary.h5", ref + "/vicsek_summary.h5", "/phi_mean"));
    CHECK(same(dir + "/vicsek_summary.h5", ref + "/vicsek_summary.h5", "/phi_std"));
  }
  MPI_Barrier(MPI_COMM_WORLD);

  // A checkpoint of another deck is refused, naming the checkpoint.
  run_stage(MPI_COMM_WORLD, dir, kDeck, true);
  std::string other = kDeck;
  other.replace(other.find("seed = 3"), 8, "seed = 4");
  const std::string message = test::error_of([&] { run_stage(MPI_COMM_WORLD, dir, other, false); });
  set_stop_requested(false);
  CHECK(message.find("vicsek.checkpoint.h5: checkpoint of another sweep") != std::string::npos);
  if (one != MPI_COMM_NULL) MPI_Comm_free(&one);
  if (two != MPI_COMM_NULL) MPI_Comm_free(&two);
}
