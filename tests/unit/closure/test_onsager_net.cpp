// OnsagerNet: for random parameters and inputs M is symmetric positive definite, W antisymmetric,
// grad V matches finite differences of V, the model less its forcing dissipates (grad V . (g - f) < 0),
// and the parameter gradient of a loss on g matches finite differences (float network: h = 1e-2),
// with and without the forcing term.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/rng.hpp"
#include "learn/closure/onsager_net.hpp"
#include "nn/gradient_check.hpp"
#include "nn/parameter_init.hpp"
#include "nn/symmetric_eigen.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

TEST_CASE("OnsagerNet structure: M SPD, W antisymmetric, grad V exact, dissipative", "[closure]") {
  for (uint64_t seed : {1, 2, 3}) {
    const bool forcing = seed != 2;
    INFO("seed " << seed << " forcing " << forcing);
    const size_t d = 4, B = 5;
    OnsagerNet net(d, 16, 16, 24, 0.1, 0.01, forcing, seed);
    nn::Tensor<float> z("z", d, B), g;
    nn::fill_uniform(z, seed, 4, -1.5, 1.5);
    net.forward(z, g, false);
    auto gh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), g);
    for (size_t b = 0; b < B; ++b) {
      std::vector<double> M, W, gv;
      net.matrices(b, M, W, gv);
      for (size_t i = 0; i < d; ++i)
        for (size_t j = 0; j < d; ++j) {
          CHECK(M[i * d + j] == Approx(M[j * d + i]).margin(1e-12));
          CHECK(W[i * d + j] == Approx(-W[j * d + i]).margin(1e-12));
        }
      const auto eig = nn::symmetric_eigen(M, d);
      CHECK(eig.values.front() > 0);
      const auto f = net.forcing(b);
      double power = 0, forcing_norm = 0;
      for (size_t i = 0; i < d; ++i) power += gv[i] * (gh(i, b) - f[i]), forcing_norm += std::abs(f[i]);
      CHECK(power < 0);
      CHECK((forcing_norm > 1e-3) == forcing);
    }
    // grad V by central differences of V (one coordinate at a time, all samples at once).
    std::vector<double> gv0(d * B);
    for (size_t b = 0; b < B; ++b) {
      std::vector<double> M, W, gv;
      net.matrices(b, M, W, gv);
      for (size_t k = 0; k < d; ++k) gv0[b * d + k] = gv[k];
    }
    const auto z0 = nn::gradcheck::to_vector(z);  // column-major copy (a host mirror would alias z)
    const float h = 1e-2f;
    for (size_t k = 0; k < d; ++k) {
      std::vector<double> vp(B), vm(B);
      for (int sgn : {1, -1}) {
        nn::Tensor<float> zp("zp", d, B), gp;
        auto zz = Kokkos::create_mirror_view(zp);
        for (size_t b = 0; b < B; ++b)
          for (size_t i = 0; i < d; ++i) zz(i, b) = static_cast<float>(z0[b * d + i]) + (i == k ? sgn * h : 0.0f);
        Kokkos::deep_copy(zp, zz);
        net.forward(zp, gp, false);
        for (size_t b = 0; b < B; ++b) (sgn > 0 ? vp : vm)[b] = net.potential(b);
      }
      for (size_t b = 0; b < B; ++b)
        CHECK(gv0[b * d + k] == Approx((vp[b] - vm[b]) / (2 * h)).epsilon(2e-2).margin(2e-3));
    }
  }
}

TEST_CASE("OnsagerNet parameter gradient matches finite differences", "[closure]") {
  const bool forcing = GENERATE(false, true);
  INFO("forcing " << forcing);
  const size_t d = 4, B = 6;
  OnsagerNet net(d, 8, 8, 12, 0.1, 0.01, forcing, 5);
  nn::Tensor<float> z("z", d, B), target("t", d, B), g;
  nn::fill_uniform(z, 8, 1, -1.0, 1.0);
  nn::fill_uniform(target, 8, 2, -1.0, 1.0);
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
