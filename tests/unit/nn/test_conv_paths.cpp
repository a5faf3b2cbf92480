// Conv's column-wise im2col / channel-wise col2im (WindowGeometry::im2col_column, col2im_plane) and
// its pointwise path (kernel 1, no im2col): forward against direct loops over many geometries (zero
// and periodic padding, wrap at both edges, stride, kernel = stride), backward against finite
// differences, and the adjoint identity <conv(x) - b, dy> = <x, conv^T dy> in float at the sizes of the Gray-Scott CNN's first layer.
#include <catch2/catch.hpp>

#include "nn/conv.hpp"
#include "nn/gradient_check.hpp"

using namespace macrodyn::nn;

namespace {
// y = conv(x) by direct loops on the host, from the layer's weights.
std::vector<double> direct_conv(Conv<double>& conv, const Tensor<double>& x) {
  const auto& o = conv.options();
  const auto& g = conv.geometry();
  auto P = conv.parameters();
  auto W = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), P[0].value);
  auto bias = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), P[1].value);
  auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  const size_t B = x.extent(1), ovol = g.out_volume();
  std::vector<double> y(conv.out_features() * B);
  for (size_t b = 0; b < B; ++b)
    for (int co = 0; co < o.out_channels; ++co)
      for (int oz = 0; oz < g.out[0]; ++oz)
        for (int oy = 0; oy < g.out[1]; ++oy)
          for (int ox = 0; ox < g.out[2]; ++ox) {
            double s = bias(co, 0);
            for (int ci = 0; ci < o.in_channels; ++ci)
              for (int kz = 0; kz < g.k[0]; ++kz)
                for (int ky = 0; ky < g.k[1]; ++ky)
                  for (int kx = 0; kx < g.k[2]; ++kx) {
                    int pos[3] = {oz * g.s[0] - g.p[0] + kz, oy * g.s[1] - g.p[1] + ky, ox * g.s[2] - g.p[2] + kx};
                    bool inside = true;
                    for (int d = 0; d < 3; ++d) {
                      if (o.periodic) pos[d] = ((pos[d] % g.in[d]) + g.in[d]) % g.in[d];
                      inside = inside && pos[d] >= 0 && pos[d] < g.in[d];
                    }
                    if (!inside) continue;
                    const int w = (kz * g.k[1] + ky) * g.k[2] + kx;
                    s += W(co, ci * g.window_volume() + w) *
                         xh(ci * g.in_volume() + (pos[0] * g.in[1] + pos[1]) * g.in[2] + pos[2], b);
                  }
            y[b * conv.out_features() + co * ovol + (oz * g.out[1] + oy) * g.out[2] + ox] = s;
          }
  return y;
}

void check_forward(const ConvOptions& options, size_t B) {
  Conv<double> conv(options, 3);
  Tensor<double> x("x", conv.in_features(), B), y;
  fill_normal(x, 17, 0);
  conv.forward(x, y, false);
  CHECK(gradcheck::relative_error(gradcheck::to_vector(y), direct_conv(conv, x)) < 1e-14);
}

void check_gradients(const ConvOptions& options, size_t B) {
  Conv<double> conv(options, 5);
  Tensor<double> x("x", conv.in_features(), B);
  fill_normal(x, 19, 0);
  const auto r = gradcheck::check_backward(conv, x, 23);
  CHECK(r.input < 1e-6);
  CHECK(r.params < 1e-6);
}
}  // namespace

TEST_CASE("Conv forward equals direct loops for every padding, stride and kernel kind", "[nn][conv]") {
  SECTION("1d periodic, padding 2, kernel 5 (wraps at both ends)") { check_forward(conv_options(1, 2, 3, {6}, {5}, {1}, {2}, true), 3); }
  SECTION("1d zero padding 2, stride 3") { check_forward(conv_options(1, 1, 2, {11}, {4}, {3}, {2}), 2); }
  SECTION("2d periodic 3x3 stride 2 (Gray-Scott CNN layer)") { check_forward(conv_options(2, 3, 4, {8, 8}, {3}, {2}, {1}, true), 3); }
  SECTION("2d periodic 2x2 padding 1 (Vicsek dynamics)") { check_forward(conv_options(2, 3, 2, {5, 5}, {2}, {1}, {1}, true), 2); }
  SECTION("2d periodic padding = size") { check_forward(conv_options(2, 1, 1, {2, 3}, {3}, {1}, {2, 3}, true), 2); }
  SECTION("2d kernel 1 (pointwise)") { check_forward(conv_options(2, 3, 5, {4, 6}, {1}), 3); }
  SECTION("2d kernel 1, stride 2 (not pointwise)") { check_forward(conv_options(2, 2, 3, {5, 6}, {1}, {2}), 2); }
  SECTION("3d kernel = stride (Vicsek coarse-grainer)") {
    check_forward(conv_options(3, 3, 3, {4, 6, 8}, {4, 2, 2}, {4, 2, 2}), 3);
  }
  SECTION("3d zero padding, mixed") { check_forward(conv_options(3, 2, 2, {3, 5, 7}, {2, 3, 3}, {1, 2, 2}, {1, 1, 2}), 2); }
}

TEST_CASE("Conv backward matches finite differences on the row-wise and pointwise paths", "[nn][conv]") {
  SECTION("1d periodic, padding 2, kernel 5") { check_gradients(conv_options(1, 2, 2, {6}, {5}, {1}, {2}, true), 3); }
  SECTION("2d periodic 3x3 stride 2") { check_gradients(conv_options(2, 2, 3, {6, 6}, {3}, {2}, {1}, true), 3); }
  SECTION("2d zero padding 2, stride 3") { check_gradients(conv_options(2, 2, 2, {7, 8}, {4}, {3}, {2}), 2); }
  SECTION("2d zero padding 2, stride 2, odd width") { check_gradients(conv_options(2, 2, 2, {5, 7}, {5}, {2}, {2}), 2); }
  SECTION("1d stride 2 overlapping windows, no padding") { check_gradients(conv_options(1, 1, 2, {9}, {3}, {2}, {0}), 3); }
  SECTION("1d periodic, stride 2, padding 2, odd size") {
    check_gradients(conv_options(1, 2, 2, {7}, {4}, {2}, {2}, true), 2);
  }
  SECTION("2d kernel 1 (pointwise), batch 5") { check_gradients(conv_options(2, 3, 4, {3, 5}, {1}), 5); }
  SECTION("3d kernel = stride") { check_gradients(conv_options(3, 2, 3, {2, 4, 4}, {2, 2, 2}, {2, 2, 2}), 3); }
}

TEST_CASE("Float conv adjoint: <conv(x) - b, dy> = <x, conv^T dy> at Gray-Scott size", "[nn][conv]") {
  for (const bool pointwise : {false, true}) {
    INFO((pointwise ? "kernel 1" : "3x3 stride 2 periodic"));
    const auto options = pointwise ? conv_options(2, 3, 16, {64, 64}, {1})
                                   : conv_options(2, 3, 16, {64, 64}, {3}, {2}, {1}, true);
    Conv<float> conv(options, 7);
    const size_t B = 4;
    Tensor<float> x("x", conv.in_features(), B), y, dy("dy", conv.out_features(), B), dx;
    fill_normal(x, 29, 0);
    fill_normal(dy, 29, 1);
    conv.forward(x, y, true);
    conv.backward(dy, dx);
    const auto yv = gradcheck::to_vector(y), dyv = gradcheck::to_vector(dy), xv = gradcheck::to_vector(x),
               dxv = gradcheck::to_vector(dx), bias = gradcheck::to_vector(conv.parameters()[1].value);
    const size_t ovol = conv.geometry().out_volume();
    double lhs = 0, rhs = 0, scale = 0;
    for (size_t i = 0; i < yv.size(); ++i) {
      const double term = (yv[i] - bias[(i % conv.out_features()) / ovol]) * dyv[i];
      lhs += term;
      scale += std::fabs(term);
    }
    for (size_t i = 0; i < xv.size(); ++i) rhs += xv[i] * dxv[i];
    CHECK(std::fabs(lhs - rhs) < 1e-5 * scale);
  }
}
