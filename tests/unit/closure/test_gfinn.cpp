// GFINN latent model: for random parameters and inputs L is antisymmetric with L grad S = 0, M is
// symmetric positive semi-definite with M grad E = 0, so dE/dt = 0 and dS/dt >= 0 along g; the
// parameter gradient of a loss on g matches finite differences (float network: h = 1e-2).
#include <catch2/catch.hpp>

#include <cmath>

#include "learn/closure/gfinn.hpp"
#include "nn/gradient_check.hpp"
#include "nn/parameter_init.hpp"
#include "nn/symmetric_eigen.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

TEST_CASE("GFINN degeneracy conditions hold for random parameters", "[closure]") {
  for (uint64_t seed : {1, 2, 3}) {
    const size_t d = 4, B = 6;
    Gfinn net(d, 12, seed);
    nn::Tensor<float> z("z", d, B), g;
    nn::fill_uniform(z, seed, 7, -1.5, 1.5);
    net.forward(z, g, false);
    auto gh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), g);
    for (size_t b = 0; b < B; ++b) {
      std::vector<double> L, M, ge, gs;
      net.operators(b, L, M, ge, gs);
      double scale = 0;
      for (size_t i = 0; i < d * d; ++i) scale = std::max({scale, std::abs(L[i]), std::abs(M[i])});
      for (size_t i = 0; i < d; ++i) {
        double ls = 0, me = 0;
        for (size_t j = 0; j < d; ++j) {
          CHECK(L[i * d + j] == Approx(-L[j * d + i]).margin(1e-12 * scale));
          CHECK(M[i * d + j] == Approx(M[j * d + i]).margin(1e-12 * scale));
          ls += L[i * d + j] * gs[j];
          me += M[i * d + j] * ge[j];
        }
        CHECK(std::abs(ls) < 1e-10 * scale);
        CHECK(std::abs(me) < 1e-10 * scale);
      }
      const auto eig = nn::symmetric_eigen(M, d);
      CHECK(eig.values.front() > -1e-10 * scale);
      double dE = 0, dS = 0, gn = 0;
      for (size_t i = 0; i < d; ++i) dE += ge[i] * gh(i, b), dS += gs[i] * gh(i, b), gn += std::abs(gh(i, b));
      double ne = 0;
      for (size_t i = 0; i < d; ++i) ne += ge[i] * ge[i];
      CHECK(std::abs(dE) < 1e-5 * std::sqrt(ne) * gn);  // float output
      CHECK(dS > -1e-6);
    }
  }
}

TEST_CASE("GFINN parameter gradient matches finite differences", "[closure]") {
  const size_t d = 3, B = 5;
  Gfinn net(d, 6, 9);
  nn::Tensor<float> z("z", d, B), target("t", d, B), g;
  nn::fill_uniform(z, 3, 1, -1.0, 1.0);
  nn::fill_uniform(target, 3, 2, -0.5, 0.5);
  auto loss = [&](bool backprop) {
    net.forward(z, g, true);
    auto gh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), g);
    auto th = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), target);
    nn::Tensor<float> dg("dg", d, B);
    auto dh = Kokkos::create_mirror_view(dg);
    double l = 0;
    for (size_t b = 0; b < B; ++b)
      for (size_t i = 0; i < d; ++i) {
        const double e = double(gh(i, b)) - double(th(i, b));
        l += e * e;
        dh(i, b) = static_cast<float>(2 * e);
      }
    if (backprop) {
      Kokkos::deep_copy(dg, dh);
      net.backward_parameters(dg);
    }
    return l;
  };
  for (auto& p : net.parameters()) Kokkos::deep_copy(p.grad, 0.0f);
  loss(true);
  std::vector<std::vector<double>> grads;
  for (auto& p : net.parameters()) grads.push_back(nn::gradcheck::to_vector(p.grad));
  size_t k = 0;
  for (auto& p : net.parameters()) {
    const auto fd = nn::gradcheck::fd_gradient<float>([&] { return loss(false); }, p.value, 1e-2);
    INFO("parameter " << p.name);
    CHECK(nn::gradcheck::relative_error(grads[k++], fd) < 3e-2);
  }
}
