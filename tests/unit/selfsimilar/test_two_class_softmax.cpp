// The two-class softmax head and NLL of the CA dynamics learner against finite differences.
#include <catch2/catch.hpp>
#include <cmath>

#include "learn/selfsimilar/straight_through_binarize.hpp"
#include "learn/selfsimilar/two_class_softmax.hpp"
#include "nn/gradient_check.hpp"

using namespace macrodyn;
using namespace macrodyn::nn;

TEST_CASE("TwoClassProbability is softmax(z)_1 with the finite-difference gradient", "[selfsimilar]") {
  selfsimilar::TwoClassProbability<double> head(5);
  Tensor<double> z("z", 10, 3);
  fill_normal(z, 3, 0, 0.0, 2.0);
  Tensor<double> p;
  head.forward(z, p, false);
  auto zh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), z);
  auto ph = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p);
  for (int b = 0; b < 3; ++b)
    for (int i = 0; i < 5; ++i)
      CHECK(ph(i, b) == Approx(std::exp(zh(5 + i, b)) / (std::exp(zh(i, b)) + std::exp(zh(5 + i, b)))));
  const auto r = gradcheck::check_backward(head, z, 7);
  CHECK(r.input < 1e-7);
}

TEST_CASE("two_class_nll: value, finite-difference gradient and arg-max count", "[selfsimilar]") {
  const int L = 4, B = 3;
  Tensor<double> z("z", 2 * L, B), t("t", L, B), dz;
  fill_normal(z, 5, 0, 0.0, 3.0);
  auto th = Kokkos::create_mirror_view(t);
  for (int b = 0; b < B; ++b)
    for (int i = 0; i < L; ++i) th(i, b) = (i + b) % 2;
  Kokkos::deep_copy(t, th);
  const double w = 0.25;
  const double loss = selfsimilar::two_class_nll(z, t, w, dz);
  auto zh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), z);
  double expect = 0;
  long correct = 0;
  for (int b = 0; b < B; ++b)
    for (int i = 0; i < L; ++i) {
      const double z0 = zh(i, b), z1 = zh(L + i, b);
      const double lse = std::log(std::exp(z0) + std::exp(z1));
      expect += w * (lse - (th(i, b) > 0.5 ? z1 : z0));
      correct += ((z1 > z0) == (th(i, b) > 0.5)) ? 1 : 0;
    }
  CHECK(loss == Approx(expect).epsilon(1e-12));
  CHECK(selfsimilar::two_class_correct(z, t) == correct);
  Tensor<double> scratch;
  const auto fd = gradcheck::fd_gradient<double>([&] { return selfsimilar::two_class_nll(z, t, w, scratch); }, z, 1e-5);
  CHECK(gradcheck::relative_error(gradcheck::to_vector(dz), fd) < 1e-8);
}

TEST_CASE("StraightThroughBinarize thresholds at 1/2 and passes gradients through", "[selfsimilar]") {
  selfsimilar::StraightThroughBinarize<double> bin(4);
  Tensor<double> x("x", 4, 2), y, dy("dy", 4, 2), dx;
  fill_uniform(x, 9, 0, 0.0, 1.0);
  fill_normal(dy, 9, 1);
  bin.forward(x, y, true);
  bin.backward(dy, dx);
  auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  auto yh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), y);
  auto dyh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), dy);
  auto dxh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), dx);
  for (int b = 0; b < 2; ++b)
    for (int i = 0; i < 4; ++i) {
      CHECK(yh(i, b) == (xh(i, b) > 0.5 ? 1.0 : 0.0));
      CHECK(dxh(i, b) == dyh(i, b));
    }
}
