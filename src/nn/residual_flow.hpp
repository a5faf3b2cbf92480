#pragma once
// Residual flow block (invertible ResNet: Behrmann et al. 2019, "Invertible residual networks";
// Chen et al. 2019, "Residual flows for invertible generative modeling"):
//
//   y = x + g(x),  g = Dense(d,h) - tanh - Dense(h,h) - tanh - Dense(h,d)
// Invertible when Lip(g) < 1. tanh is 1-Lipschitz, so Lip(g) <= prod_l ||W_l||_2; the block keeps
// ||W_l||_2 <= c^(1/3) for every layer (c = `lipschitz` < 1), hence Lip(g) <= c, by projection:
//   project_lipschitz(): W_l <- W_l * min(1, c^(1/3) / sigma_l), sigma_l = ||W_l||_2 by power
//   iteration warm-started from the previous singular vector (a buffer, so checkpoints resume
//   exactly) and run to a relative change < 1e-10 (at most 500 iterations).
//   Call it after every optimizer step (and before the first forward).
// inverse(y): fixed point x_{k+1} = y - g(x_k), x_0 = y, until max |x_{k+1} - x_k| <= tol
//   (1e-13 double, 1e-6 float) or 200 iterations (a contraction with rate c).
// log|det J| = log|det(I + dg/dx)|, two ways (ResidualLogDet::terms):
// * terms = 0, EXACT (d <= 16): the d tangents e_k go through g by forward-mode (dual) passes,
//   giving dg/dx per sample, then an LU per sample. Reverse mode: with G_b = dc_b (I + dg/dx)^{-T},
//   the tangents' cotangents are G_b's columns and g's backward_dual gives the parameter gradient
//   and the input gradient (including the second-order term).
// * terms = n > 0, POWER SERIES (any d; Chen et al. 2019, fixed truncation + Hutchinson):
//     log det(I + J) = sum_{k>=1} (-1)^(k+1) tr(J^k) / k,  tr(A) ~ (1/P) sum_p v_p^T A v_p,
//   J = dg/dx; the probes v_p ~ N(0, I) are drawn per (column, forward call, probe) from
//   CounterRng(seed, stream), or are the d basis vectors (basis_probes: the trace of each power is
//   then exact, for checks: the sum over them replaces the mean). w_k = J^k v by n dual passes. Truncation error <= sum_{k>n} c^k / k
//   per dimension (c = lipschitz). Gradient: the Neumann series for d log det = tr((I + J)^-1 dJ),
//     tr((I + J)^-1 dJ) ~ (1/P) sum_p v_p^T dJ s_p,  s_p = sum_{k=0}^{n-1} (-J)^k v_p,
//   i.e. one more dual pass with tangent s_p and the cotangent dc_b v_p / P on it, through g's
//   backward_dual (parameters and input, second-order term included). This is the gradient of the
//   true log-det up to the truncation, not the derivative of the truncated sum itself.
#include <memory>

#include "nn/invertible.hpp"
#include "nn/sequential.hpp"

namespace macrodyn::nn {

struct ResidualLogDet {
  int terms = 0;              // 0: exact (d <= 16); n > 0: power series of n terms
  int probes = 1;             // Hutchinson probes per sample (power series)
  bool basis_probes = false;  // probes = the d basis vectors (exact traces; `probes` ignored)
  uint64_t seed = 0, stream = 0;
};

template <class T>
class ResidualFlowBlock : public InvertibleLayer<T> {
 public:
  static constexpr size_t kMaxExactDim = 16;
  ResidualFlowBlock(size_t d, size_t hidden, double lipschitz = 0.9, uint64_t seed = 0, uint64_t stream = 0,
                    ResidualLogDet logdet = {});

  std::string kind() const override { return "residual_flow"; }
  size_t in_features() const override { return d_; }
  size_t out_features() const override { return d_; }

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) override;
  void inverse(const Tensor<T>& y, Tensor<T>& x) override;
  const Tensor<T>& log_det() const override { return log_det_; }

  std::vector<Parameter<T>> parameters() override { return prefixed_params(); }
  std::vector<Parameter<T>> buffers() override;
  std::vector<double> hyper_parameters() const override { return {double(d_), double(hidden_), lipschitz_}; }
  const ResidualLogDet& logdet_options() const { return logdet_; }

  void project_lipschitz();
  // ||W_l||_2 of each linear layer by a cold-start power iteration to convergence (for checks).
  std::vector<double> spectral_norms() const;
  int last_inverse_iterations() const { return inverse_iterations_; }

 private:
  std::vector<Parameter<T>> prefixed_params();
  void forward_series(const Tensor<T>& x);

  size_t d_, hidden_;
  double lipschitz_;
  ResidualLogDet logdet_;
  uint32_t series_forwards_ = 0;
  std::shared_ptr<Sequential<T>> g_;
  std::vector<Parameter<T>> power_vectors_;  // right singular vector estimate per Dense layer (in, 1)
  Tensor<T> gx_, tangents_, gdot_, jac_inv_t_, dgx_, dtan_;
  Tensor<T> probe_, power_, neumann_;  // power series: probes v, J^k v, sum_k (-J)^k v
  Tensor<T> log_det_;
  int inverse_iterations_ = 0;
};

extern template class ResidualFlowBlock<double>;
extern template class ResidualFlowBlock<float>;

}  // namespace macrodyn::nn
