// MacroNet model: loss gradients vs finite differences (shared and separate flows, with noisy
// kernels), inverse of the whole phi_u stack in eval mode, log-det of the stack vs the brute-force
// Jacobian, conditional sampling round trip, model file round trip, Spearman correlation.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>

#include "core/config.hpp"
#include "learn/macronet/macronet_loss.hpp"
#include "learn/macronet/macronet_model_file.hpp"
#include "learn/macronet/pair_dataset.hpp"
#include "learn/macronet/rank_correlation.hpp"
#include "nn/gradient_check.hpp"
#include "nn/parameter_init.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::macronet;
using nn::Tensor;
using nn::gradcheck::fd_gradient;
using nn::gradcheck::relative_error;
using nn::gradcheck::to_vector;

namespace {

FlowSpec small_spec(long in_dim, long noise, long keep, long blocks = 2) {
  FlowSpec s;
  s.in_dim = in_dim;
  s.noise_dims = noise;
  s.noise_sigma = 0.05;  // larger than the default so that the noise dims matter in the check
  s.blocks = blocks;
  s.hidden = 6;
  s.keep = keep;
  s.activation = "tanh";
  s.seed = 3;
  return s;
}

Tensor<double> random_batch(size_t d, size_t b, uint64_t seed) {
  Tensor<double> x("x", d, b);
  nn::fill_normal(x, seed, 1);
  return x;
}

// Relative error of the parameter gradients of the pair loss vs central differences.
double loss_gradient_error(MacroNet<double>& net, const Tensor<double>& u, const Tensor<double>& v) {
  PairLossEvaluator<double> loss(net, 0.7);
  const std::vector<uint64_t> ids = {4, 9, 2, 7, 0, 11};
  const double w = 1.0 / double(ids.size());
  for (auto& p : net.parameters()) Kokkos::deep_copy(p.grad, 0.0);
  loss(u, v, ids, 100, 5, w, true);
  auto value = [&]() { return loss(u, v, ids, 100, 5, w, false).total; };
  // Norm-wise over all parameters: the shift of a batch norm followed by another batch norm has an
  // exactly zero gradient, so per-tensor relative errors would only measure round-off.
  std::vector<double> analytic, reference;
  for (auto& p : net.parameters()) {
    for (double g : to_vector(p.grad)) analytic.push_back(g);
    for (double g : fd_gradient<double>(value, p.value, 1e-5)) reference.push_back(g);
  }
  const double worst = relative_error(analytic, reference);
  return worst;
}

// Runs a few training-mode forwards so that the batch-norm running statistics are not the identity.
void warm_statistics(MacroNet<double>& net, const Tensor<double>& u, const Tensor<double>& v) {
  PairLossEvaluator<double> loss(net, 0.5);
  std::vector<uint64_t> ids(u.extent(1));
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = i;
  for (int k = 0; k < 30; ++k) loss(u, v, ids, 1000, uint32_t(k), 1.0, false);
}

}  // namespace

TEST_CASE("MacroNet loss gradients match finite differences", "[macronet]") {
  SECTION("shared weights with a noisy kernel") {
    MacroNet<double> net(small_spec(2, 2, 1), small_spec(2, 2, 1), true);
    const auto u = random_batch(2, 6, 1), v = random_batch(2, 6, 2);
    CHECK(loss_gradient_error(net, u, v) < 1e-6);
  }
  SECTION("one-sided: phi_v a free-form CNN") {
    FlowSpec cnn;
    cnn.network = "cnn";
    cnn.in_dim = 3 * 8 * 8;
    cnn.shape = {3, 8, 8};
    cnn.channels = {2, 3};
    cnn.keep = 2;
    cnn.seed = 4;
    MacroNet<double> net(small_spec(3, 1, 2), cnn, false);
    REQUIRE(net.one_sided());
    const auto u = random_batch(3, 6, 3), v = random_batch(3 * 8 * 8, 6, 4);
    CHECK(loss_gradient_error(net, u, v) < 1e-6);
  }
  SECTION("separate phi_u, phi_v of different widths") {
    MacroNet<double> net(small_spec(3, 1, 2), small_spec(5, 0, 2), false);
    const auto u = random_batch(3, 6, 3), v = random_batch(5, 6, 4);
    CHECK(loss_gradient_error(net, u, v) < 1e-6);
  }
}

TEST_CASE("MacroNet stack: eval-mode inverse and log-det of the whole phi_u", "[macronet]") {
  MacroNet<double> net(small_spec(4, 0, 2, 3), small_spec(4, 0, 2, 3), true);
  const auto u = random_batch(4, 16, 5), v = random_batch(4, 16, 6);
  warm_statistics(net, u, v);
  auto& phi = net.phi_u();
  Tensor<double> beta, back;
  phi.flow->forward(u, beta, false);
  const auto c = to_vector(phi.flow->log_det());
  Tensor<double> z("z", phi.split->emitted().extent(0), phi.split->emitted().extent(1));
  Kokkos::deep_copy(z, phi.split->emitted());
  const auto zv = to_vector(z);
  // Exact inverse with the emitted latent.
  phi.split->set_inverse_latent(z);
  phi.flow->inverse(beta, back);
  const auto a = to_vector(u), b = to_vector(back);
  double err = 0;
  for (size_t i = 0; i < a.size(); ++i) err = std::max(err, std::abs(a[i] - b[i]));
  CHECK(err < 1e-10);
  // log|det d(beta, z)/du| = c - log N(z) vs the central-difference Jacobian of u -> (beta, z).
  const size_t d = 4, B = 16;
  auto uh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u);
  double worst = 0;
  for (size_t col = 0; col < B; ++col) {
    std::vector<double> jac(d * d);
    for (size_t j = 0; j < d; ++j) {
      Tensor<double> xp("xp", d, 2), yp;
      auto h = Kokkos::create_mirror_view(xp);
      for (size_t i = 0; i < d; ++i) h(i, 0) = h(i, 1) = uh(i, col);
      h(j, 0) += 1e-6;
      h(j, 1) -= 1e-6;
      Kokkos::deep_copy(xp, h);
      phi.flow->forward(xp, yp, false);
      const auto y = to_vector(yp), e = to_vector(phi.split->emitted());
      for (size_t i = 0; i < 2; ++i) jac[i * d + j] = (y[i] - y[2 + i]) / 2e-6;
      for (size_t i = 0; i < 2; ++i) jac[(2 + i) * d + j] = (e[i] - e[2 + i]) / 2e-6;
    }
    // LU log|det|
    double s = 0;
    for (size_t k = 0; k < d; ++k) {
      size_t p = k;
      for (size_t i = k + 1; i < d; ++i)
        if (std::abs(jac[i * d + k]) > std::abs(jac[p * d + k])) p = i;
      for (size_t j = 0; j < d; ++j) std::swap(jac[k * d + j], jac[p * d + j]);
      s += std::log(std::abs(jac[k * d + k]));
      for (size_t i = k + 1; i < d; ++i) {
        const double f = jac[i * d + k] / jac[k * d + k];
        for (size_t j = k; j < d; ++j) jac[i * d + j] -= f * jac[k * d + j];
      }
    }
    const double log_normal_z = -0.5 * (zv[2 * col] * zv[2 * col] + zv[2 * col + 1] * zv[2 * col + 1]) -
                                std::log(2 * M_PI);
    worst = std::max(worst, std::abs(s - (c[col] - log_normal_z)));
  }
  CHECK(worst < 1e-6);
}

TEST_CASE("MacroNet conditional sampling returns states with the requested macrostate", "[macronet]") {
  MacroNet<double> net(small_spec(3, 0, 1, 4), small_spec(3, 0, 1, 4), true);
  const auto u = random_batch(3, 32, 7), v = random_batch(3, 32, 8);
  warm_statistics(net, u, v);
  Tensor<double> beta("beta", 1, 40), samples, back;
  nn::fill_normal(beta, 9, 1);
  net.sample_u(beta, 1.0, 0, samples);
  REQUIRE(samples.extent(0) == 3);
  net.macrostate_u(samples, back);
  const auto a = to_vector(beta), b = to_vector(back);
  double err = 0;
  for (size_t i = 0; i < a.size(); ++i) err = std::max(err, std::abs(a[i] - b[i]));
  CHECK(err < 1e-6);
  // Different latents give different microstates at the same macrostate.
  const auto s = to_vector(samples);
  CHECK(std::abs(s[0] - s[3]) + std::abs(s[1] - s[4]) > 1e-3);
}

TEST_CASE("MacroNet with a noisy kernel: deterministic encoding, samples projected onto the level set",
          "[macronet]") {
  // Two appended noise dims (sigma 0.05), D = 2 of width 5: the plain inverse's samples do not
  // encode back to beta (their noise dims are dropped); the projected ones do, to 1e-9.
  MacroNet<double> net(small_spec(3, 2, 2, 4), small_spec(3, 2, 2, 4), true);
  const auto u = random_batch(3, 64, 17), v = random_batch(3, 64, 18);
  warm_statistics(net, u, v);
  Tensor<double> a1, a2, part;
  net.macrostate_u(u, a1);
  net.macrostate_u(u, a2);
  CHECK(to_vector(a1) == to_vector(a2));
  for (double c : to_vector(net.phi_u().flow->log_det())) CHECK(std::isfinite(c));  // -log q(0) term
  // The encoding of a state does not depend on its column or on the other states of the batch.
  Tensor<double> u3("u3", 3, 3);
  {
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u);
    auto g = Kokkos::create_mirror_view(u3);
    for (size_t i = 0; i < 3; ++i)
      for (size_t b = 0; b < 3; ++b) g(i, b) = h(i, 40 + b);
    Kokkos::deep_copy(u3, g);
  }
  net.macrostate_u(u3, part);
  const auto full = to_vector(a1), few = to_vector(part);
  for (size_t b = 0; b < 3; ++b)
    for (size_t i = 0; i < 2; ++i) CHECK(few[i + 2 * b] == full[i + 2 * (40 + b)]);

  // Targets that the encoder reaches: the macrostates of 16 states, 3 samples each.
  Tensor<double> beta("beta", 2, 48), plain, projected, back_plain, back;
  {
    auto g = Kokkos::create_mirror_view(beta);
    for (size_t c = 0; c < 48; ++c)
      for (size_t i = 0; i < 2; ++i) g(i, c) = full[i + 2 * (c / 3)];
    Kokkos::deep_copy(beta, g);
  }
  net.sample_u(beta, 1.0, 0, plain, false);
  net.sample_u(beta, 1.0, 0, projected, true);
  net.macrostate_u(plain, back_plain);
  net.macrostate_u(projected, back);
  const auto b0 = to_vector(beta), bp = to_vector(back_plain), bq = to_vector(back);
  double err_plain = 0, err = 0;
  for (size_t i = 0; i < b0.size(); ++i) {
    err_plain = std::max(err_plain, std::abs(b0[i] - bp[i]));
    err = std::max(err, std::abs(b0[i] - bq[i]));
  }
  CHECK(err_plain > 1e-4);
  CHECK(err < 1e-6);
  CHECK(net.last_projection_residual() < 1e-6);
  // Samples at one target still differ (the latent z is not collapsed by the projection).
  const auto sq = to_vector(projected);
  CHECK(std::abs(sq[0] - sq[3]) + std::abs(sq[1] - sq[4]) + std::abs(sq[2] - sq[5]) > 1e-3);
}

TEST_CASE("MacroNet residual-flow stack wider than the exact log-det limit uses the power series",
          "[macronet]") {
  // in_dim 2 + 16 noise dims = 18 features > 16: the deck default is 8 power-series terms.
  auto deck = Deck::from_string(R"(
phi_u = { noise_dims = 16, blocks = 2, hidden = 8, coupling = "resflow", lipschitz = 0.5 }
phi_exact = { noise_dims = 16, blocks = 2, hidden = 8, coupling = "resflow", logdet_terms = 0 }
)", "test");
  const auto spec = FlowSpec::from_config(deck.root().table("phi_u"), 2, 1, 3);
  CHECK(spec.logdet_terms == 8);
  CHECK_THROWS(FlowSpec::from_config(deck.root().table("phi_exact"), 2, 1, 3));
  MacroNet<double> net(spec, spec, true);
  const auto u = random_batch(2, 24, 21), v = random_batch(2, 24, 22);
  warm_statistics(net, u, v);
  // Encode, then invert with the emitted latent (fixed-point inverse of each residual block).
  auto& phi = net.phi_u();
  Tensor<double> beta, back;
  phi.set_noise_keys(std::vector<uint64_t>(24, 0), 7);
  phi.flow->forward(u, beta, false);
  Tensor<double> z("z", phi.split->emitted().extent(0), phi.split->emitted().extent(1));
  Kokkos::deep_copy(z, phi.split->emitted());
  phi.split->set_inverse_latent(z);
  phi.flow->inverse(beta, back);
  const auto a = to_vector(u), b = to_vector(back);
  double err = 0;
  for (size_t i = 0; i < a.size(); ++i) err = std::max(err, std::abs(a[i] - b[i]));
  CHECK(err < 1e-9);
  // A training step's loss is finite.
  PairLossEvaluator<double> loss(net, 0.5);
  std::vector<uint64_t> ids(24);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = i;
  CHECK(std::isfinite(loss(u, v, ids, 100, 1, 1.0 / 24, true).total));
}

TEST_CASE("MacroNet model file round trip", "[macronet]") {
  const test::ScratchDir dir("macronet_unit");
  MacroNet<double> net(small_spec(2, 2, 1), small_spec(3, 0, 1), false);
  const auto u = random_batch(2, 8, 10), v = random_batch(3, 8, 11);
  warm_statistics(net, u, v);
  RunContext ctx;
  ctx.comm = MPI_COMM_SELF;
  ctx.run_dir = dir.path();
  ModelFileInfo info;
  info.u = net.phi_u().spec;
  info.v = net.phi_v().spec;
  info.gamma = 0.5;
  save_macronet(ctx.path("m.h5"), ctx, net, info);
  ModelFileInfo back;
  auto loaded = load_macronet<double>(ctx.path("m.h5"), MPI_COMM_SELF, &back);
  CHECK_FALSE(back.shared);
  CHECK(back.v.in_dim == 3);
  Tensor<double> a, b, c, d;
  net.macrostate_u(u, a);
  loaded->macrostate_u(u, b);
  net.macrostate_v(v, c);
  loaded->macrostate_v(v, d);
  CHECK(to_vector(a) == to_vector(b));
  CHECK(to_vector(c) == to_vector(d));
}

TEST_CASE("Spearman rank correlation", "[macronet]") {
  CHECK(spearman({1, 2, 3, 4}, {10, 20, 35, 100}) == Approx(1.0));
  CHECK(spearman({1, 2, 3, 4}, {4, 3, 2, 1}) == Approx(-1.0));
  // Ties get their mean rank: ranks of {1, 1, 2} are {0.5, 0.5, 2}.
  const auto r = ranks({1, 1, 2});
  CHECK(r[0] == Approx(0.5));
  CHECK(r[2] == Approx(2.0));
  CHECK(r_squared_linear({0, 1, 2, 3}, {1, 3, 5, 7}) == Approx(1.0));
}

TEST_CASE("Pair data transforms: feature selection, Gray-Scott channels, asinh scale", "[macronet]") {
  SampleMatrix m;
  m.n = 2;
  m.d = 8;
  m.shape = {2, 2, 2};
  for (int i = 0; i < 16; ++i) m.values.push_back(double(i));
  const auto sel = select_features(m, {3, 1});
  REQUIRE(sel.d == 2);
  CHECK(sel.at(1, 0) == 11.0);
  CHECK(sel.at(1, 1) == 9.0);
  const auto g = gray_scott_channels(m);
  REQUIRE(g.d == 12);
  CHECK(g.shape == std::vector<long>{3, 2, 2});
  CHECK(g.at(1, 8) == Approx(0.5 * (8.0 + 12.0)));  // sample 1: a = 8..11, b = 12..15
  CHECK(g.at(1, 4) == 12.0);
  std::vector<double> v = {-2.0, 0.0, 3.0};
  apply_scale(v, "asinh");
  CHECK(v[0] == Approx(std::asinh(-2.0)));
  CHECK(v[1] == 0.0);
  CHECK_THROWS(select_features(m, {8}));
}
