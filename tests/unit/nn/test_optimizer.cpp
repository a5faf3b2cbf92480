// Optimizers vs updates computed by hand (scalar reference formulas), step LR, gradient clipping.
#include <catch2/catch.hpp>
#include <cmath>

#include "nn/adam.hpp"
#include "nn/sgd.hpp"

using namespace macrodyn::nn;

namespace {

Parameter<double> make_param(double a, double b) {
  Parameter<double> p{"w", Tensor<double>("w", 2, 1), Tensor<double>("g", 2, 1)};
  auto h = Kokkos::create_mirror_view(p.value);
  h(0, 0) = a;
  h(1, 0) = b;
  Kokkos::deep_copy(p.value, h);
  return p;
}

void set_grad(Parameter<double>& p, double a, double b) {
  auto h = Kokkos::create_mirror_view(p.grad);
  h(0, 0) = a;
  h(1, 0) = b;
  Kokkos::deep_copy(p.grad, h);
}

double value(const Parameter<double>& p, int i) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.value);
  return h(i, 0);
}

// Gradient at step t of entry i (varies with t so momentum matters).
double grad_at(int t, int i) { return i == 0 ? 0.5 - 0.2 * t : -0.1 + 0.05 * t * t; }

}  // namespace

TEST_CASE("SGD with momentum and weight decay matches hand-computed updates", "[nn][optimizer]") {
  auto p = make_param(1.0, -2.0);
  SGD<double> sgd({p}, 0.1, 0.9, 0.01);
  double w[2] = {1.0, -2.0}, v[2] = {0, 0};
  for (int t = 0; t < 4; ++t) {
    set_grad(p, grad_at(t, 0), grad_at(t, 1));
    sgd.step();
    for (int i = 0; i < 2; ++i) {
      const double g = grad_at(t, i) + 0.01 * w[i];
      v[i] = t == 0 ? g : 0.9 * v[i] + g;
      w[i] -= 0.1 * v[i];
      CHECK(value(p, i) == Approx(w[i]).epsilon(1e-15));
    }
  }
  // First step literally: 1 - 0.1 * (0.5 + 0.01 * 1) = 0.949
  auto q = make_param(1.0, 0.0);
  SGD<double> plain({q}, 0.1, 0.0, 0.01);
  set_grad(q, 0.5, 0.0);
  plain.step();
  CHECK(value(q, 0) == Approx(0.949).epsilon(1e-15));
}

TEST_CASE("Adam matches hand-computed updates", "[nn][optimizer]") {
  auto p = make_param(1.0, -2.0);
  Adam<double> adam({p}, 0.01, 0.9, 0.999, 1e-8);
  set_grad(p, 0.5, -0.1);
  adam.step();
  // First Adam step is lr * g / (|g| + eps): 1 - 0.01 * 0.5 / (0.5 + 1e-8)
  CHECK(value(p, 0) == Approx(1.0 - 0.01 * 0.5 / (0.5 + 1e-8)).epsilon(1e-15));
  CHECK(value(p, 1) == Approx(-2.0 + 0.01 * 0.1 / (0.1 + 1e-8)).epsilon(1e-15));

  auto r = make_param(1.0, -2.0);
  Adam<double> adamw({r}, 0.01, 0.8, 0.99, 1e-8, 0.1, false, true);
  double w[2] = {1.0, -2.0}, m[2] = {0, 0}, v[2] = {0, 0};
  for (int t = 1; t <= 5; ++t) {
    set_grad(r, grad_at(t, 0), grad_at(t, 1));
    adamw.step();
    for (int i = 0; i < 2; ++i) {
      const double g = grad_at(t, i);
      w[i] *= 1 - 0.01 * 0.1;
      m[i] = 0.8 * m[i] + 0.2 * g;
      v[i] = 0.99 * v[i] + 0.01 * g * g;
      w[i] -= 0.01 * (m[i] / (1 - std::pow(0.8, t))) / (std::sqrt(v[i] / (1 - std::pow(0.99, t))) + 1e-8);
      CHECK(value(r, i) == Approx(w[i]).epsilon(1e-14));
    }
  }
}

TEST_CASE("NAdam matches hand-computed updates", "[nn][optimizer]") {
  auto p = make_param(1.0, -2.0);
  auto nadam = make_nadam<double>({p}, 0.002, 0.9, 0.999, 1e-8, 0.01);
  double w[2] = {1.0, -2.0}, m[2] = {0, 0}, v[2] = {0, 0}, prod = 1.0;
  for (int t = 1; t <= 5; ++t) {
    set_grad(p, grad_at(t, 0), grad_at(t, 1));
    nadam->step();
    const double mu = 0.9 * (1 - 0.5 * std::pow(0.96, t * 0.004));
    const double mu_next = 0.9 * (1 - 0.5 * std::pow(0.96, (t + 1) * 0.004));
    prod *= mu;
    for (int i = 0; i < 2; ++i) {
      const double g = grad_at(t, i) + 0.01 * w[i];
      m[i] = 0.9 * m[i] + 0.1 * g;
      v[i] = 0.999 * v[i] + 0.001 * g * g;
      const double denom = std::sqrt(v[i] / (1 - std::pow(0.999, t))) + 1e-8;
      w[i] -= 0.002 * ((1 - mu) / (1 - prod) * g + mu_next / (1 - prod * mu_next) * m[i]) / denom;
      CHECK(value(p, i) == Approx(w[i]).epsilon(1e-14));
    }
  }
  CHECK(nadam->kind() == "nadam");
  CHECK(nadam->state_scalars().at("mu_product") == Approx(prod).epsilon(1e-15));
}

TEST_CASE("Step learning-rate schedule and gradient clipping", "[nn][optimizer]") {
  StepLR lr{0.1, 10, 0.5};
  CHECK(lr.at(0) == 0.1);
  CHECK(lr.at(9) == 0.1);
  CHECK(lr.at(10) == 0.05);
  CHECK(lr.at(25) == Approx(0.025).epsilon(1e-15));
  CHECK(StepLR{0.3, 0, 0.1}.at(1000) == 0.3);

  auto a = make_param(0, 0), b = make_param(0, 0);
  set_grad(a, 3.0, 0.0);
  set_grad(b, 0.0, 4.0);
  std::vector<Parameter<double>> ps{a, b};
  CHECK(clip_grad_norm(ps, 1.0) == Approx(5.0).epsilon(1e-15));
  auto ga = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a.grad);
  auto gb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b.grad);
  CHECK(ga(0, 0) == Approx(0.6).epsilon(1e-15));
  CHECK(gb(1, 0) == Approx(0.8).epsilon(1e-15));
  CHECK(clip_grad_norm(ps, 10.0) == Approx(1.0).epsilon(1e-15));  // below the limit: unchanged
  ga = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a.grad);
  CHECK(ga(0, 0) == Approx(0.6).epsilon(1e-15));
}
