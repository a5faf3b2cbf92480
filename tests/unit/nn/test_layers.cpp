// Dense, activations, Sequential, MSE: gradients and dual passes vs central finite differences,
// and an MLP that learns sin on [-pi, pi].
#include <catch2/catch.hpp>
#include <cmath>

#include "nn/activations.hpp"
#include "nn/adam.hpp"
#include "nn/dense.hpp"
#include "nn/gradient_check.hpp"
#include "nn/mse_loss.hpp"
#include "nn/sequential.hpp"

using namespace macrodyn::nn;

namespace {
Tensor<double> random_input(size_t n, size_t B, uint64_t seed) {
  Tensor<double> x("x", n, B);
  fill_normal(x, seed, 0);
  return x;
}
}  // namespace

TEST_CASE("Dense backward and dual passes match finite differences", "[nn][dense]") {
  Dense<double> layer(5, 3, 11);
  auto x = random_input(5, 4, 1);
  auto r = gradcheck::check_backward(layer, x, 7);
  CHECK(r.input < 1e-6);
  CHECK(r.params < 1e-6);
  auto d = gradcheck::check_dual(layer, x, 3, 8);
  CHECK(d.tangent < 1e-6);
  CHECK(d.dual_input < 1e-6);
  CHECK(d.dual_tangent < 1e-6);
  CHECK(d.dual_params < 1e-6);
}

TEST_CASE("Dense backward_parameters equals backward's parameter gradient", "[nn][dense]") {
  Dense<double> a(6, 4, 3), b(6, 4, 3);
  auto x = random_input(6, 5, 2);
  Tensor<double> ya, yb, dy("dy", 4, 5), dx;
  fill_normal(dy, 9, 0);
  a.forward(x, ya, true);
  b.forward(x, yb, true);
  a.backward(dy, dx);
  b.backward_parameters(dy);
  CHECK(gradcheck::relative_error(gradcheck::to_vector(a.weight().grad), gradcheck::to_vector(b.weight().grad)) ==
        0.0);
  CHECK(gradcheck::relative_error(gradcheck::to_vector(a.bias().grad), gradcheck::to_vector(b.bias().grad)) == 0.0);
}

TEST_CASE("Activations: forward values, backward and dual passes", "[nn][activations]") {
  for (const char* name : {"tanh", "relu", "softplus", "silu", "sigmoid"}) {
    INFO(name);
    Activation<double> act(activation_kind(name), 6);
    auto x = random_input(6, 3, 4);
    Tensor<double> y;
    act.forward(x, y, true);
    auto xh = gradcheck::to_vector(x), yh = gradcheck::to_vector(y);
    for (size_t i = 0; i < xh.size(); ++i) {
      const double v = xh[i], s = 1 / (1 + std::exp(-v));
      double ref = std::string(name) == "tanh"       ? std::tanh(v)
                   : std::string(name) == "relu"     ? std::max(v, 0.0)
                   : std::string(name) == "softplus" ? std::log1p(std::exp(v))
                   : std::string(name) == "silu"     ? v * s
                                                     : s;
      CHECK(yh[i] == Approx(ref).epsilon(1e-14).margin(1e-15));
    }
    auto r = gradcheck::check_backward(act, x, 5);
    CHECK(r.input < 1e-6);
    auto d = gradcheck::check_dual(act, x, 2, 6);
    CHECK(d.tangent < 1e-6);
    CHECK(d.dual_input < 1e-6);
    CHECK(d.dual_tangent < 1e-6);
  }
  CHECK_THROWS_WITH(activation_kind("gelu"), Catch::Contains("unknown activation 'gelu'"));
}

TEST_CASE("Sequential MLP backward and dual passes match finite differences", "[nn][sequential]") {
  for (const char* name : {"tanh", "softplus", "silu"}) {
    INFO(name);
    auto net = make_mlp<double>({4, 7, 5, 3}, name, 21);
    auto x = random_input(4, 3, 12);
    auto r = gradcheck::check_backward(*net, x, 13);
    CHECK(r.input < 1e-6);
    CHECK(r.params < 1e-6);
    auto d = gradcheck::check_dual(*net, x, 2, 14);
    CHECK(d.tangent < 1e-6);
    CHECK(d.dual_input < 1e-6);
    CHECK(d.dual_tangent < 1e-6);
    CHECK(d.dual_params < 1e-6);
  }
  Sequential<double> bad;
  bad.add(std::make_shared<Dense<double>>(3, 4));
  CHECK_THROWS_WITH(bad.add(std::make_shared<Dense<double>>(5, 2)), Catch::Contains("takes 5 features"));
}

TEST_CASE("MSE loss value and gradient", "[nn][mse]") {
  auto p = random_input(3, 4, 30), t = random_input(3, 4, 31);
  Tensor<double> g;
  const double L = mse_loss(p, t, g);
  auto pv = gradcheck::to_vector(p), tv = gradcheck::to_vector(t);
  double ref = 0;
  for (size_t i = 0; i < pv.size(); ++i) ref += (pv[i] - tv[i]) * (pv[i] - tv[i]) / pv.size();
  CHECK(L == Approx(ref).epsilon(1e-14));
  auto fd = gradcheck::fd_gradient<double>([&] { return mse_value(p, t); }, p, 1e-5);
  CHECK(gradcheck::relative_error(gradcheck::to_vector(g), fd) < 1e-8);
}

TEST_CASE("An MLP fits sin on [-pi, pi] below 1e-4 MSE", "[nn][learning]") {
  const size_t n = 128;
  Tensor<double> x("x", 1, n), y("y", 1, n);
  auto xh = Kokkos::create_mirror_view(x);
  auto yh = Kokkos::create_mirror_view(y);
  for (size_t b = 0; b < n; ++b) {
    xh(0, b) = -M_PI + 2 * M_PI * (b + 0.5) / n;
    yh(0, b) = std::sin(xh(0, b));
  }
  Kokkos::deep_copy(x, xh);
  Kokkos::deep_copy(y, yh);
  auto net = make_mlp<double>({1, 32, 32, 1}, "tanh", 5);
  Adam<double> adam(net->parameters(), 1e-2);
  Tensor<double> pred, grad;
  double loss = 1;
  for (int it = 0; it < 3000 && loss > 2e-5; ++it) {
    adam.zero_grad();
    net->forward(x, pred, true);
    loss = mse_loss(pred, y, grad);
    net->backward_parameters(grad);
    adam.step();
  }
  net->forward(x, pred, false);
  CHECK(mse_value(pred, y) < 1e-4);
}

TEST_CASE("float layers agree with double layers to single precision", "[nn][float]") {
  auto nd = make_mlp<double>({5, 16, 16, 3}, "tanh", 8);
  auto nf = make_mlp<float>({5, 16, 16, 3}, "tanh", 8);
  Tensor<double> xd("xd", 5, 7), yd, gd, td("td", 3, 7);
  Tensor<float> xf("xf", 5, 7), yf, gf, tf("tf", 3, 7);
  fill_normal(xd, 1, 0);
  fill_normal(xf, 1, 0);
  fill_normal(td, 2, 0);
  fill_normal(tf, 2, 0);
  nd->forward(xd, yd, true);
  nf->forward(xf, yf, true);
  const double ld = mse_loss(yd, td, gd), lf = mse_loss(yf, tf, gf);
  CHECK(lf == Approx(ld).epsilon(1e-5));
  Tensor<double> dxd;
  Tensor<float> dxf;
  nd->backward(gd, dxd);
  nf->backward(gf, dxf);
  CHECK(gradcheck::relative_error(gradcheck::to_vector(dxf), gradcheck::to_vector(dxd)) < 1e-5);
  auto pd = nd->parameters();
  auto pf = nf->parameters();
  REQUIRE(pd.size() == pf.size());
  for (size_t i = 0; i < pd.size(); ++i)
    CHECK(gradcheck::relative_error(gradcheck::to_vector(pf[i].grad), gradcheck::to_vector(pd[i].grad)) < 1e-5);
}
