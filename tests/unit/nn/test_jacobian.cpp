// Input-derivative losses: the encoder Jacobian, the condition-number loss and its exact parameter
// gradient; grad_z V of a scalar MLP and the parameter / input gradients of a loss that uses it.
#include <catch2/catch.hpp>

#include "nn/activations.hpp"
#include "nn/conv.hpp"
#include "nn/dense.hpp"
#include "nn/gradient_check.hpp"
#include "nn/jacobian.hpp"
#include "nn/scalar_gradient.hpp"
#include "nn/sequential.hpp"
#include "nn/symmetric_eigen.hpp"

using namespace macrodyn::nn;

TEST_CASE("Jacobi eigen-decomposition of a symmetric matrix", "[nn][jacobian]") {
  const std::vector<double> a = {4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 1};
  const auto e = symmetric_eigen(a, 3);
  for (size_t k = 0; k < 3; ++k)
    for (size_t i = 0; i < 3; ++i) {
      double av = 0;
      for (size_t j = 0; j < 3; ++j) av += a[i * 3 + j] * e.vectors[j * 3 + k];
      CHECK(av == Approx(e.values[k] * e.vectors[i * 3 + k]).margin(1e-13));
    }
  CHECK(e.values[0] + e.values[1] + e.values[2] == Approx(8.0).epsilon(1e-14));
  CHECK(e.values[0] < e.values[1]);
}

TEST_CASE("input_jacobian matches finite differences and leaves gradients alone", "[nn][jacobian]") {
  const size_t N = 6, d = 3, B = 2;
  auto net = make_mlp<double>({N, 9, d}, "tanh", 3);
  Tensor<double> x("x", N, B);
  fill_normal(x, 4, 0);
  for (auto& p : net->parameters()) Kokkos::deep_copy(p.grad, 0.25);
  Tensor<double> J, y;
  input_jacobian(*net, x, J, &y);
  for (auto& p : net->parameters())
    for (double g : gradcheck::to_vector(p.grad)) CHECK(g == 0.25);
  auto Jv = gradcheck::to_vector(J);
  auto yv = gradcheck::to_vector(y);
  // dphi_i/dx_n of sample b by central differences on output i
  for (size_t i = 0; i < d; ++i) {
    Tensor<double> sel("sel", d, B);
    Kokkos::deep_copy(Kokkos::subview(sel, i, Kokkos::ALL), 1.0);
    auto fd = gradcheck::fd_gradient<double>(
        [&] {
          Tensor<double> yy;
          net->forward(x, yy, false);
          return gradcheck::dot(sel, yy);
        },
        x, 1e-5);
    // fd(n + N b) = dphi_i(x_b)/dx_n  vs  J(n, i*B + b)
    std::vector<double> an(N * B);
    for (size_t b = 0; b < B; ++b)
      for (size_t n = 0; n < N; ++n) an[n + N * b] = Jv[n + N * (i * B + b)];
    CHECK(gradcheck::relative_error(an, fd) < 1e-8);
  }
  CHECK(yv.size() == d * B);
}

TEST_CASE("Condition-number loss: dL/dJ and dL/dtheta match finite differences", "[nn][jacobian]") {
  const size_t N = 7, d = 3, B = 3;
  for (const char* act : {"tanh", "softplus"}) {
    INFO(act);
    auto net = make_mlp<double>({N, 8, 6, d}, act, 17);
    Tensor<double> x("x", N, B);
    fill_normal(x, 5, 0);
    auto loss_of_params = [&] {
      Tensor<double> J, G;
      input_jacobian(*net, x, J);
      return condition_number_loss(J, d, G).loss;
    };
    Tensor<double> J, G;
    input_jacobian(*net, x, J);
    const auto r = condition_number_loss(J, d, G);
    CHECK(r.loss > 0);
    for (double k : r.kappa) CHECK(k >= 1.0);
    // dL/dJ
    Tensor<double> G2;
    auto fdJ = gradcheck::fd_gradient<double>([&] { return condition_number_loss(J, d, G2).loss; }, J, 1e-6);
    CHECK(gradcheck::relative_error(gradcheck::to_vector(G), fdJ) < 1e-6);
    // dL/dtheta through the dual pass
    for (auto& p : net->parameters()) Kokkos::deep_copy(p.grad, 0.0);
    jacobian_loss_backward(*net, x, G);
    for (auto& p : net->parameters()) {
      INFO(p.name);
      auto fd = gradcheck::fd_gradient<double>(loss_of_params, p.value, 1e-6);
      CHECK(gradcheck::relative_error(gradcheck::to_vector(p.grad), fd) < 1e-6);
    }
  }
}

TEST_CASE("grad_z V and the exact gradients of a loss that uses it", "[nn][scalar_gradient]") {
  const size_t d = 3, B = 4;
  auto V = make_mlp<double>({d, 8, 8, 1}, "tanh", 23);
  Tensor<double> z("z", d, B), f("f", d, B);
  fill_normal(z, 6, 0);
  fill_normal(f, 7, 0);
  // grad V vs finite differences of V
  Tensor<double> g, v;
  scalar_gradient(*V, z, g, &v);
  Tensor<double> ones("ones", 1, B);
  Kokkos::deep_copy(ones, 1.0);
  auto fdg = gradcheck::fd_gradient<double>(
      [&] {
        Tensor<double> y;
        V->forward(z, y, false);
        return gradcheck::dot(ones, y);
      },
      z, 1e-5);
  CHECK(gradcheck::relative_error(gradcheck::to_vector(g), fdg) < 1e-8);

  // L = 1/2 sum_b |grad V(z_b) - f_b|^2 + 0.3 sum_b V(z_b)
  auto loss = [&] {
    Tensor<double> gg, vv;
    scalar_gradient(*V, z, gg, &vv);
    const auto gv = gradcheck::to_vector(gg), fv = gradcheck::to_vector(f), vvv = gradcheck::to_vector(vv);
    double s = 0;
    for (size_t k = 0; k < gv.size(); ++k) s += 0.5 * (gv[k] - fv[k]) * (gv[k] - fv[k]);
    for (double e : vvv) s += 0.3 * e;
    return s;
  };
  Tensor<double> H("H", d, B), dV("dV", 1, B), dz;
  Kokkos::deep_copy(H, g);
  {
    auto Hh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), H);
    auto fh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f);
    for (size_t b = 0; b < B; ++b)
      for (size_t k = 0; k < d; ++k) Hh(k, b) -= fh(k, b);
    Kokkos::deep_copy(H, Hh);
  }
  Kokkos::deep_copy(dV, 0.3);
  for (auto& p : V->parameters()) Kokkos::deep_copy(p.grad, 0.0);
  scalar_gradient_backward(*V, z, H, dz, &dV);
  for (auto& p : V->parameters()) {
    INFO(p.name);
    CHECK(gradcheck::relative_error(gradcheck::to_vector(p.grad), gradcheck::fd_gradient<double>(loss, p.value, 1e-5)) <
          1e-6);
  }
  CHECK(gradcheck::relative_error(gradcheck::to_vector(dz), gradcheck::fd_gradient<double>(loss, z, 1e-5)) < 1e-6);
}

TEST_CASE("Condition-number loss gradient through a periodic Conv1d encoder", "[nn][jacobian]") {
  const size_t N = 8, d = 2, B = 2;
  Sequential<double> net;
  net.add(std::make_shared<Conv<double>>(conv_options(1, 1, 2, {int(N)}, {3}, {2}, {1}, true), 31, 0));
  net.add(std::make_shared<Activation<double>>(ActivationKind::Silu, 8));
  net.add(std::make_shared<Dense<double>>(8, d, 31, 1));
  Tensor<double> x("x", N, B), J, G;
  fill_normal(x, 9, 0);
  input_jacobian(net, x, J);
  condition_number_loss(J, d, G);
  for (auto& p : net.parameters()) Kokkos::deep_copy(p.grad, 0.0);
  jacobian_loss_backward(net, x, G);
  auto loss_of_params = [&] {
    Tensor<double> JJ, GG;
    input_jacobian(net, x, JJ);
    return condition_number_loss(JJ, d, GG).loss;
  };
  for (auto& p : net.parameters()) {
    INFO(p.name);
    CHECK(gradcheck::relative_error(gradcheck::to_vector(p.grad),
                                    gradcheck::fd_gradient<double>(loss_of_params, p.value, 1e-6)) < 1e-6);
  }
}
