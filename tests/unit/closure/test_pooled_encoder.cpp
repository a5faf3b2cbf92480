// The pooled LJ encoder (pooled_encoder.hpp) and its autoencoder on one rank: Jacobian against finite
// differences of z, invariance to the atom order, Gram matrix / J f / partial columns against the dense J,
// the reduced latent forms against add_sample() on the full J, and the L_AE gradient against finite differences.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "core/rng.hpp"
#include "learn/closure/pooled_autoencoder.hpp"
#include "learn/closure/reduced_latent_targets.hpp"
#include "nn/gradient_check.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

namespace {

// Atom-major r and v of `atoms` atoms on a 2^-10 grid (so that +-2^-7 steps are exact in float).
struct Atoms {
  std::vector<float> r, v;
  LocalConfiguration view() const { return {r.data(), v.data()}; }
};

Atoms random_atoms(size_t atoms, uint64_t seed) {
  const CounterRng rng(seed, 17);
  Atoms a;
  for (size_t e = 0; e < 3 * atoms; ++e) {
    a.r.push_back(static_cast<float>(std::round((rng.uniform(e, 0) * 2 - 1) * 1024) / 1024));
    a.v.push_back(static_cast<float>(std::round((rng.uniform(e, 1) * 2 - 1) * 1024) / 1024));
  }
  return a;
}

std::shared_ptr<nn::Sequential<double>> small_net(size_t K, uint64_t seed) {
  return nn::make_mlp<double>({6, 5, 4, K}, "tanh", seed);
}

}  // namespace

TEST_CASE("pooled encoder Jacobian matches finite differences of z", "[closure]") {
  const size_t A = 7, K = 3, d = K + 1;
  PooledEncoderT<double> enc(small_net(K, 3), MPI_COMM_SELF, AtomSlice::of_rank(A, 0, 1), 3);  // chunks of 3 atoms
  Atoms x = random_atoms(A, 1);
  const auto J = enc.local_jacobian(x.view());  // d x 6A, atom-major columns
  auto z_of = [&] { return enc.statistics({x.view()}, false).z; };
  double worst = 0, scale = 0;
  for (size_t a = 0; a < A; ++a)
    for (size_t k = 0; k < 6; ++k) {
      float& c = k < 3 ? x.r[3 * a + k] : x.v[3 * a + k - 3];
      const float saved = c;
      auto central = [&](double h) {
        c = static_cast<float>(saved + h);
        const auto zp = z_of();
        c = static_cast<float>(saved - h);
        const auto zm = z_of();
        c = saved;
        std::vector<double> g(d);
        for (size_t i = 0; i < d; ++i) g[i] = (zp[i] - zm[i]) / (2 * h);
        return g;
      };
      const auto g1 = central(1.0 / 128), g2 = central(1.0 / 256);
      for (size_t i = 0; i < d; ++i) {
        const double fd = (4 * g2[i] - g1[i]) / 3;  // Richardson: O(h^4)
        worst = std::max(worst, std::abs(fd - J[i * 6 * A + 6 * a + k]));
        scale = std::max(scale, std::abs(fd));
      }
    }
  CHECK(scale > 1e-3);
  CHECK(worst / scale < 1e-7);
}

TEST_CASE("pooled encoder is invariant to the atom order", "[closure]") {
  const size_t A = 50, K = 4, d = K + 1;
  PooledEncoderT<double> enc(small_net(K, 5), MPI_COMM_SELF, AtomSlice::of_rank(A, 0, 1), 16);
  const Atoms x = random_atoms(A, 2);
  Atoms y = x;
  std::vector<size_t> perm(A);
  for (size_t a = 0; a < A; ++a) perm[a] = (a * 17 + 5) % A;  // 17 coprime to 50
  for (size_t a = 0; a < A; ++a)
    for (size_t k = 0; k < 3; ++k) y.r[3 * a + k] = x.r[3 * perm[a] + k], y.v[3 * a + k] = x.v[3 * perm[a] + k];
  const auto sx = enc.statistics({x.view()}, true), sy = enc.statistics({y.view()}, true);
  for (size_t i = 0; i < d; ++i) CHECK(sy.z[i] == Approx(sx.z[i]).epsilon(1e-12).margin(1e-14));
  for (size_t i = 0; i < d * d; ++i) CHECK(sy.gram[i] == Approx(sx.gram[i]).epsilon(1e-12).margin(1e-14));
}

TEST_CASE("pooled Gram matrix, J f and partial columns equal the dense Jacobian's", "[closure]") {
  const size_t A = 40, K = 5, d = K + 1, W = 6 * A;
  PooledEncoderT<double> enc(small_net(K, 7), MPI_COMM_SELF, AtomSlice::of_rank(A, 0, 1), 13);
  const Atoms x0 = random_atoms(A, 3), x1 = random_atoms(A, 4);
  const auto st = enc.statistics({x0.view(), x1.view()}, true);
  for (size_t b = 0; b < 2; ++b) {
    const auto J = enc.local_jacobian(b == 0 ? x0.view() : x1.view());
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) {
        double g = 0;
        for (size_t c = 0; c < W; ++c) g += J[i * W + c] * J[j * W + c];
        CHECK(st.gram[b * d * d + i * d + j] == Approx(g).epsilon(1e-12).margin(1e-15));
      }
  }
  const auto J = enc.local_jacobian(x0.view());
  std::vector<double> f(W);
  const CounterRng rng(4, 4);
  for (size_t c = 0; c < W; ++c) f[c] = rng.uniform(c, 0) - 0.5;
  const auto jf = enc.jacobian_times({x0.view()}, {f.data()});
  for (size_t i = 0; i < d; ++i) {
    double s = 0;
    for (size_t c = 0; c < W; ++c) s += J[i * W + c] * f[c];
    CHECK(jf[i] == Approx(s).epsilon(1e-12).margin(1e-15));
  }
  const std::vector<int64_t> atoms{3, 39, 0, 17};
  const auto cols = enc.jacobian_columns(x0.view(), atoms);
  for (size_t i = 0; i < d; ++i)
    for (size_t q = 0; q < atoms.size(); ++q)
      for (size_t k = 0; k < 6; ++k)
        CHECK(cols[i * 6 * atoms.size() + 6 * q + k] == Approx(J[i * W + 6 * atoms[q] + k]).epsilon(1e-14).margin(1e-16));
}

TEST_CASE("latent forms from Jacobian products equal add_sample on the full Jacobian", "[closure]") {
  const size_t d = 4, N = 30;
  const CounterRng rng(6, 1);
  std::vector<double> J(d * N), f(N);
  for (size_t e = 0; e < J.size(); ++e) J[e] = rng.uniform(e, 0) - 0.5;
  for (size_t k = 0; k < N; ++k) f[k] = rng.uniform(k, 1) - 0.5;
  const std::vector<int64_t> idx{2, 9, 9, 21, 29, 11};
  std::vector<double> fI;
  for (int64_t k : idx) fI.push_back(f[k]);
  const std::vector<float> z{0.1f, 0.2f, 0.3f, 0.4f};
  for (LatentLoss loss : {LatentLoss::Lz, LatentLoss::Lx, LatentLoss::Lxp}) {
    LatentTargets ref, red;
    ref.d = red.d = d;
    JacobianProducts p;
    p.gram.assign(d * d, 0.0), p.partial.assign(d * d, 0.0), p.jf.assign(d, 0.0);
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) {
        for (size_t k = 0; k < N; ++k) p.gram[i * d + j] += J[i * N + k] * J[j * N + k];
        for (int64_t k : idx) p.partial[i * d + j] += J[i * N + k] * J[j * N + k];
      }
    if (loss == LatentLoss::Lxp) {
      add_sample(ref, loss, z.data(), J.data(), N, fI.data(), idx.data(), idx.size());
      for (size_t i = 0; i < d; ++i)
        for (size_t q = 0; q < idx.size(); ++q) p.jf[i] += J[i * N + idx[q]] * fI[q];
      for (double v : fI) p.ff += v * v;
      p.count = static_cast<double>(idx.size());
    } else {
      add_sample(ref, loss, z.data(), J.data(), N, f.data());
      for (size_t i = 0; i < d; ++i)
        for (size_t k = 0; k < N; ++k) p.jf[i] += J[i * N + k] * f[k];
      for (double v : f) p.ff += v * v;
      p.count = static_cast<double>(N);
    }
    add_sample_from_products(red, loss, z.data(), p);
    const std::vector<double> g{0.3, -0.2, 0.5, 0.1};
    CHECK(red.loss(0, g.data()) == Approx(ref.loss(0, g.data())).epsilon(1e-12));
    for (size_t e = 0; e < d * d; ++e) CHECK(red.Q[e] == Approx(ref.Q[e]).epsilon(1e-10).margin(1e-12));
    for (size_t e = 0; e < d; ++e) CHECK(red.b[e] == Approx(ref.b[e]).epsilon(1e-10).margin(1e-12));
  }
}

TEST_CASE("pooled autoencoder L_AE gradient matches finite differences", "[closure]") {
  PooledAutoencoderSpec spec;
  spec.atoms = 12, spec.latent_dim = 4, spec.hidden = {6, 5}, spec.activation = "tanh", spec.chunk_atoms = 5;
  PooledAutoencoderT<double> ae(spec, MPI_COMM_SELF);
  const Atoms x0 = random_atoms(spec.atoms, 8), x1 = random_atoms(spec.atoms, 9), x2 = random_atoms(spec.atoms, 10);
  const std::vector<LocalConfiguration> configs{x0.view(), x1.view(), x2.view()};
  ae.set_moment_scaling(std::vector<double>(10, 0.3), std::vector<double>(10, 0.5));
  ae.set_decoder_input_scaling({0.1, 0.2, -0.1, 0.3}, {0.5, 0.25, 2.0, 0.7});
  const double lambda = 1e-3;
  auto objective = [&] {
    const auto parts = ae.batch_loss(configs, 3.0, lambda);
    return parts.reconstruction + lambda * parts.condition;
  };
  for (auto& p : ae.parameters().parameters()) Kokkos::deep_copy(p.grad, 0.0);
  const auto parts = ae.batch_loss(configs, 3.0, lambda);
  CHECK(lambda * parts.condition > 1e-3 * parts.reconstruction);  // both terms matter in the check
  auto params = ae.parameters().parameters();
  std::vector<std::vector<double>> analytic;  // before the finite differences add to the gradients
  for (auto& p : params) analytic.push_back(nn::gradcheck::to_vector(p.grad));
  for (size_t i = 0; i < params.size(); ++i) {
    const auto fd = nn::gradcheck::fd_gradient<double>(objective, params[i].value, 1e-5);
    INFO(params[i].name);
    CHECK(nn::gradcheck::relative_error(analytic[i], fd, 1e-8) < 1e-6);
  }
}
