// Conv1d/2d/3d, pooling, upsampling and the two-branch composition: values against direct loops,
// backward and dual passes against central finite differences.
#include <catch2/catch.hpp>

#include "nn/conv.hpp"
#include "nn/dense.hpp"
#include "nn/gradient_check.hpp"
#include "nn/pooling.hpp"
#include "nn/sequential.hpp"
#include "nn/two_branch.hpp"
#include "nn/upsample.hpp"

using namespace macrodyn::nn;

namespace {
Tensor<double> random_input(size_t n, size_t B, uint64_t seed) {
  Tensor<double> x("x", n, B);
  fill_normal(x, seed, 0);
  return x;
}

void check_layer(Layer<double>& layer, size_t B, uint64_t seed) {
  auto x = random_input(layer.in_features(), B, seed);
  const auto r = gradcheck::check_backward(layer, x, seed + 1);
  CHECK(r.input < 1e-6);
  CHECK(r.params < 1e-6);
  const auto d = gradcheck::check_dual(layer, x, 2, seed + 2);
  CHECK(d.tangent < 1e-6);
  CHECK(d.dual_input < 1e-6);
  CHECK(d.dual_tangent < 1e-6);
  CHECK(d.dual_params < 1e-6);
}
}  // namespace

TEST_CASE("Conv2d forward equals the direct cross-correlation (zero padding, stride 2)", "[nn][conv]") {
  const int Ci = 2, Co = 3, H = 5, W = 6, k = 3, s = 2, p = 1;
  Conv<double> conv(conv_options(2, Ci, Co, {H, W}, {k}, {s}, {p}), 3);
  REQUIRE(conv.out_features() == size_t(Co * 3 * 3));
  auto x = random_input(conv.in_features(), 2, 5);
  Tensor<double> y;
  conv.forward(x, y, false);
  auto P = conv.parameters();
  auto Wt = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), P[0].value);
  auto bt = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), P[1].value);
  auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  auto yh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), y);
  const int OH = 3, OW = 3;
  for (int b = 0; b < 2; ++b)
    for (int co = 0; co < Co; ++co)
      for (int oh = 0; oh < OH; ++oh)
        for (int ow = 0; ow < OW; ++ow) {
          double ref = bt(co, 0);
          for (int ci = 0; ci < Ci; ++ci)
            for (int u = 0; u < k; ++u)
              for (int v = 0; v < k; ++v) {
                const int ih = oh * s - p + u, iw = ow * s - p + v;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                ref += Wt(co, (ci * k + u) * k + v) * xh((ci * H + ih) * W + iw, b);
              }
          CHECK(yh((co * OH + oh) * OW + ow, b) == Approx(ref).epsilon(1e-13));
        }
}

TEST_CASE("Conv1d with periodic padding wraps around", "[nn][conv]") {
  const int L = 7, k = 3;
  Conv<double> conv(conv_options(1, 1, 1, {L}, {k}, {1}, {1}, true), 4);
  auto x = random_input(L, 1, 6);
  Tensor<double> y;
  conv.forward(x, y, false);
  auto P = conv.parameters();
  auto w = gradcheck::to_vector(P[0].value);
  const double bias = gradcheck::to_vector(P[1].value)[0];
  auto xv = gradcheck::to_vector(x), yv = gradcheck::to_vector(y);
  REQUIRE(yv.size() == size_t(L));
  for (int o = 0; o < L; ++o) {
    double ref = bias;
    for (int j = 0; j < k; ++j) ref += w[j] * xv[(o - 1 + j + L) % L];
    CHECK(yv[o] == Approx(ref).epsilon(1e-13));
  }
}

TEST_CASE("Conv1d/2d/3d backward and dual passes match finite differences", "[nn][conv]") {
  SECTION("1d periodic, stride 2") {
    Conv<double> c(conv_options(1, 2, 3, {7}, {3}, {2}, {1}, true), 7);
    check_layer(c, 2, 10);
  }
  SECTION("2d zero padding, stride 2") {
    Conv<double> c(conv_options(2, 2, 3, {5, 6}, {3}, {2}, {1}), 8);
    check_layer(c, 2, 20);
  }
  SECTION("2d periodic, stride 1") {
    Conv<double> c(conv_options(2, 1, 2, {4, 5}, {3}, {1}, {1}, true), 9);
    check_layer(c, 2, 30);
  }
  SECTION("2d, batch 5 (threaded hosts: blocks of several samples)") {
    Conv<double> c(conv_options(2, 2, 3, {5, 4}, {3}, {1}, {1}), 11);
    check_layer(c, 5, 50);
  }
  SECTION("3d mixed kernel, stride and padding") {
    Conv<double> c(conv_options(3, 2, 2, {4, 3, 5}, {2, 3, 2}, {1, 2, 1}, {1, 0, 1}, true), 10);
    check_layer(c, 2, 40);
  }
  CHECK_THROWS_WITH(Conv<double>(conv_options(2, 1, 1, {2, 2}, {5}, {1}, {0})), Catch::Contains("larger than"));
}

TEST_CASE("Pooling and upsampling: values, backward and dual passes", "[nn][pooling]") {
  SECTION("max pool 2d values") {
    Pool<double> pool(PoolKind::Max, 2, 1, {4, 4}, {2});
    Tensor<double> x("x", 16, 1), y;
    auto xh = Kokkos::create_mirror_view(x);
    for (int i = 0; i < 16; ++i) xh(i, 0) = (i * 7) % 16;
    Kokkos::deep_copy(x, xh);
    pool.forward(x, y, false);
    auto yv = gradcheck::to_vector(y);
    REQUIRE(yv.size() == 4);
    for (int a = 0; a < 2; ++a)
      for (int b = 0; b < 2; ++b) {
        double m = -1;
        for (int u = 0; u < 2; ++u)
          for (int v = 0; v < 2; ++v) m = std::max(m, double(xh((2 * a + u) * 4 + 2 * b + v, 0)));
        CHECK(yv[a * 2 + b] == m);
      }
  }
  SECTION("avg pool 2d, 2 channels") {
    Pool<double> pool(PoolKind::Average, 2, 2, {4, 6}, {2, 3});
    check_layer(pool, 2, 50);
  }
  SECTION("overlapping avg and max pool 1d") {
    Pool<double> avg(PoolKind::Average, 1, 2, {9}, {3}, {2});
    check_layer(avg, 2, 60);
    Pool<double> mx(PoolKind::Max, 1, 2, {9}, {3}, {2});
    check_layer(mx, 2, 70);
  }
  SECTION("max pool 3d") {
    Pool<double> mx(PoolKind::Max, 3, 1, {4, 2, 4}, {2});
    check_layer(mx, 2, 80);
  }
  SECTION("upsample 2d") {
    Upsample<double> up(2, 2, {2, 3}, {2, 3});
    auto x = random_input(up.in_features(), 1, 90);
    Tensor<double> y;
    up.forward(x, y, false);
    auto xv = gradcheck::to_vector(x), yv = gradcheck::to_vector(y);
    REQUIRE(yv.size() == size_t(2 * 4 * 9));
    for (int c = 0; c < 2; ++c)
      for (int a = 0; a < 4; ++a)
        for (int b = 0; b < 9; ++b) CHECK(yv[(c * 4 + a) * 9 + b] == xv[(c * 2 + a / 2) * 3 + b / 3]);
    check_layer(up, 2, 91);
  }
}

TEST_CASE("Two-branch composition (concat, residual sum) and a conv net", "[nn][two_branch]") {
  SECTION("concat") {
    TwoBranch<double> tb(make_mlp<double>({4, 6, 3}, "tanh", 1), make_mlp<double>({4, 5, 2}, "silu", 2),
                         BranchMerge::Concat);
    REQUIRE(tb.out_features() == 5);
    check_layer(tb, 3, 100);
  }
  SECTION("residual sum with the identity") {
    TwoBranch<double> tb(nullptr, make_mlp<double>({4, 6, 4}, "softplus", 3), BranchMerge::Sum);
    check_layer(tb, 3, 110);
  }
  SECTION("conv -> tanh -> maxpool -> upsample -> conv -> dense") {
    Sequential<double> net;
    net.add(std::make_shared<Conv<double>>(conv_options(2, 2, 3, {6, 6}, {3}, {1}, {1}, true), 1, 0));
    net.add(make_mlp<double>({3 * 36, 3 * 36}, "tanh", 9, true)->layer_ptr(1));
    net.add(std::make_shared<Pool<double>>(PoolKind::Average, 2, 3, std::vector<int>{6, 6}, std::vector<int>{2}));
    net.add(std::make_shared<Upsample<double>>(2, 3, std::vector<int>{3, 3}, std::vector<int>{2}));
    net.add(std::make_shared<Conv<double>>(conv_options(2, 3, 1, {6, 6}, {3}, {2}, {0}), 1, 1));
    net.add(std::make_shared<Dense<double>>(4, 2, 1, 2));
    check_layer(net, 2, 120);
  }
}
