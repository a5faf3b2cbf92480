// The closure autoencoder's L_AE = mse + lambda_cond mean (kappa(J J^T) - 1)^2: its parameter gradient
// (reconstruction by backprop, condition term through the dual passes) equals central finite
// differences, in double; the encoder Jacobian's fixed rows are the analytic block means.
#include <catch2/catch.hpp>

#include "learn/closure/closure_autoencoder.hpp"
#include "core/rng.hpp"
#include "nn/gradient_check.hpp"
#include "nn/symmetric_eigen.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

namespace {

AutoencoderSpec small_spec() {
  AutoencoderSpec s;
  s.system = "predator_prey";
  s.state_dim = 10;  // 2 blocks of 5
  s.latent_dim = 4;
  s.hidden = {7, 6};
  s.activation = "softplus";
  s.seed = 3;
  return s;
}

nn::Tensor<double> random_states(size_t N, size_t B, uint64_t seed) {
  nn::Tensor<double> x("x", N, B);
  auto h = Kokkos::create_mirror_view(x);
  const CounterRng rng(seed, 1);
  for (size_t b = 0; b < B; ++b)
    for (size_t k = 0; k < N; ++k) h(k, b) = 0.2 + 0.6 * rng.uniform(k, static_cast<uint32_t>(b));
  Kokkos::deep_copy(x, h);
  return x;
}

}  // namespace

TEST_CASE("closure L_AE gradient matches finite differences", "[closure]") {
  // predator_prey: the fixed rows (block means) are the same for every sample; lj: the temperature's
  // gradient depends on the state (velocities), so every sample has its own fixed row. condition_rows
  // "learnt": the condition term sees phi_hat's rows only. An encoder without a hidden layer takes the
  // formed-J path instead of the Gram path.
  for (const std::vector<size_t> hidden : {std::vector<size_t>{7, 6}, std::vector<size_t>{}})
  for (const std::string rows : {"all", "learnt"})
  for (const std::string system : {"predator_prey", "lj"})
  for (double lambda : {0.0, 0.05}) {
    auto spec = small_spec();
    spec.hidden = hidden;
    spec.system = system;
    spec.condition_rows = rows;
    spec.state_dim = system == "lj" ? 12 : 10;  // lj: 2 atoms, (x, v) each
    ClosureAutoencoderT<double> ae(spec);
    const auto x = random_states(spec.state_dim, 3, 7);
    auto objective = [&]() {
      const auto p = ae.batch_loss(x, 3.0, lambda);
      return p.reconstruction + lambda * p.condition;
    };
    for (auto& p : ae.parameters().parameters()) Kokkos::deep_copy(p.grad, 0.0);
    const auto parts = ae.batch_loss(x, 3.0, lambda);
    if (lambda > 0) CHECK(parts.condition > 0);
    std::vector<std::vector<double>> grads;
    for (auto& p : ae.parameters().parameters()) grads.push_back(nn::gradcheck::to_vector(p.grad));
    size_t k = 0;
    for (auto& p : ae.parameters().parameters()) {
      const auto& analytic = grads[k++];
      const auto fd = nn::gradcheck::fd_gradient<double>(objective, p.value, 1e-5);
      INFO(system << " hidden layers " << hidden.size() << " rows " << rows << " lambda " << lambda << " parameter "
                  << p.name);
      // Round-off of the differences ~ eps (kappa - 1)^2 / h on parameters with small gradients.
      CHECK(nn::gradcheck::relative_error(analytic, fd) < 1e-4);
    }
  }
}

TEST_CASE("closure encoder Jacobian: fixed rows are the block means, learned rows match differences", "[closure]") {
  ClosureAutoencoderT<double> ae(small_spec());
  const auto x = random_states(10, 2, 9);
  nn::Tensor<double> J, z;
  ae.jacobian(x, J, &z);
  REQUIRE(J.extent(0) == 10);
  REQUIRE(J.extent(1) == 8);
  auto Jh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
  auto zh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), z);
  auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  for (size_t b = 0; b < 2; ++b) {
    double mu = 0, mv = 0;
    for (size_t k = 0; k < 5; ++k) mu += xh(k, b) / 5, mv += xh(5 + k, b) / 5;
    CHECK(zh(0, b) == Approx(mu).epsilon(1e-14));
    CHECK(zh(1, b) == Approx(mv).epsilon(1e-14));
    for (size_t k = 0; k < 10; ++k) {
      CHECK(Jh(k, 0 * 2 + b) == Approx(k < 5 ? 0.2 : 0.0).margin(1e-15));
      CHECK(Jh(k, 1 * 2 + b) == Approx(k < 5 ? 0.0 : 0.2).margin(1e-15));
    }
  }
  // Learned rows by central differences of encode().
  const double h = 1e-6;
  for (size_t k = 0; k < 10; ++k) {
    auto xp = random_states(10, 2, 9), xm = random_states(10, 2, 9);
    auto hp = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), xp);
    auto hm = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), xm);
    for (size_t b = 0; b < 2; ++b) hp(k, b) += h, hm(k, b) -= h;
    Kokkos::deep_copy(xp, hp), Kokkos::deep_copy(xm, hm);
    nn::Tensor<double> zp, zm;
    ae.encode(xp, zp), ae.encode(xm, zm);
    auto zph = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), zp);
    auto zmh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), zm);
    for (size_t b = 0; b < 2; ++b)
      for (size_t i = 2; i < 4; ++i) CHECK(Jh(k, i * 2 + b) == Approx((zph(i, b) - zmh(i, b)) / (2 * h)).margin(1e-8));
  }
}

TEST_CASE("closure condition term on the learnt rows: kappa of phi_hat's block of the formed J", "[closure]") {
  // Reference: form J (fixed rows first), take the Gram matrices of its last d - d* rows, kappa from
  // their extreme eigenvalues; the condition term with condition_rows = "learnt" must be mean (kappa - 1)^2
  // over the batch (and with "all", the same over all d rows).
  // Both the Gram path (hidden layers) and the formed-J path (no hidden layer).
  auto spec = small_spec();
  spec.system = "lj";
  spec.state_dim = 12;
  for (const std::vector<size_t> hidden : {std::vector<size_t>{7, 6}, std::vector<size_t>{}})
  for (const std::string rows : {"all", "learnt"}) {
    spec.hidden = hidden;
    spec.condition_rows = rows;
    ClosureAutoencoderT<double> ae(spec);
    const size_t B = 4, d = spec.latent_dim, ds = ae.fixed_dim(), first = rows == "learnt" ? ds : 0;
    REQUIRE(ae.condition_dim() == d - first);
    const auto x = random_states(spec.state_dim, B, 11);
    nn::Tensor<double> J;
    ae.jacobian(x, J);
    auto Jh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
    double expected = 0;
    for (size_t b = 0; b < B; ++b) {
      const size_t k = d - first;
      std::vector<double> A(k * k, 0.0);
      for (size_t i = 0; i < k; ++i)
        for (size_t j = 0; j < k; ++j)
          for (size_t n = 0; n < spec.state_dim; ++n)
            A[i * k + j] += Jh(n, (first + i) * B + b) * Jh(n, (first + j) * B + b);
      const auto e = nn::symmetric_eigen(A, k);
      const double kappa = e.values.back() / e.values.front();
      expected += (kappa - 1) * (kappa - 1) / B;
    }
    std::vector<double> M;
    ae.condition_gram(x, M);
    CHECK(M.size() == B * (d - first) * (d - first));
    for (auto& p : ae.parameters().parameters()) Kokkos::deep_copy(p.grad, 0.0);
    const auto parts = ae.batch_loss(x, static_cast<double>(B), 1.0);
    INFO("hidden layers " << hidden.size() << " rows " << rows);
    CHECK(parts.condition == Approx(expected).epsilon(1e-9));
  }
}
