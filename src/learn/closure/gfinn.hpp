#pragma once
// GFINN latent model: dynamics in GENERIC form with the degeneracy conditions built in (after Zhang,
// Shin & Karniadakis, "GFINNs: GENERIC formalism informed neural networks", 2022):
//
//   dz/dt = g(z) = L(z) grad E(z) + M(z) grad S(z),
//   L = P_S A P_S,  A = U - U^T (U = strict upper triangle of MLP_A(z)),  P_S = I - s s^T / |s|^2, s = grad S
//   M = P_E K P_E,  K = T T^T (T = lower triangle of MLP_M(z)),            P_E = I - e e^T / |e|^2, e = grad E
// so L is antisymmetric with L grad S = 0, M symmetric positive semi-definite with M grad E = 0, and
// along any trajectory dE/dt = 0 and dS/dt = s^T M s >= 0. E and S are scalar MLPs (tanh); their
// gradients come from one dual pass with the d unit tangents. backward_parameters() gives the exact
// parameter gradient: the d x d algebra by hand, the MLP_A / MLP_M parts by backprop, and
// d/dtheta <h, grad E> (h = dL/d grad E) by a dual pass with tangent h (likewise for S). The input
// gradient (backward's dx) is not provided. (The projection form is this code's way to impose the
// degeneracy conditions; the GFINN paper builds L and M from skew tensors with the same properties.)
#include <memory>

#include "nn/sequential.hpp"

namespace macrodyn::closure {

class Gfinn : public nn::Layer<float> {
 public:
  using TensorF = nn::Tensor<float>;
  Gfinn(size_t d, size_t hidden, uint64_t seed);

  std::string kind() const override { return "gfinn"; }
  size_t in_features() const override { return d_; }
  size_t out_features() const override { return d_; }
  void forward(const TensorF& x, TensorF& y, bool training) override;
  void backward(const TensorF& dy, TensorF& dx) override;
  void backward_parameters(const TensorF& dy) override;
  std::vector<nn::Parameter<float>> parameters() override;
  std::vector<double> hyper_parameters() const override { return {double(d_), double(hidden_)}; }

  // Host values at the last forward() for sample b (tests): L, M (d x d row-major), grad E, grad S.
  void operators(size_t b, std::vector<double>& L, std::vector<double>& M, std::vector<double>& gradE,
                 std::vector<double>& gradS) const;

 private:
  size_t d_, hidden_;
  std::shared_ptr<nn::Sequential<float>> energy_, entropy_, skew_, friction_;
  TensorF z_, tangents_, e_, edot_, s_, sdot_, a_, m_, da_, dm_, he_, hs_, dy0_, ones_, dx_, dxdot_;
  std::vector<double> grad_e_, grad_s_;  // d x B, sample-major
};

}  // namespace macrodyn::closure
