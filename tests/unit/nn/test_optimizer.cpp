// Optimizers vs updates computed by hand (scalar reference formulas), step LR, gradient clipping.
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>

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

TEST_CASE("A per-parameter learning-rate scale scales that parameter's updates only", "[nn][optimizer]") {
  // Two parameters with identical gradients (no weight decay, so values do not enter); "wide" gets
  // lr * 0.25, "w" the plain rate: every update of "wide" is a quarter of "w"'s, with momentum too.
  auto run = [](auto make_optimizer) {
    auto a = make_param(1.0, -2.0), b = make_param(1.0, -2.0);
    b.name = "wide";
    auto opt = make_optimizer(std::vector<Parameter<double>>{a, b});
    opt->set_learning_rate_scale("wide", 0.25);
    for (int t = 1; t <= 4; ++t) {
      const double a0 = value(a, 0), a1 = value(a, 1), b0 = value(b, 0), b1 = value(b, 1);
      set_grad(a, grad_at(t, 0), grad_at(t, 1));
      set_grad(b, grad_at(t, 0), grad_at(t, 1));
      opt->step();
      CHECK(value(a, 0) != a0);
      CHECK(value(b, 0) - b0 == Approx(0.25 * (value(a, 0) - a0)).epsilon(1e-12));
      CHECK(value(b, 1) - b1 == Approx(0.25 * (value(a, 1) - a1)).epsilon(1e-12));
    }
    CHECK_THROWS_WITH(opt->set_learning_rate_scale("missing", 0.5), Catch::Contains("no parameter named 'missing'"));
  };
  run([](std::vector<Parameter<double>> ps) { return std::make_unique<Adam<double>>(ps, 0.01, 0.9, 0.999, 1e-8); });
  run([](std::vector<Parameter<double>> ps) { return std::make_unique<SGD<double>>(ps, 0.1, 0.9); });
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

TEST_CASE("TensorChunks visits every entry of every tensor once, and follows reallocated tensors",
          "[nn][optimizer]") {
  const std::vector<size_t> rows = {1, 4096, 4097, 2500, 3};
  const std::vector<size_t> cols = {1, 1, 1, 4, 5};  // 2500 x 4 spans three chunks
  std::vector<TensorChunks<double, 2>::Set> sets;
  for (size_t i = 0; i < rows.size(); ++i) {
    Tensor<double> a("a", rows[i], cols[i]), b("b", rows[i], cols[i]);
    auto h = Kokkos::create_mirror_view(a);
    for (size_t c = 0; c < cols[i]; ++c)
      for (size_t r = 0; r < rows[i]; ++r) h(r, c) = 1000.0 * i + r + 0.5 * c;
    Kokkos::deep_copy(a, h);
    sets.push_back({a, b});
  }
  TensorChunks<double, 2> chunks;
  auto add_twice = [&] {
    chunks.assign(sets);
    chunks.for_each("test_chunks", KOKKOS_LAMBDA(double* const* t, const int64_t k, double) { t[1][k] += 2 * t[0][k]; });
  };
  auto check = [&](double times) {
    for (size_t i = 0; i < sets.size(); ++i) {
      auto a = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), sets[i][0]);
      auto b = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), sets[i][1]);
      for (size_t c = 0; c < cols[i]; ++c)
        for (size_t r = 0; r < rows[i]; ++r) REQUIRE(b(r, c) == times * 2 * a(r, c));
    }
  };
  add_twice();
  check(1);  // each entry exactly once (twice would give 4 a)
  add_twice();
  check(2);
  // A tensor replaced by a new allocation: the next assign must follow it.
  sets[3][1] = Tensor<double>("b_new", rows[3], cols[3]);
  Kokkos::deep_copy(sets[3][1], 4 * 1.0);
  add_twice();
  auto a3 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), sets[3][0]);
  auto b3 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), sets[3][1]);
  CHECK(b3(2499, 3) == 4 + 2 * a3(2499, 3));
  CHECK(b3(0, 0) == 4 + 2 * a3(0, 0));
}

TEST_CASE("Adam's one-kernel update and zero_grad cover many tensors of many chunks", "[nn][optimizer]") {
  std::vector<Parameter<double>> params;
  for (size_t n : {7, 5000, 9000}) {
    Parameter<double> p{"w", Tensor<double>("w", n, 2), Tensor<double>("g", n, 2)};
    auto w = Kokkos::create_mirror_view(p.value), g = Kokkos::create_mirror_view(p.grad);
    for (size_t c = 0; c < 2; ++c)
      for (size_t r = 0; r < n; ++r) {
        w(r, c) = std::sin(0.1 * r + c);
        g(r, c) = std::cos(0.3 * r - c) + 0.01;
      }
    Kokkos::deep_copy(p.value, w);
    Kokkos::deep_copy(p.grad, g);
    params.push_back(p);
  }
  Adam<double> adam(params, 0.01, 0.9, 0.999, 1e-8);
  adam.step();
  for (auto& p : params) {
    const size_t n = p.value.extent(0);
    auto w = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.value);
    for (size_t c = 0; c < 2; ++c)
      for (size_t r = 0; r < n; ++r) {  // first step: w - lr g / (|g| + eps)
        const double g = std::cos(0.3 * r - c) + 0.01;
        REQUIRE(w(r, c) == Approx(std::sin(0.1 * r + c) - 0.01 * g / (std::fabs(g) + 1e-8)).epsilon(1e-14));
      }
  }
  adam.zero_grad();
  for (auto& p : params) {
    auto g = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.grad);
    for (size_t k = 0; k < g.size(); ++k) REQUIRE(g.data()[k] == 0.0);
  }
}
