// The pooled encoder with its atoms split over 1, 2 and 4 ranks: z and the Gram matrix equal the 1-rank result
// and the PETSc Gram matrix of the same (distributed) Jacobian columns; the rows of J^+ on partial-force atoms
// (partial columns + reduced Gram matrix) equal PETSc's pseudo-inverse; the L_AE gradient summed over ranks
// equals the 1-rank gradient; the pooled train and evaluate stages give the 1-rank results.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/config.hpp"
#include "core/rng.hpp"
#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "learn/closure/latent_targets.hpp"
#include "learn/closure/pooled_autoencoder.hpp"
#include "linalg/jacobian_pseudo_inverse.hpp"
#include "nn/gradient_check.hpp"
#include "stage_folders.hpp"  // register_<folder>_stages
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

namespace {

struct Atoms {
  std::vector<float> r, v;
  // The atoms of `slice` (pointers into the full arrays).
  LocalConfiguration view(const AtomSlice& s) const { return {r.data() + 3 * s.first, v.data() + 3 * s.first}; }
};

Atoms random_atoms(size_t atoms, uint64_t seed) {
  const CounterRng rng(seed, 23);
  Atoms a;
  for (size_t e = 0; e < 3 * atoms; ++e) {
    a.r.push_back(static_cast<float>(rng.uniform(e, 0) * 2 - 1));
    a.v.push_back(static_cast<float>(rng.uniform(e, 1) * 2 - 1));
  }
  return a;
}

}  // namespace

TEST_CASE("pooled encoder: z, Gram matrix and J^+ rows do not depend on the rank count", "[closure][mpi]") {
  const int P = comm_size(MPI_COMM_WORLD), r = comm_rank(MPI_COMM_WORLD);
  const size_t A = 37, K = 5, d = K + 1;
  auto net = nn::make_mlp<double>({6, 8, K}, "softplus", 11);
  const AtomSlice world = AtomSlice::of_rank(A, r, P), self = AtomSlice::of_rank(A, 0, 1);
  PooledEncoderT<double> dist(net, MPI_COMM_WORLD, world, 4), one(net, MPI_COMM_SELF, self, 4);
  const Atoms x0 = random_atoms(A, 1), x1 = random_atoms(A, 2);
  const auto sd = dist.statistics({x0.view(world), x1.view(world)}, true);
  const auto s1 = one.statistics({x0.view(self), x1.view(self)}, true);
  for (size_t e = 0; e < sd.z.size(); ++e) CHECK(sd.z[e] == Approx(s1.z[e]).epsilon(1e-13).margin(1e-15));
  for (size_t e = 0; e < sd.gram.size(); ++e) CHECK(sd.gram[e] == Approx(s1.gram[e]).epsilon(1e-13).margin(1e-15));

  // PETSc: the same columns (atom-major: atom a -> columns 6a..6a+5), this rank's atoms' columns local.
  const auto Jloc = dist.local_jacobian(x0.view(world));
  linalg::JacobianPseudoInverse pinv(MPI_COMM_WORLD, static_cast<int>(d), static_cast<long>(6 * world.count));
  pinv.set_local_block(Jloc.data());
  for (size_t e = 0; e < d * d; ++e) CHECK(sd.gram[e] == Approx(pinv.gram()[e]).epsilon(1e-12).margin(1e-15));

  // J^+ g on the partial-force atoms: (J_I)^T G^{-1} g from the reduced pieces vs PETSc's y = J^+ g.
  const std::vector<int64_t> atoms{0, 36, 18, 5, 18};
  const auto JI = dist.jacobian_columns(x0.view(world), atoms);  // d x 6m, replicated
  const std::vector<double> g{0.4, -0.3, 0.2, 0.1, -0.5, 0.25};
  std::vector<double> y(6 * world.count);
  pinv.apply(g.data(), y.data());
  const std::vector<double> G(sd.gram.begin(), sd.gram.begin() + d * d);
  const auto Gi = spd_inverse(G, d);
  const size_t W = 6 * atoms.size();
  size_t compared = 0;
  for (size_t q = 0; q < atoms.size(); ++q) {
    const size_t a = static_cast<size_t>(atoms[q]);
    if (a < world.first || a >= world.first + world.count) continue;
    for (size_t k = 0; k < 6; ++k) {
      double v = 0;
      for (size_t i = 0; i < d; ++i)
        for (size_t j = 0; j < d; ++j) v += JI[i * W + 6 * q + k] * Gi[i * d + j] * g[j];
      CHECK(v == Approx(y[6 * (a - world.first) + k]).epsilon(1e-10).margin(1e-12));
      ++compared;
    }
  }
  long total = static_cast<long>(compared);
  MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  CHECK(total == static_cast<long>(W));
}

TEST_CASE("pooled autoencoder gradient summed over ranks equals the 1-rank gradient", "[closure][mpi]") {
  const int P = comm_size(MPI_COMM_WORLD), r = comm_rank(MPI_COMM_WORLD);
  PooledAutoencoderSpec spec;
  spec.atoms = 29, spec.latent_dim = 5, spec.hidden = {7, 6}, spec.chunk_atoms = 6;
  PooledAutoencoderT<double> dist(spec, MPI_COMM_WORLD), one(spec, MPI_COMM_SELF);
  const AtomSlice world = AtomSlice::of_rank(spec.atoms, r, P), self = AtomSlice::of_rank(spec.atoms, 0, 1);
  const Atoms x0 = random_atoms(spec.atoms, 3), x1 = random_atoms(spec.atoms, 4);
  std::vector<std::vector<double>> grads(2);
  double losses[2][2];
  int which = 0;
  for (auto* ae : {&dist, &one}) {
    const AtomSlice& s = which == 0 ? world : self;
    for (auto& p : ae->parameters().parameters()) Kokkos::deep_copy(p.grad, 0.0);
    const auto parts = ae->batch_loss({x0.view(s), x1.view(s)}, 2.0, 1e-3);
    losses[which][0] = parts.reconstruction, losses[which][1] = parts.condition;
    for (auto& p : ae->parameters().parameters()) {
      auto v = nn::gradcheck::to_vector(p.grad);
      if (which == 0) MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
      grads[which].insert(grads[which].end(), v.begin(), v.end());
    }
    ++which;
  }
  CHECK(losses[0][0] == Approx(losses[1][0]).epsilon(1e-12));
  CHECK(losses[0][1] == Approx(losses[1][1]).epsilon(1e-10));
  CHECK(nn::gradcheck::relative_error(grads[0], grads[1]) < 1e-10);
}

TEST_CASE("pooled closure stages (autoencoder, L_x,p, L_z, evaluate) do not depend on the rank count",
          "[closure][mpi]") {
  StageRegistry registry;
  register_lj_stages(registry);
  register_closure_stages(registry);
  const std::string sim =
      "kind = 'simulate'\nsystem = 'lj'\nlattice = 'sc_random'\nbox = 8.0\ndensity = 0.8\ntrajectories = 3\n"
      "steps = 20\nsave_every = 2\ndt = 0.001\nseed = 1\npartial_atoms = 4\nfull_forces = true\noutput = 'train.h5'\n";
  const auto scratch = test::run_on_world_and_self(registry, sim, "closure_pooled");
  const std::string& dir = scratch.path();
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
  run_both("kind = 'train'\nmethod = 'closure'\nphase = 'autoencoder'\nencoder = 'pooled'\nlatent_dim = 4\n"
           "hidden = [8, 8]\nepochs = 2\nbatch_size = 16\nlearning_rate = 1e-3\nlambda_cond = 1e-5\nchunk_atoms = 30\n");
  run_both("kind = 'train'\nmethod = 'closure'\nphase = 'latent'\nloss = 'L_x,p'\nepochs = 3\nbatch_size = 16\n"
           "output = 'lxp.h5'\n");
  run_both("kind = 'train'\nmethod = 'closure'\nphase = 'latent'\nloss = 'L_z'\nepochs = 3\nbatch_size = 16\n"
           "output = 'lz.h5'\n");
  run_both("kind = 'evaluate'\nmethod = 'closure'\ndata = 'train.h5'\nmodels = ['lxp.h5', 'lz.h5']\ndt = 0.001\n");
  if (comm_rank(MPI_COMM_WORLD) == 0) {
    auto a = io::H5File::open_read(dir + "/closure_autoencoder.h5", MPI_COMM_SELF);
    auto b = io::H5File::open_read(dir + "/ref/closure_autoencoder.h5", MPI_COMM_SELF);
    CHECK(a.attr_string("/autoencoder", "encoder") == "pooled");
    const auto ra = a.read_all<double>("/loss/reconstruction"), rb = b.read_all<double>("/loss/reconstruction");
    const auto ca = a.read_all<double>("/loss/condition"), cb = b.read_all<double>("/loss/condition");
    REQUIRE(ra.size() == 2);
    for (size_t e = 0; e < 2; ++e) {
      CHECK(ra[e] == Approx(rb[e]).epsilon(1e-4));
      CHECK(ca[e] == Approx(cb[e]).epsilon(1e-3));
    }
    for (const char* name : {"/lxp.h5", "/lz.h5"}) {
      auto la = io::H5File::open_read(dir + name, MPI_COMM_SELF);
      auto lb = io::H5File::open_read(dir + "/ref" + name, MPI_COMM_SELF);
      CHECK(la.attr_double("/", "final_loss") == Approx(lb.attr_double("/", "final_loss")).epsilon(1e-3));
    }
    auto ea = io::H5File::open_read(dir + "/closure_evaluation.h5", MPI_COMM_SELF);
    auto eb = io::H5File::open_read(dir + "/ref/closure_evaluation.h5", MPI_COMM_SELF);
    const auto xa = ea.read_all<double>("/mean_relative_error"), xb = eb.read_all<double>("/mean_relative_error");
    REQUIRE(xa.size() == 2);
    for (size_t m = 0; m < 2; ++m) {
      CHECK(std::isfinite(xa[m]));
      CHECK(xa[m] == Approx(xb[m]).epsilon(1e-2));
    }
  }
}
