// The split encoder Jacobian (input layer handled once) gives the same J and the same parameter
// gradient of <G, J> as the neural core's generic nn::input_jacobian / nn::jacobian_loss_backward.
#include <catch2/catch.hpp>

#include "learn/closure/encoder_jacobian.hpp"
#include "nn/gradient_check.hpp"
#include "nn/jacobian.hpp"
#include "nn/parameter_init.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

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

  auto grads = [&]() {
    std::vector<double> all;
    for (auto& p : net->parameters()) {
      const auto v = nn::gradcheck::to_vector(p.grad);
      all.insert(all.end(), v.begin(), v.end());
    }
    return all;
  };
  for (auto& p : net->parameters()) Kokkos::deep_copy(p.grad, 0.0);
  nn::jacobian_loss_backward(*net, x, G);
  const auto reference = grads();
  for (auto& p : net->parameters()) Kokkos::deep_copy(p.grad, 0.0);
  split.loss_backward(x, G);
  CHECK(nn::gradcheck::relative_error(grads(), reference) < 1e-12);
}
