// Vicsek sweep checkpoints: a saved state restores a model that continues bit-identically, and bad
// checkpoints (wrong shapes, impossible counts or positions, another kind) are refused naming the file.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

#include "io/checkpoint.hpp"
#include "sim/vicsek/vicsek_checkpoint.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::vicsek;

TEST_CASE("a Vicsek model restored from its checkpoint continues bit-identically", "[vicsek][restart]") {
  const std::string path = "vicsek_checkpoint_test.h5";
  VicsekParams p;
  p.L = 16;
  p.rho = 0.5;
  p.eta = 1.0;
  VicsekModel a(MPI_COMM_WORLD, p);
  for (int s = 0; s < 15; ++s) a.step();
  SweepCheckpoint c;
  c.run = 0, c.step = 15, c.phi.assign(16, 0.5), c.phi_mean = {1.0}, c.phi_std = {2.0}, c.fingerprint = "test";
  save_sweep_checkpoint(path, MPI_COMM_WORLD, a, c);
  for (int s = 0; s < 10; ++s) a.step();
  const SweepCheckpoint r = load_sweep_checkpoint(path, MPI_COMM_WORLD, 1);
  CHECK(r.step == 15);
  CHECK(r.fingerprint == "test");
  CHECK(r.n_particles == a.n_particles());
  VicsekModel b(MPI_COMM_WORLD, p);  // starts at step 0; the checkpoint replaces its particles
  b.restore(r.ids, r.state, r.step);
  for (int s = 0; s < 10; ++s) b.step();
  CHECK(b.step_index() == a.step_index());
  const auto pa = a.gather(), pb = b.gather();
  REQUIRE(pa.size() == pb.size());
  int differ = 0;
  for (size_t i = 0; i < pa.size(); ++i) differ += pa[i].x != pb[i].x || pa[i].y != pb[i].y || pa[i].theta != pb[i].theta;
  CHECK(differ == 0);
  CHECK(a.order_parameter() == b.order_parameter());
  MPI_Barrier(MPI_COMM_WORLD);
  if (comm_rank(MPI_COMM_WORLD) == 0) std::remove(path.c_str());
}

TEST_CASE("bad Vicsek checkpoints are refused naming the file", "[vicsek][restart][validation]") {
  const std::string path = "vicsek_bad_checkpoint_test.h5";
  auto write = [&](const std::string& kind, uint64_t n, hsize_t rows, hsize_t cols, uint64_t step, hsize_t nphi,
                   double value) {
    io::CheckpointWriter w(path, MPI_COMM_WORLD, kind);
    const std::vector<double> particles(rows * cols, value), phi(nphi, 0.5), summary(2, 0.0);
    w.replicated_array<double>("particles", {rows, cols}, particles.data());
    w.replicated_array<double>("phi", {nphi}, phi.data());
    w.replicated_array<double>("phi_mean", {2}, summary.data());
    w.replicated_array<double>("phi_std", {2}, summary.data());
    w.counter("run", 1);
    w.counter("step", step);
    w.counter("n_particles", n);
    w.text("fingerprint", "test");
    w.commit();
  };
  auto error = [&]() { return test::error_of([&] { load_sweep_checkpoint(path, MPI_COMM_WORLD, 2); }); };
  write("vicsek_simulate", 5, 5, 4, 4, 5, 1.0);
  CHECK(error().empty());
  write("vicsek_simulate", 5, 5, 3, 4, 5, 1.0);  // (x, y, theta): the layout before headings were unit vectors
  CHECK(error().find(path + ": particles must be n_particles x 4 = 5 x 4") != std::string::npos);
  write("vicsek_simulate", 5, 5, 4, 4, 3, 1.0);
  CHECK(error().find(path + ": phi must hold step + 1 = 5 values") != std::string::npos);
  write("vicsek_simulate", 0, 5, 4, 4, 5, 1.0);
  CHECK(error().find(path + ": n_particles = 0 is not a particle count") != std::string::npos);
  write("vicsek_simulate", 5, 5, 4, 4, 5, std::nan(""));
  CHECK(error().find(path + ": particles hold 20 non-finite values") != std::string::npos);
  write("lj", 5, 5, 4, 4, 5, 1.0);
  CHECK(error().find(path + ": checkpoint of kind 'lj', expected 'vicsek_simulate'") != std::string::npos);
  MPI_Barrier(MPI_COMM_WORLD);
  if (comm_rank(MPI_COMM_WORLD) == 0) std::remove(path.c_str());
}
