// Closure on 1, 2 and 4 ranks: (1) the per-sample quadratic form of L_x / L_x,p equals the loss with
// J^+ applied by the PETSc pseudo-inverse with J's columns distributed over the ranks; (2) the
// autoencoder and latent train stages give the 1-rank result (compared with the same deck on
// MPI_COMM_SELF) up to float summation round-off of the gradient allreduce.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/rng.hpp"
#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "learn/closure/latent_targets.hpp"
#include "linalg/jacobian_pseudo_inverse.hpp"
#include "stage_folders.hpp"  // register_<folder>_stages
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

TEST_CASE("L_x and L_x,p quadratic forms equal the distributed pseudo-inverse's losses", "[closure][mpi]") {
  const int P = comm_size(MPI_COMM_WORLD), r = comm_rank(MPI_COMM_WORLD);
  const size_t d = 4, N = 41;
  const CounterRng rng(3, 5);
  std::vector<double> J(d * N), f(N), g(d);
  std::vector<float> z(d, 0.0f);
  for (size_t e = 0; e < J.size(); ++e) J[e] = rng.uniform(e, 0) - 0.5;
  for (size_t k = 0; k < N; ++k) f[k] = rng.uniform(k, 1) - 0.5;
  for (size_t i = 0; i < d; ++i) g[i] = rng.uniform(i, 2) - 0.5;
  const size_t lo = N * r / P, hi = N * (r + 1) / P;
  std::vector<double> local(d * (hi - lo));
  for (size_t i = 0; i < d; ++i)
    for (size_t c = lo; c < hi; ++c) local[i * (hi - lo) + (c - lo)] = J[i * N + c];
  linalg::JacobianPseudoInverse pinv(MPI_COMM_WORLD, static_cast<int>(d), static_cast<long>(hi - lo));
  pinv.set_local_block(local.data());
  std::vector<double> y(hi - lo);
  pinv.apply(g.data(), y.data());
  const std::vector<int64_t> idx{0, 5, 5, 17, 33, 40, 22};
  double sums[2] = {0, 0};
  for (size_t c = lo; c < hi; ++c) sums[0] += std::pow(f[c] - y[c - lo], 2);
  for (int64_t k : idx)
    if (static_cast<size_t>(k) >= lo && static_cast<size_t>(k) < hi) sums[1] += std::pow(f[k] - y[k - lo], 2);
  MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  LatentTargets lx, lxp;
  lx.d = lxp.d = d;
  add_sample(lx, LatentLoss::Lx, z.data(), J.data(), N, f.data());
  std::vector<double> fI;
  for (int64_t k : idx) fI.push_back(f[k]);
  add_sample(lxp, LatentLoss::Lxp, z.data(), J.data(), N, fI.data(), idx.data(), idx.size());
  CHECK(lx.loss(0, g.data()) == Approx(sums[0] / N).epsilon(1e-10));
  CHECK(lxp.loss(0, g.data()) == Approx(sums[1] / idx.size()).epsilon(1e-10));
}

TEST_CASE("closure train stages do not depend on the rank count", "[closure][mpi]") {
  StageRegistry registry;
  register_predator_prey_stages(registry);
  register_closure_stages(registry);
  const std::string sim =
      "kind = 'simulate'\nsystem = 'predator_prey'\nconvention = 'reference'\ntrajectories = 3\nt_final = 4.9\n"
      "seed = 2\nsave_forces = true\npartial_fraction = 0.2\noutput = 'train.h5'\n";
  const auto scratch = test::run_on_world_and_self(registry, sim, "closure");
  const std::string& dir = scratch.path();
  // The remaining stages read train.h5 from the same directory (and ref/ for the 1-rank run).
  auto run_both = [&](const std::string& text) {
    {
      auto deck = Deck::from_string(text, "test");
      RunContext world;
      world.run_dir = dir;
      registry.create(deck.root())->run(world);
    }
    if (comm_rank(MPI_COMM_WORLD) == 0) {
      auto deck = Deck::from_string(text, "test");
      RunContext self;
      self.comm = MPI_COMM_SELF;
      self.run_dir = dir + "/ref";
      registry.create(deck.root())->run(self);
    }
    MPI_Barrier(MPI_COMM_WORLD);
  };
  run_both("kind = 'train'\nmethod = 'closure'\nphase = 'autoencoder'\nepochs = 2\nbatch_size = 32\n"
           "learning_rate = 1e-3\nlambda_cond = 1e-3\n");
  run_both("kind = 'train'\nmethod = 'closure'\nphase = 'latent'\nloss = 'L_x,p'\nepochs = 3\nbatch_size = 32\n");
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    auto a = io::H5File::open_read(dir + "/closure_autoencoder.h5", MPI_COMM_SELF);
    auto b = io::H5File::open_read(dir + "/ref/closure_autoencoder.h5", MPI_COMM_SELF);
    const auto ra = a.read_all<double>("/loss/reconstruction"), rb = b.read_all<double>("/loss/reconstruction");
    const auto ca = a.read_all<double>("/loss/condition"), cb = b.read_all<double>("/loss/condition");
    REQUIRE(ra.size() == 2);
    for (size_t e = 0; e < 2; ++e) {
      CHECK(ra[e] == Approx(rb[e]).epsilon(1e-4));
      CHECK(ca[e] == Approx(cb[e]).epsilon(1e-4));
    }
    auto la = io::H5File::open_read(dir + "/closure_latent.h5", MPI_COMM_SELF);
    auto lb = io::H5File::open_read(dir + "/ref/closure_latent.h5", MPI_COMM_SELF);
    CHECK(la.attr_double("/", "final_loss") == Approx(lb.attr_double("/", "final_loss")).epsilon(1e-3));
    CHECK(la.attr_int("/", "configurations") == 150);
  }
}
