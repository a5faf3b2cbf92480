// The vectorisable single-precision exp / log1p / softplus (nn/float_math.hpp) against double-precision
// references on dense grids, and the float softplus layer built on them.
#include <catch2/catch.hpp>
#include <cmath>

#include "nn/activations.hpp"
#include "nn/float_math.hpp"
#include "nn/gradient_check.hpp"

using namespace macrodyn::nn;

namespace {
// |got - ref| in units of the float spacing at ref (subnormal spacing below the normal range).
double ulps(float got, double ref) {
  const double spacing = std::max(std::ldexp(1.0, std::ilogb(std::max(std::fabs(ref), 1e-300)) - 23),
                                  std::ldexp(1.0, -149));
  return std::fabs(double(got) - ref) / spacing;
}
}  // namespace

TEST_CASE("exp_nonpositive is within 2 ulp of exp down to the subnormal range", "[nn][float_math]") {
  double worst = 0;
  for (int k = 0; k <= 2000000; ++k) {
    const float y = -104.0f * float(k) / 2000000.0f;
    worst = std::max(worst, ulps(exp_nonpositive(y), std::exp(double(y))));
  }
  CHECK(worst <= 2.0);
  CHECK(exp_nonpositive(0.0f) == 1.0f);
  CHECK(exp_nonpositive(-200.0f) == 0.0f);
  CHECK(exp_nonpositive(-std::numeric_limits<float>::infinity()) == 0.0f);
}

TEST_CASE("log1p_unit is within 3 ulp of log1p on [0, 1]", "[nn][float_math]") {
  double worst = 0;
  for (int k = 0; k <= 1000000; ++k) {
    const float t = float(k) / 1000000.0f;
    worst = std::max(worst, ulps(log1p_unit(t), std::log1p(double(t))));
  }
  for (int e = -149; e < 0; ++e) {  // tiny arguments keep their relative accuracy
    const float t = std::ldexp(1.0f, e) * 1.37f;
    worst = std::max(worst, ulps(log1p_unit(t), std::log1p(double(t))));
  }
  CHECK(worst <= 3.0);
}

TEST_CASE("softplus_float value and derivative are within 4 ulp", "[nn][float_math]") {
  double worst_value = 0, worst_deriv = 0;
  for (int k = -1000000; k <= 1000000; ++k) {
    const float x = 120.0f * float(k) / 1000000.0f;
    float d;
    const float v = softplus_float(x, d);
    const double xd = x;
    const double ref = xd > 0 ? xd + std::log1p(std::exp(-xd)) : std::log1p(std::exp(xd));
    const double sig = xd >= 0 ? 1 / (1 + std::exp(-xd)) : std::exp(xd) / (1 + std::exp(xd));
    worst_value = std::max(worst_value, ulps(v, ref));
    worst_deriv = std::max(worst_deriv, ulps(d, sig));
  }
  CHECK(worst_value <= 4.0);
  CHECK(worst_deriv <= 4.0);
}

TEST_CASE("Float softplus layer: forward and backward match double precision", "[nn][activations][float_math]") {
  const size_t n = 7, B = 37;
  Tensor<float> x("x", n, B), y, dy("dy", n, B), dx;
  fill_normal(x, 3, 0, 0.0, 8.0);
  fill_normal(dy, 3, 1);
  Activation<float> act(ActivationKind::Softplus, n);
  act.forward(x, y, true);
  act.backward(dy, dx);
  auto xv = gradcheck::to_vector(x), yv = gradcheck::to_vector(y), dyv = gradcheck::to_vector(dy),
       dxv = gradcheck::to_vector(dx);
  for (size_t i = 0; i < xv.size(); ++i) {
    const double v = xv[i];
    const double ref = v > 0 ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v));
    CHECK(yv[i] == Approx(ref).epsilon(1e-6));
    CHECK(dxv[i] == Approx(dyv[i] / (1 + std::exp(-v))).epsilon(1e-6).margin(1e-30));
  }
}
