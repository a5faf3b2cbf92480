// Residual flow block (invertible ResNet): gradients (with the exact log-det term) vs central
// differences, fixed-point inverse, log|det J| vs the brute-force Jacobian, Lipschitz bound after
// every optimizer step, save/load.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>

#include "io/h5file.hpp"
#include "nn/adam.hpp"
#include "nn/gradient_check.hpp"
#include "nn/model_io.hpp"
#include "nn/parameter_init.hpp"
#include "nn/residual_flow.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::nn;
using gradcheck::fd_gradient;
using gradcheck::relative_error;
using gradcheck::to_vector;

namespace {

Tensor<double> input(size_t d, size_t b, uint64_t seed) {
  Tensor<double> x("x", d, b);
  fill_normal(x, seed, 3);
  return x;
}

double lu_log_abs_det(std::vector<double> a, size_t d) {
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

}  // namespace

TEST_CASE("Residual flow: gradients of <dy, y> + <dc, log det> vs finite differences", "[nn][flows][residual]") {
  ResidualFlowBlock<double> block(4, 7, 0.8, 5, 1);
  const auto x = input(4, 5, 1);
  Tensor<double> y, dx, dy("dy", 4, 5), dc("dc", 1, 5);
  fill_normal(dy, 2, 1);
  fill_normal(dc, 2, 2);
  for (auto& p : block.parameters()) Kokkos::deep_copy(p.grad, 0.0);
  block.forward(x, y, true);
  block.backward_flow(dy, dc, dx);
  auto objective = [&]() {
    Tensor<double> yy;
    block.forward(x, yy, true);
    return gradcheck::dot(dy, yy) + gradcheck::dot(dc, block.log_det());
  };
  CHECK(relative_error(to_vector(dx), fd_gradient<double>(objective, x, 1e-5)) < 1e-7);
  for (auto& p : block.parameters())
    CHECK(relative_error(to_vector(p.grad), fd_gradient<double>(objective, p.value, 1e-5)) < 1e-7);
}

TEST_CASE("Residual flow: fixed-point inverse and exact log-det", "[nn][flows][residual]") {
  const size_t d = 6, B = 8;
  ResidualFlowBlock<double> block(d, 16, 0.9, 7, 2);
  const auto x = input(d, B, 3);
  Tensor<double> y, back;
  block.forward(x, y, false);
  const auto ld = to_vector(block.log_det());
  block.inverse(y, back);
  const auto a = to_vector(x), b = to_vector(back);
  double err = 0;
  for (size_t i = 0; i < a.size(); ++i) err = std::max(err, std::abs(a[i] - b[i]));
  CHECK(err < 1e-11);
  CHECK(block.last_inverse_iterations() < 200);
  auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  double worst = 0;
  for (size_t col = 0; col < B; ++col) {
    std::vector<double> jac(d * d);
    for (size_t j = 0; j < d; ++j) {
      Tensor<double> xp("xp", d, 2), yp;
      auto h = Kokkos::create_mirror_view(xp);
      for (size_t i = 0; i < d; ++i) h(i, 0) = h(i, 1) = xh(i, col);
      h(j, 0) += 1e-6;
      h(j, 1) -= 1e-6;
      Kokkos::deep_copy(xp, h);
      block.forward(xp, yp, false);
      const auto v = to_vector(yp);
      for (size_t i = 0; i < d; ++i) jac[i * d + j] = (v[i] - v[d + i]) / 2e-6;
    }
    worst = std::max(worst, std::abs(lu_log_abs_det(jac, d) - ld[col]));
  }
  CHECK(worst < 1e-7);
}

TEST_CASE("Residual flow: Lipschitz bound holds after every optimizer step", "[nn][flows][residual]") {
  const double c = 0.7;
  ResidualFlowBlock<double> block(3, 12, c, 9, 3);
  Adam<double> opt(block.parameters(), 0.2);  // a large step pushes the weights past the bound
  const auto x = input(3, 16, 4);
  Tensor<double> y, dx, dy("dy", 3, 16), dc("dc", 1, 16);
  fill_normal(dy, 4, 1);
  Kokkos::deep_copy(dc, -1.0);
  bool exceeded_before_projection = false;
  for (int step = 0; step < 20; ++step) {
    opt.zero_grad();
    block.forward(x, y, true);
    block.backward_flow(dy, dc, dx);
    opt.step();
    double before = 1;
    for (double s : block.spectral_norms()) before *= s;
    exceeded_before_projection = exceeded_before_projection || before > c;
    block.project_lipschitz();
    double lip = 1;
    for (double s : block.spectral_norms()) lip *= s;
    REQUIRE(lip <= c * (1 + 1e-8));
  }
  CHECK(exceeded_before_projection);
}

TEST_CASE("Residual flow: save and load", "[nn][flows][residual]") {
  const test::ScratchDir dir("residual_flow");
  const std::string path = dir.path() + "/block.h5";
  ResidualFlowBlock<double> a(5, 9, 0.85, 11, 4), b(5, 9, 0.85, 12, 4);
  save_model_file(path, MPI_COMM_SELF, a);
  load_model_file(path, MPI_COMM_SELF, b);
  const auto x = input(5, 4, 6);
  Tensor<double> ya, yb;
  a.forward(x, ya, false);
  b.forward(x, yb, false);
  CHECK(to_vector(ya) == to_vector(yb));
  CHECK(to_vector(a.log_det()) == to_vector(b.log_det()));
}

namespace {

// log|det| of the block's Jacobian per column by central differences of forward + LU.
std::vector<double> brute_force_log_det(ResidualFlowBlock<double>& block, const Tensor<double>& x) {
  const size_t d = x.extent(0), B = x.extent(1);
  auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  std::vector<double> out;
  for (size_t col = 0; col < B; ++col) {
    std::vector<double> jac(d * d);
    Tensor<double> xp("xp", d, 2 * d), yp;
    auto h = Kokkos::create_mirror_view(xp);
    for (size_t j = 0; j < d; ++j)
      for (size_t i = 0; i < d; ++i) {
        h(i, 2 * j) = xh(i, col) + (i == j ? 1e-6 : 0.0);
        h(i, 2 * j + 1) = xh(i, col) - (i == j ? 1e-6 : 0.0);
      }
    Kokkos::deep_copy(xp, h);
    block.forward(xp, yp, false);
    const auto v = to_vector(yp);
    for (size_t j = 0; j < d; ++j)
      for (size_t i = 0; i < d; ++i) jac[i * d + j] = (v[2 * j * d + i] - v[(2 * j + 1) * d + i]) / 2e-6;
    out.push_back(lu_log_abs_det(jac, d));
  }
  return out;
}

}  // namespace

TEST_CASE("Residual flow power series: converged series equals the exact log-det and its gradients",
          "[nn][flows][residual]") {
  // Same weights (same seed and stream); basis probes make each trace exact, 40 terms at
  // Lip(g) <= 0.5 leave a truncation error below 6 * 0.5^41 / 41.
  ResidualLogDet series;
  series.terms = 40;
  series.basis_probes = true;
  ResidualFlowBlock<double> exact(6, 10, 0.5, 21, 2), approx(6, 10, 0.5, 21, 2, series);
  const auto x = input(6, 7, 8);
  Tensor<double> ye, ya, dxe, dxa, dy("dy", 6, 7), dc("dc", 1, 7);
  fill_normal(dy, 8, 1);
  fill_normal(dc, 8, 2);
  for (auto* b : {&exact, &approx})
    for (auto& p : b->parameters()) Kokkos::deep_copy(p.grad, 0.0);
  exact.forward(x, ye, true);
  approx.forward(x, ya, true);
  CHECK(to_vector(ye) == to_vector(ya));
  const auto le = to_vector(exact.log_det()), la = to_vector(approx.log_det());
  double worst = 0, size = 0;
  for (size_t b = 0; b < le.size(); ++b) {
    worst = std::max(worst, std::abs(le[b] - la[b]));
    size = std::max(size, std::abs(le[b]));
  }
  CHECK(size > 1e-3);  // a log-det that is not trivially 0
  CHECK(worst < 1e-10);
  exact.backward_flow(dy, dc, dxe);
  approx.backward_flow(dy, dc, dxa);
  CHECK(relative_error(to_vector(dxa), to_vector(dxe)) < 1e-9);
  auto pe = exact.parameters(), pa = approx.parameters();
  REQUIRE(pe.size() == pa.size());
  for (size_t k = 0; k < pe.size(); ++k) CHECK(relative_error(to_vector(pa[k].grad), to_vector(pe[k].grad)) < 1e-9);
}

TEST_CASE("Residual flow power series: fixed truncation stays within its bound", "[nn][flows][residual]") {
  const size_t d = 5, n = 3;
  const double c = 0.6;
  ResidualLogDet series;
  series.terms = int(n);
  series.basis_probes = true;
  ResidualFlowBlock<double> exact(d, 12, c, 31, 1), approx(d, 12, c, 31, 1, series);
  const auto x = input(d, 6, 9);
  Tensor<double> y;
  exact.forward(x, y, false);
  approx.forward(x, y, false);
  const auto le = to_vector(exact.log_det()), la = to_vector(approx.log_det());
  // |tr(J^k)| <= d ||J||^k <= d c^k: the tail after n terms is at most d sum_{k>n} c^k / k.
  double bound = 0;
  for (size_t k = n + 1; k < 200; ++k) bound += double(d) * std::pow(c, double(k)) / double(k);
  double worst = 0, diff = 0;
  for (size_t b = 0; b < le.size(); ++b) {
    worst = std::max(worst, std::abs(le[b] - la[b]));
    diff += std::abs(le[b] - la[b]);
  }
  CHECK(worst <= bound);
  CHECK(diff > 0);  // truncated: not the exact value
}

TEST_CASE("Residual flow power series with Hutchinson probes above the exact limit (d = 20)",
          "[nn][flows][residual]") {
  const size_t d = 20, B = 4;
  REQUIRE(d > ResidualFlowBlock<double>::kMaxExactDim);
  CHECK_THROWS(ResidualFlowBlock<double>(d, 8, 0.5, 41, 1));  // exact log-det: refused
  ResidualLogDet series;
  series.terms = 30;
  series.probes = 4000;
  series.seed = 5;
  ResidualFlowBlock<double> block(d, 24, 0.5, 41, 1, series);
  const auto x = input(d, B, 10);
  Tensor<double> y;
  block.forward(x, y, false);
  const auto est = to_vector(block.log_det());
  const auto ref = brute_force_log_det(block, x);
  // Hutchinson with Gaussian probes: std of one probe is sqrt(2) ||log(I + J)||_F <= sqrt(2 d) * 0.7;
  // over 4000 probes that is <= 0.07; allow 4 of those.
  for (size_t b = 0; b < B; ++b) CHECK(std::abs(est[b] - ref[b]) < 0.28);
  double spread = 0;
  for (size_t b = 0; b < B; ++b) spread = std::max(spread, std::abs(ref[b] - ref[0]));
  CHECK(spread > 0);

  // Basis probes: exact traces, so the converged series equals the brute-force log-det.
  ResidualLogDet basis;
  basis.terms = 50;
  basis.basis_probes = true;
  ResidualFlowBlock<double> exact_traces(d, 24, 0.5, 41, 1, basis);
  exact_traces.forward(x, y, false);
  const auto lb = to_vector(exact_traces.log_det());
  for (size_t b = 0; b < B; ++b) CHECK(std::abs(lb[b] - ref[b]) < 1e-7);

  // Its gradients vs central differences of the (converged) estimate.
  Tensor<double> dx, dy("dy", d, B), dc("dc", 1, B);
  fill_normal(dy, 11, 1);
  fill_normal(dc, 11, 2);
  for (auto& p : exact_traces.parameters()) Kokkos::deep_copy(p.grad, 0.0);
  exact_traces.forward(x, y, true);
  exact_traces.backward_flow(dy, dc, dx);
  auto objective = [&]() {
    Tensor<double> yy;
    exact_traces.forward(x, yy, true);
    return gradcheck::dot(dy, yy) + gradcheck::dot(dc, exact_traces.log_det());
  };
  CHECK(relative_error(to_vector(dx), fd_gradient<double>(objective, x, 1e-5)) < 1e-7);
  auto params = exact_traces.parameters();
  CHECK(relative_error(to_vector(params[0].grad), fd_gradient<double>(objective, params[0].value, 1e-5)) < 1e-7);
  CHECK(relative_error(to_vector(params.back().grad), fd_gradient<double>(objective, params.back().value, 1e-5)) <
        1e-7);
}
