// Invertible layers and the flow NLL: gradients vs central finite differences (including the
// log-det term), inverse(forward(x)) = x, and log|det J| vs the brute-force Jacobian.
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>

#include "nn/actnorm.hpp"
#include "nn/dense.hpp"
#include "nn/dimension_split.hpp"
#include "nn/flow.hpp"
#include "nn/flow_nll.hpp"
#include "nn/gradient_check.hpp"
#include "nn/invertible_batch_norm.hpp"
#include "nn/invertible_linear.hpp"
#include "nn/nice_coupling.hpp"
#include "nn/noisy_kernel.hpp"
#include "nn/realnvp_coupling.hpp"

using namespace macrodyn;
using namespace macrodyn::nn;
using gradcheck::fd_gradient;
using gradcheck::relative_error;
using gradcheck::to_vector;

namespace {

Tensor<double> random_input(size_t d, size_t batch, uint64_t seed) {
  Tensor<double> x("x", d, batch);
  fill_normal(x, seed, 7);
  return x;
}

// Worst relative error of backward_flow's dx and parameter gradients vs finite differences of
// <dy, f(x)> + <dc, c(x)>.
struct FlowCheck {
  double input = 0, params = 0;
};

FlowCheck check_flow_gradients(InvertibleLayer<double>& layer, const Tensor<double>& x, bool training) {
  Tensor<double> y, dx;
  layer.forward(x, y, training);
  Tensor<double> dy("dy", y.extent(0), y.extent(1)), dc("dc", 1, x.extent(1));
  fill_normal(dy, 11, 1);
  fill_normal(dc, 11, 2);
  for (auto& p : layer.parameters()) Kokkos::deep_copy(p.grad, 0.0);
  layer.forward(x, y, training);
  layer.backward_flow(dy, dc, dx);
  auto objective = [&]() {
    Tensor<double> yy;
    layer.forward(x, yy, training);
    return gradcheck::dot(dy, yy) + gradcheck::dot(dc, layer.log_det());
  };
  FlowCheck r;
  r.input = relative_error(to_vector(dx), fd_gradient<double>(objective, x, 1e-5));
  for (auto& p : layer.parameters())
    r.params = std::max(r.params, relative_error(to_vector(p.grad), fd_gradient<double>(objective, p.value, 1e-5)));
  return r;
}

double inverse_error(InvertibleLayer<double>& layer, const Tensor<double>& x) {
  Tensor<double> y, xr;
  layer.forward(x, y, false);
  layer.inverse(y, xr);
  const auto a = to_vector(x), b = to_vector(xr);
  double e = 0;
  for (size_t i = 0; i < a.size(); ++i) e = std::max(e, std::abs(a[i] - b[i]));
  return e;
}

// log|det| of a dense d x d matrix (row-major) by LU with partial pivoting.
double log_abs_det(std::vector<double> a, size_t d) {
  double s = 0;
  for (size_t k = 0; k < d; ++k) {
    size_t p = k;
    for (size_t i = k + 1; i < d; ++i)
      if (std::abs(a[i * d + k]) > std::abs(a[p * d + k])) p = i;
    for (size_t j = 0; j < d; ++j) std::swap(a[k * d + j], a[p * d + j]);
    s += std::log(std::abs(a[k * d + k]));
    for (size_t i = k + 1; i < d; ++i) {
      const double f = a[i * d + k] / a[k * d + k];
      for (size_t j = k; j < d; ++j) a[i * d + j] -= f * a[k * d + j];
    }
  }
  return s;
}

// Largest |log_det_b - log|det J_b|| with J_b from central differences of the eval-mode forward.
double log_det_error(InvertibleLayer<double>& layer, const Tensor<double>& x) {
  const size_t d = x.extent(0), B = x.extent(1);
  Tensor<double> y;
  layer.forward(x, y, false);
  const auto ld = to_vector(layer.log_det());
  auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  double worst = 0;
  const double h = 1e-6;
  for (size_t b = 0; b < B; ++b) {
    std::vector<double> jac(d * d);
    for (size_t j = 0; j < d; ++j) {
      Tensor<double> xp("xp", d, 2);
      auto xph = Kokkos::create_mirror_view(xp);
      for (size_t i = 0; i < d; ++i) xph(i, 0) = xph(i, 1) = xh(i, b);
      xph(j, 0) += h;
      xph(j, 1) -= h;
      Kokkos::deep_copy(xp, xph);
      Tensor<double> yp;
      layer.forward(xp, yp, false);
      auto yh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), yp);
      for (size_t i = 0; i < d; ++i) jac[i * d + j] = (yh(i, 0) - yh(i, 1)) / (2 * h);
    }
    worst = std::max(worst, std::abs(log_abs_det(jac, d) - ld[b]));
  }
  return worst;
}

std::shared_ptr<RealNVPCoupling<double>> realnvp(size_t d, int parity, uint64_t seed) {
  auto mask = CouplingMask::halves(d, parity);
  auto net = std::make_shared<Dense<double>>(mask.n_pass(), 2 * mask.n_act(), seed, 1);
  return std::make_shared<RealNVPCoupling<double>>(mask, net);
}

}  // namespace

TEST_CASE("RealNVP coupling: gradients, inverse, log-det", "[nn][flows]") {
  auto layer = realnvp(6, 0, 3);
  const auto x = random_input(6, 5, 1);
  const auto r = check_flow_gradients(*layer, x, true);
  CHECK(r.input < 1e-6);
  CHECK(r.params < 1e-6);
  CHECK(inverse_error(*layer, x) < 1e-10);
  CHECK(log_det_error(*layer, x) < 1e-6);
  auto odd = realnvp(5, 1, 4);
  const auto x5 = random_input(5, 4, 2);
  CHECK(check_flow_gradients(*odd, x5, true).params < 1e-6);
  CHECK(inverse_error(*odd, x5) < 1e-10);
  CHECK(log_det_error(*odd, x5) < 1e-6);
}

TEST_CASE("NICE coupling: gradients, inverse, unit volume", "[nn][flows]") {
  auto mask = CouplingMask::halves(6, 1);
  NICECoupling<double> layer(mask, std::make_shared<Dense<double>>(3, 3, 5, 1));
  const auto x = random_input(6, 4, 3);
  const auto r = check_flow_gradients(layer, x, true);
  CHECK(r.input < 1e-6);
  CHECK(r.params < 1e-6);
  CHECK(inverse_error(layer, x) < 1e-10);
  CHECK(log_det_error(layer, x) < 1e-6);
}

TEST_CASE("Invertible linear (LU): gradients, inverse, log-det", "[nn][flows]") {
  InvertibleLinear<double> layer(5, 9, 2);
  // Perturb the parameters away from the orthogonal initialisation so log|det| != 0.
  for (auto& p : layer.parameters()) {
    Tensor<double> noise("noise", p.value.extent(0), p.value.extent(1));
    fill_normal(noise, 21, p.value.extent(0) + p.value.extent(1), 0.0, 0.3);
    auto pv = p.value;
    Kokkos::parallel_for(
        p.value.size(), KOKKOS_LAMBDA(const int k) {
          pv(k % pv.extent(0), k / pv.extent(0)) += noise(k % pv.extent(0), k / pv.extent(0));
        });
  }
  const auto x = random_input(5, 4, 4);
  const auto r = check_flow_gradients(layer, x, true);
  CHECK(r.input < 1e-6);
  CHECK(r.params < 1e-6);
  CHECK(inverse_error(layer, x) < 1e-10);
  CHECK(log_det_error(layer, x) < 1e-6);
}

TEST_CASE("Invertible batch norm: train/eval gradients, inverse, log-det", "[nn][flows]") {
  InvertibleBatchNorm<double> layer(4, 0.5);
  auto lg = layer.parameters()[0].value;
  fill_normal(lg, 3, 3, 0.0, 0.5);
  fill_normal(layer.parameters()[1].value, 3, 4, 0.0, 0.5);
  auto x = random_input(4, 7, 5);
  const auto train = check_flow_gradients(layer, x, true);  // gradients through the batch statistics
  CHECK(train.input < 1e-6);
  CHECK(train.params < 1e-6);
  const auto eval = check_flow_gradients(layer, x, false);
  CHECK(eval.input < 1e-6);
  CHECK(eval.params < 1e-6);
  CHECK(inverse_error(layer, x) < 1e-10);
  CHECK(log_det_error(layer, x) < 1e-6);
  // Training mode normalises the batch: y has mean beta and std exp(log_gamma) per feature.
  Tensor<double> y;
  layer.forward(x, y, true);
  const auto yv = to_vector(y);
  const auto beta = to_vector(layer.parameters()[1].value);
  double mean0 = 0;
  for (size_t b = 0; b < 7; ++b) mean0 += yv[4 * b] / 7;
  CHECK(mean0 == Approx(beta[0]).margin(1e-12));
}

TEST_CASE("ActNorm: data-dependent init, gradients, inverse, log-det", "[nn][flows]") {
  ActNorm<double> layer(3);
  auto x = random_input(3, 6, 6);
  Tensor<double> y;
  layer.forward(x, y, true);
  CHECK(layer.initialized());
  const auto yv = to_vector(y);
  double m = 0, v = 0;
  for (size_t b = 0; b < 6; ++b) m += yv[3 * b + 1] / 6;
  for (size_t b = 0; b < 6; ++b) v += (yv[3 * b + 1] - m) * (yv[3 * b + 1] - m) / 6;
  CHECK(std::abs(m) < 1e-12);
  CHECK(v == Approx(1.0).epsilon(1e-5));
  const auto r = check_flow_gradients(layer, x, true);
  CHECK(r.input < 1e-6);
  CHECK(r.params < 1e-6);
  CHECK(inverse_error(layer, x) < 1e-10);
  CHECK(log_det_error(layer, x) < 1e-6);
}

TEST_CASE("Dimension split and noisy kernel", "[nn][flows]") {
  DimensionSplit<double> split(5, 2);
  const auto x = random_input(5, 4, 8);
  CHECK(check_flow_gradients(split, x, true).input < 1e-6);
  Tensor<double> y, xr;
  split.forward(x, y, true);
  // log-density term = log N(z; 0, I) of the three emitted dims
  const auto xv = to_vector(x);
  const auto ld = to_vector(split.log_det());
  for (size_t b = 0; b < 4; ++b) {
    double sq = 0;
    for (size_t i = 2; i < 5; ++i) sq += xv[5 * b + i] * xv[5 * b + i];
    CHECK(ld[b] == Approx(-0.5 * sq - 1.5 * std::log(2 * M_PI)).epsilon(1e-14));
  }
  split.set_inverse_latent(split.emitted());
  split.inverse(y, xr);
  CHECK(relative_error(to_vector(xr), xv) < 1e-15);

  NoisyKernel<double> noisy(3, 2, 1e-3, 5, 0);
  const auto x3 = random_input(3, 4, 9);
  Kokkos::View<uint64_t*, MemSpace> ids("ids", 4);
  Kokkos::parallel_for(4, KOKKOS_LAMBDA(const int b) { ids(b) = 100 + b; });
  noisy.set_noise_keys(ids, 7);
  CHECK(check_flow_gradients(noisy, x3, true).input < 1e-6);
  Tensor<double> yn, xn;
  noisy.forward(x3, yn, true);
  const auto ynv = to_vector(yn);
  const CounterRng rng(5, 0);
  CHECK(ynv[3] == Approx(1e-3 * rng.normal(100, 7, 0)).epsilon(1e-14));
  CHECK(ynv[5 * 3 + 4] == Approx(1e-3 * rng.normal(103, 7, 1)).epsilon(1e-14));
  noisy.inverse(yn, xn);
  CHECK(relative_error(to_vector(xn), to_vector(x3)) == 0.0);
}

TEST_CASE("Flow NLL: gradients of a composite flow vs finite differences", "[nn][flows]") {
  Flow<double> flow;
  auto noisy = std::make_shared<NoisyKernel<double>>(3, 3, 0.1, 2, 0);
  Kokkos::View<uint64_t*, MemSpace> ids("ids", 6);
  Kokkos::parallel_for(6, KOKKOS_LAMBDA(const int b) { ids(b) = b; });
  noisy->set_noise_keys(ids, 0);
  flow.add(noisy);
  flow.add(std::make_shared<InvertibleLinear<double>>(6, 3, 1));
  flow.add(realnvp(6, 0, 7));
  flow.add(std::make_shared<InvertibleBatchNorm<double>>(6));
  flow.add(realnvp(6, 1, 8));
  flow.add(std::make_shared<ActNorm<double>>(6));
  flow.add(std::make_shared<DimensionSplit<double>>(6, 2));
  const auto x = random_input(3, 6, 10);
  Tensor<double> z, dz, dc, dx;
  flow.forward(x, z, true);  // initialises ActNorm
  // Move away from ActNorm's data-dependent init, a stationary point of the NLL in (log_s, bias).
  for (auto& p : flow.parameters()) {
    Tensor<double> noise("noise", p.value.extent(0), p.value.extent(1));
    fill_normal(noise, 31, p.value.size(), 0.0, 0.1);
    auto pv = p.value;
    const int rows = static_cast<int>(pv.extent(0));
    Kokkos::parallel_for(
        static_cast<int>(pv.size()), KOKKOS_LAMBDA(const int k) { pv(k % rows, k / rows) += noise(k % rows, k / rows); });
  }
  auto loss = [&]() {
    Tensor<double> zz;
    flow.forward(x, zz, true);
    return flow_nll_value(zz, flow.log_det(), 1.0 / 6);
  };
  for (auto& p : flow.parameters()) Kokkos::deep_copy(p.grad, 0.0);
  flow.forward(x, z, true);
  const double value = flow_nll(z, flow.log_det(), 1.0 / 6, dz, dc);
  CHECK(std::isfinite(value));
  flow.backward_flow(dz, dc, dx);
  CHECK(relative_error(to_vector(dx), fd_gradient<double>(loss, x, 1e-5)) < 1e-6);
  double worst = 0;
  for (auto& p : flow.parameters()) {
    const double e = relative_error(to_vector(p.grad), fd_gradient<double>(loss, p.value, 1e-5));
    INFO(p.name << " " << e);
    CHECK(e < 1e-6);
    worst = std::max(worst, e);
  }
  CHECK(worst < 1e-6);
  CHECK(flow.parameters().size() == 3 + 2 + 2 + 2 + 2);
}

TEST_CASE("Flow inverse and split NLL equals full NLL", "[nn][flows]") {
  Flow<double> full, split;
  for (Flow<double>* f : {&full, &split}) {
    f->add(std::make_shared<InvertibleLinear<double>>(4, 1, 1));
    f->add(realnvp(4, 0, 2));
    f->add(realnvp(4, 1, 3));
  }
  split.add(std::make_shared<DimensionSplit<double>>(4, 1));
  const auto x = random_input(4, 8, 12);
  Tensor<double> zf, zs, xr;
  full.forward(x, zf, false);
  split.forward(x, zs, false);
  CHECK(flow_nll_value(zs, split.log_det(), 0.125) ==
        Approx(flow_nll_value(zf, full.log_det(), 0.125)).epsilon(1e-13));
  full.inverse(zf, xr);
  CHECK(relative_error(to_vector(xr), to_vector(x)) < 1e-10);
}

TEST_CASE("Float flows agree with double flows", "[nn][flows]") {
  auto build = [](auto tag) {
    using T = decltype(tag);
    auto flow = std::make_unique<Flow<T>>();
    flow->add(std::make_shared<InvertibleLinear<T>>(4, 2, 0));
    for (int k = 0; k < 2; ++k) {
      auto mask = CouplingMask::halves(4, k);
      flow->add(std::make_shared<RealNVPCoupling<T>>(mask, std::make_shared<Dense<T>>(2, 4, 5 + k, 0)));
    }
    flow->add(std::make_shared<ActNorm<T>>(4));
    return flow;
  };
  auto fd = build(0.0);
  auto ff = build(0.0f);
  Tensor<double> xd("xd", 4, 8), zd, xr;
  Tensor<float> xf("xf", 4, 8), zf, xrf;
  fill_normal(xd, 4, 0);
  fill_normal(xf, 4, 0);
  fd->forward(xd, zd, true);
  ff->forward(xf, zf, true);
  CHECK(flow_nll_value(zf, ff->log_det(), 0.125) == Approx(flow_nll_value(zd, fd->log_det(), 0.125)).epsilon(1e-5));
  ff->inverse(zf, xrf);
  CHECK(relative_error(to_vector(xrf), to_vector(xf)) < 1e-5);
}
