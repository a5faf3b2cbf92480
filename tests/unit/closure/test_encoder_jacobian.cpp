// The split encoder Jacobian (input layer handled once) gives the same J and the same parameter
// gradient of <G, J> as the neural core's generic nn::input_jacobian / nn::jacobian_loss_backward.
#include <catch2/catch.hpp>

#include "learn/closure/encoder_jacobian.hpp"
#include "nn/gradient_check.hpp"
#include "nn/jacobian.hpp"
#include "nn/parameter_init.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

namespace {

// Every parameter gradient of net, concatenated.
std::vector<double> gradients(nn::Sequential<double>& net) {
  std::vector<double> all;
  for (auto& p : net.parameters()) {
    const auto v = nn::gradcheck::to_vector(p.grad);
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

void zero_gradients(nn::Sequential<double>& net) {
  for (auto& p : net.parameters()) Kokkos::deep_copy(p.grad, 0.0);
}

}  // namespace

TEST_CASE("split encoder Jacobian equals the generic input Jacobian and its loss gradient", "[closure]") {
  const size_t N = 23, B = 5, K = 3;
  auto net = nn::make_mlp<double>({N, 9, 7, K}, "softplus", 4);
  nn::Tensor<double> x("x", N, B), G("G", N, K * B), Jref, J;
  nn::fill_uniform(x, 1, 0, -1.0, 1.0);
  nn::fill_uniform(G, 1, 1, -1.0, 1.0);
  nn::input_jacobian(*net, x, Jref);
  EncoderJacobian<double> split(net);
  split.jacobian(x, J);
  CHECK(nn::gradcheck::relative_error(nn::gradcheck::to_vector(J), nn::gradcheck::to_vector(Jref)) < 1e-13);

  zero_gradients(*net);
  nn::jacobian_loss_backward(*net, x, G);
  const auto reference = gradients(*net);
  zero_gradients(*net);
  split.loss_backward(x, G);
  CHECK(nn::gradcheck::relative_error(gradients(*net), reference) < 1e-12);
}

TEST_CASE("Gram path: J_b J_b^T and the gradient of sum <S_b, J_b J_b^T> without forming J", "[closure]") {
  // Fixed rows F (any values: for Allen-Cahn and LJ they depend on x) stacked on the learned rows.
  // Shared rows: F (N, ds) holds one F_b for every sample (a linear observable such as a block mean).
  const size_t N = 23, B = 4, K = 3;
  for (size_t ds : {size_t(0), size_t(1), size_t(2)})
  for (bool shared : {false, true}) {
    const size_t d = ds + K, fcols = shared ? ds : ds * B;
    auto net = nn::make_mlp<double>({N, 9, 7, K}, "softplus", 5);
    nn::Tensor<double> x("x", N, B), F("F", N, fcols), Jhat, Sfull("S", d * d * B, 1);
    nn::fill_uniform(x, 2, 0, -1.0, 1.0);
    nn::fill_uniform(F, 2, 1, -1.0, 1.0);
    nn::fill_uniform(Sfull, 2, 2, -1.0, 1.0);
    EncoderJacobian<double> split(net);
    REQUIRE(split.structured());
    split.jacobian(x, Jhat);
    // Reference: the full J (N, d*B) = [F, Jhat] and its Gram matrices in double.
    nn::Tensor<double> J("J", N, d * B);
    auto Fh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), F);
    auto Jfh = Kokkos::create_mirror_view(J);
    for (size_t s = 0; s < ds; ++s)
      for (size_t b = 0; b < B; ++b)
        for (size_t k = 0; k < N; ++k) Jfh(k, s * B + b) = Fh(k, shared ? s : s * B + b);
    Kokkos::deep_copy(J, Jfh);
    Kokkos::deep_copy(Kokkos::subview(J, Kokkos::ALL, std::make_pair(ds * B, d * B)), Jhat);
    const auto Mref = nn::gram_matrices(J, d);
    std::vector<double> M;
    split.gram(x, F, ds, M);
    INFO("ds " << ds << " shared " << shared);
    CHECK(nn::gradcheck::relative_error(M, Mref) < 1e-13);

    // Symmetric S_b; the reference gradient is that of <G, J> with G_b = 2 J_b S_b (phi_hat's rows).
    auto Sh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), Sfull);
    std::vector<double> S(d * d * B);
    for (size_t b = 0; b < B; ++b)
      for (size_t i = 0; i < d; ++i)
        for (size_t j = 0; j < d; ++j)
          S[b * d * d + i * d + j] = Sh(b * d * d + std::min(i, j) * d + std::max(i, j), 0);
    auto Jh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
    nn::Tensor<double> G("G", N, K * B);
    auto Gh = Kokkos::create_mirror_view(G);
    for (size_t b = 0; b < B; ++b)
      for (size_t i = 0; i < K; ++i)
        for (size_t k = 0; k < N; ++k) {
          double sum = 0;
          for (size_t j = 0; j < d; ++j) sum += 2 * S[b * d * d + (ds + i) * d + j] * Jh(k, j * B + b);
          Gh(k, i * B + b) = sum;
        }
    Kokkos::deep_copy(G, Gh);
    zero_gradients(*net);
    split.loss_backward(x, G);
    const auto reference = gradients(*net);
    zero_gradients(*net);
    split.gram(x, F, ds, M);
    split.gram_loss_backward(x, F, ds, S);
    CHECK(nn::gradcheck::relative_error(gradients(*net), reference) < 1e-12);
  }
}
