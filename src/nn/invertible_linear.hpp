#pragma once
// Invertible linear layer, LU-parametrised (Glow's invertible 1x1 convolution, Kingma & Dhariwal 2018).
//
//   y = W x,   W = P L U',   L = I + strict_lower(lower),   U' = strict_upper(upper) + diag(sign * exp(log_s))
//   log|det J| = sum_i log_s_i (the same for every sample), inverse x = U'^-1 L^-1 P^T y.
// P is a fixed permutation (buffer "perm": (P v)_r = v_perm[r]), sign a fixed +-1 (buffer "sign").
// Parameters: lower (d, d) (only its strict lower part is used, the rest has zero gradient),
// upper (d, d) (strict upper part), log_s (d, 1).
// Initialisation: W = a random orthogonal matrix (Gram-Schmidt of a Gaussian matrix from
// CounterRng(seed, stream)) factorised by LU with partial pivoting, as in Glow.
// Backward: G = dy x^T, dM = P^T G (M = L U'), dL = strict_lower(dM U'^T), dU' = L^T dM,
//   dupper = strict_upper(dU'), dlog_s_i = dU'_ii sign_i exp(log_s_i) + sum_b dc_b,  dx = W^T dy.
// The d x d algebra runs on the host (d is small: 2 ... 64); the batch products are BLAS GEMMs.
#include <cstdint>

#include "nn/invertible.hpp"

namespace macrodyn::nn {

template <class T>
class InvertibleLinear : public InvertibleLayer<T> {
 public:
  InvertibleLinear(size_t d, uint64_t seed = 0, uint64_t stream = 0);

  std::string kind() const override { return "invertible_linear"; }
  size_t in_features() const override { return d_; }
  size_t out_features() const override { return d_; }

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) override;
  void inverse(const Tensor<T>& y, Tensor<T>& x) override;
  const Tensor<T>& log_det() const override { return log_det_; }

  std::vector<Parameter<T>> parameters() override { return {lower_, upper_, log_s_}; }
  std::vector<Parameter<T>> buffers() override;
  std::vector<double> hyper_parameters() const override { return {static_cast<double>(d_)}; }

  // W assembled from the current parameters (host, row-major d*d) and its inverse.
  std::vector<double> weight_matrix() const;
  std::vector<double> inverse_matrix() const;

 private:
  struct Factors;
  Factors factors() const;

  size_t d_;
  Parameter<T> lower_, upper_, log_s_;
  Tensor<T> perm_, sign_;  // buffers (d, 1)
  Tensor<T> w_, winv_, g_, x_, log_det_;
};

extern template class InvertibleLinear<double>;
extern template class InvertibleLinear<float>;

}  // namespace macrodyn::nn
