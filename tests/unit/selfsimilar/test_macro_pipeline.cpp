// Gradients of the coarse-graining pipeline (space-time conv coarse-grainer, frozen or trained macro
// dynamics, decoder) and of its autoencoding term against finite differences.
#include <catch2/catch.hpp>

#include "ca_test_data.hpp"
#include "learn/selfsimilar/ca_networks.hpp"
#include "learn/selfsimilar/macro_pipeline.hpp"
#include "nn/gradient_check.hpp"

using namespace macrodyn;
using namespace macrodyn::nn;
using namespace macrodyn::selfsimilar;

namespace {
MacroPipeline<double> make_pipeline(int N, int W, bool train_dynamics) {
  return MacroPipeline<double>(make_ca_coarse_grainer<double>(N, W, 11, false),
                               make_ca_macro_dynamics<double>(W / N, 17), make_ca_decoder<double>(N, W / N, 13),
                               train_dynamics);
}
}  // namespace

TEST_CASE("Macro pipeline backward matches finite differences (self-similar and baseline)", "[selfsimilar]") {
  for (const int N : {2, 3}) {
    for (const bool baseline : {false, true}) {
      auto pipeline = make_pipeline(N, 12, baseline);
      REQUIRE(pipeline.in_features() == size_t(N * 12));
      REQUIRE(pipeline.out_features() == size_t(N * N * (12 / N)));
      // frozen dynamics: only P and P' are trainable (2 + 2 tensors); baseline adds F's 4
      CHECK(pipeline.parameters().size() == (baseline ? 8u : 4u));
      Tensor<double> x("x", pipeline.in_features(), 3);
      fill_uniform(x, 21, 0, 0.0, 1.0);
      const auto r = gradcheck::check_backward(pipeline, x, 5);
      CHECK(r.input < 1e-6);
      INFO("N " << N << " baseline " << baseline << " worst " << r.worst_param);
      CHECK(r.params < 1e-6);
    }
  }
}

TEST_CASE("Autoencoding term: parameter gradients match finite differences", "[selfsimilar]") {
  const int N = 2, W = 8;
  auto pipeline = make_pipeline(N, W, false);
  Tensor<double> x("x", N * W, 2), target("target", N * N * (W / N), 2);
  fill_uniform(x, 31, 0, 0.0, 1.0);
  fill_uniform(target, 31, 1, 0.0, 1.0);
  // autoencode_step ADDS gradients: zero them, one call, compare with finite differences of its value.
  for (auto& p : pipeline.parameters()) {
    for (auto& q : pipeline.parameters()) Kokkos::deep_copy(q.grad, 0.0);
    pipeline.autoencode_step(x, target, 0.5, 7.0);
    const auto analytic = gradcheck::to_vector(p.grad);
    const auto fd =
        gradcheck::fd_gradient<double>([&] { return pipeline.autoencode_step(x, target, 0.5, 7.0); }, p.value, 1e-5);
    CHECK(gradcheck::relative_error(analytic, fd) < 1e-6);
  }
}

TEST_CASE("Dynamics learner (periodic conv, ReLU, 1x1 conv, softmax head) matches finite differences",
          "[selfsimilar]") {
  auto f = make_ca_macro_dynamics<double>(6, 4);
  Tensor<double> x("x", 6, 3);
  fill_uniform(x, 41, 0, 0.0, 1.0);
  const auto r = gradcheck::check_backward(*f, x, 9);
  INFO("worst " << r.worst_param);
  CHECK(r.input < 1e-6);
  CHECK(r.params < 1e-6);
}

TEST_CASE("Consistency term: parameter gradients match finite differences", "[selfsimilar]") {
  const int N = 2, W = 8;
  auto pipeline = make_pipeline(N, W, false);
  Tensor<double> x_now("x_now", N * W, 2), x_next("x_next", N * W, 2);
  fill_uniform(x_now, 51, 0, 0.0, 1.0);
  fill_uniform(x_next, 51, 1, 0.0, 1.0);
  for (auto& p : pipeline.parameters()) {
    for (auto& q : pipeline.parameters()) Kokkos::deep_copy(q.grad, 0.0);
    pipeline.consistency_step(x_now, x_next, 0.7, 5.0);
    const auto analytic = gradcheck::to_vector(p.grad);
    const auto fd = gradcheck::fd_gradient<double>([&] { return pipeline.consistency_step(x_now, x_next, 0.7, 5.0); },
                                                   p.value, 1e-5);
    INFO(p.name);
    CHECK(gradcheck::relative_error(analytic, fd) < 1e-6);
  }
}

TEST_CASE("Per-site dynamics learner on gathered windows equals the Conv1d model", "[selfsimilar]") {
  const auto data = test::make_ca_data(110, 3, 5, 10, 2);
  auto conv = make_ca_dynamics<double>(10, 8);
  auto site = make_ca_site_dynamics<double>(99);
  copy_parameters<double>(*conv, *site);
  std::vector<int64_t> ids = {0, 5, 11};
  Tensor<double> rows, rows_next, windows, windows_next, zc, zs;
  gather_micro_pairs(data, 0, to_device_ids(ids), rows, rows_next);
  gather_micro_windows(data, 0, to_device_ids(ids), windows, windows_next);
  conv->forward(rows, zc, false);
  site->forward(windows, zs, false);
  auto hc = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), zc);
  auto hs = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), zs);
  auto tn = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), rows_next);
  auto tw = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), windows_next);
  for (int b = 0; b < 3; ++b)
    for (int i = 0; i < 10; ++i) {
      CHECK(hs(0, b * 10 + i) == Approx(hc(i, b)).margin(1e-14));
      CHECK(hs(1, b * 10 + i) == Approx(hc(10 + i, b)).margin(1e-14));
      CHECK(tw(0, b * 10 + i) == tn(i, b));
    }
}
