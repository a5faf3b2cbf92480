#pragma once
// OnsagerNet latent model (Yu, Tian, E & Li, "OnsagerNet: learning stable and interpretable dynamics
// using a generalized Onsager principle", 2021), in the form the closure paper's reference uses:
//
//   dz/dt = g(z) = -(M(z) + W(z) + alpha I) grad V(z) + f(z)
//   V(z)  = beta |z|^2 + 1/2 |p(z)|^2,   p(z) = MLP_V(z) + Gamma z   (d -> hidden_v -> hidden_v -> m, tanh)
//   [A(z)] = MLP_MW(z) reshaped d x d (row-major; d -> hidden_mw -> hidden_mw -> d^2, tanh),
//   M = L L^T with L = tril(A) (symmetric positive semi-definite; + alpha I makes the dissipation
//   definite), W = U - U^T with U = triu(A) (antisymmetric);
//   f(z) the forcing: d more outputs of MLP_MW (so it reads the hidden features M and W are made
//   from, as the reference's forcing reads its shared hidden layer), or 0 with forcing = false.
// grad V = 2 beta z + J_p^T p, by one reverse pass through MLP_V (written out by hand, O(1) passes
// whatever d). backward_parameters() gives the exact parameter gradient: through M and W by the chain
// rule on the d x d algebra, as O(d^2) products without forming M or W, and through grad V as
// d/dtheta <J_p h, p> with h = dL/d(grad V): one forward tangent u = J_p h, then the reverse pass. The input gradient
// (backward's dx) is not provided: latent models are only trained w.r.t. their parameters.
// Defaults: hidden_v = [32, 32], m = 32, hidden_mw = [64, 64], beta = 0.1, alpha = 0.01, forcing on.
#include <memory>

#include "nn/two_branch.hpp"
#include "nn/sequential.hpp"

namespace macrodyn::closure {

class OnsagerNet : public nn::Layer<float> {
 public:
  using TensorF = nn::Tensor<float>;
  OnsagerNet(size_t d, size_t hidden_v, size_t potential_dim, size_t hidden_mw, double beta, double alpha, bool forcing,
             uint64_t seed);

  std::string kind() const override { return "onsager_net"; }
  size_t in_features() const override { return d_; }
  size_t out_features() const override { return d_; }
  void forward(const TensorF& x, TensorF& y, bool training) override;
  void backward(const TensorF& dy, TensorF& dx) override;
  void backward_parameters(const TensorF& dy) override;
  std::vector<nn::Parameter<float>> parameters() override;
  std::vector<double> hyper_parameters() const override {
    return {double(d_), double(hidden_v_), double(m_), double(hidden_mw_), beta_, alpha_, double(forcing_)};
  }

  // Host values at the last forward() for sample b (tests): M, W (d x d row-major) and grad V (d).
  void matrices(size_t b, std::vector<double>& M, std::vector<double>& W, std::vector<double>& gradV) const;
  // f(z_b) at the last forward() (d values; zeros without forcing) (tests).
  std::vector<double> forcing(size_t b) const;
  // V(z_b) at the last forward() (tests).
  double potential(size_t b) const;

 private:
  size_t d_, hidden_v_, m_, hidden_mw_;
  double beta_, alpha_;
  bool forcing_;
  std::shared_ptr<nn::TwoBranch<float>> potential_;  // p(z)
  std::shared_ptr<nn::Sequential<float>> mw_;        // A(z)
  // The potential and grad V by hand (reverse mode, onsager_net.cpp), and the parameter gradient of
  // <h_, grad V> (one forward tangent, then reverse).
  void potential_forward(const TensorF& z);
  void potential_backward();

  TensorF z_, p_, a_, da_, h_, t1_, t2_, s1_, s2_, r1_, r2_, jtp_, u1_, u2_, v1_, v2_, u_, e1_, e2_;
  std::vector<double> gradv_;  // d x B (column b contiguous)
};

}  // namespace macrodyn::closure
