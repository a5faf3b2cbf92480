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

TEST_CASE("two_class_nll and TwoClassProbability in float agree with double, also at confident logits",
          "[selfsimilar]") {
  const int L = 8, B = 4;
  Tensor<double> zd("zd", 2 * L, B), td("td", L, B), dzd;
  Tensor<float> zf("zf", 2 * L, B), tf("tf", L, B), dzf;
  auto zh = Kokkos::create_mirror_view(zd);
  auto th = Kokkos::create_mirror_view(td);
  auto zfh = Kokkos::create_mirror_view(zf);
  auto tfh = Kokkos::create_mirror_view(tf);
  // log-odds from -40 to 40: float overflow of exp(-u) or cancellation in softplus(u) - u would show
  for (int b = 0; b < B; ++b)
    for (int i = 0; i < L; ++i) {
      const double u = -40.0 + 80.0 * (b * L + i) / (B * L - 1);
      zh(i, b) = 0.25 * i;
      zh(L + i, b) = 0.25 * i + u;
      th(i, b) = (i + b) % 2;
      zfh(i, b) = static_cast<float>(zh(i, b));
      zfh(L + i, b) = static_cast<float>(zh(L + i, b));
      tfh(i, b) = static_cast<float>(th(i, b));
    }
  Kokkos::deep_copy(zd, zh);
  Kokkos::deep_copy(td, th);
  Kokkos::deep_copy(zf, zfh);
  Kokkos::deep_copy(tf, tfh);
  const double ld = selfsimilar::two_class_nll(zd, td, 1.0, dzd);
  const double lf = selfsimilar::two_class_nll(zf, tf, 1.0, dzf);
  CHECK(lf == Approx(ld).epsilon(1e-5));
  auto gd = gradcheck::to_vector(dzd);
  const auto gf = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), dzf);
  for (size_t k = 0; k < gd.size(); ++k) CHECK(gf.data()[k] == Approx(gd[k]).margin(1e-6));
  selfsimilar::TwoClassProbability<double> head_d(L);
  selfsimilar::TwoClassProbability<float> head_f(L);
  Tensor<double> pd;
  Tensor<float> pf;
  head_d.forward(zd, pd, false);
  head_f.forward(zf, pf, false);
  const auto pdh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), pd);
  const auto pfh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), pf);
  for (int b = 0; b < B; ++b)
    for (int i = 0; i < L; ++i) {
      INFO("p double " << pdh(i, b) << " float " << pfh(i, b));
      CHECK(pfh(i, b) == Approx(pdh(i, b)).epsilon(1e-5).margin(1e-30));  // u to 40: float rounding of u
    }
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
