#pragma once
// Input Jacobian of an MLP encoder and the exact gradient of a loss on it, with the wide input layer
// handled once (the encoder of a large microstate: N = 40000 inputs, 64 hidden units).
//
// With phi = upper o Dense(W1, b1), a1 = W1 x + b1 and Jup = d upper / d a1 (K x h per sample):
//   J_b = Jup_b W1                         -> J = W1^T Jup, one GEMM (N x h)(h x K B)
//   <G, J> = <G1, Jup>, G1 = W1 G          -> the dual passes run on the h-wide upper network only;
//   d<G,J>/dW1 = Jup G^T + (d<G1,Jup>/da1) x^T,  d<G,J>/db1 = sum_b d<G1,Jup>/da1.
// Same layouts and results as nn::input_jacobian / nn::jacobian_loss_backward (nn/jacobian.hpp), which
// replicate the N-wide input layer K times (and accumulate a discarded K B-column weight gradient);
// here the only N-wide work is the two GEMMs every exact method needs. Falls back to nn/jacobian.hpp
// when layer 0 is not Dense.
//
// A loss that sees J only through the Gram matrices M_b = J_b J_b^T (the condition-number loss) does
// not need J at all. With fixed rows F_b (ds x N, the fixed observable's gradient) above phi_hat's rows,
// J_b = [F_b; Jup_b W1], P = W1 W1^T (h x h) and U_b = W1 F_b^T (h x ds):
//   M_b = [[F_b F_b^T, U_b^T Jup_b^T], [Jup_b U_b, Jup_b P Jup_b^T]]
// and for sum_b <S_b, M_b> (S_b symmetric, blocks S_ff, S_hf = S_fh^T, S_hh):
//   d/dJup_b = 2 S_hh Jup_b P + 2 S_hf U_b^T,  d/dP = sum_b Jup_b^T S_hh Jup_b,  d/dU_b = 2 Jup_b^T S_hf,
//   d/dW1 = 2 (d/dP) W1 + sum_b (d/dU_b) F_b + (through a1, as above).
// The N-wide work is then four GEMMs with h (not K*B) rows, in double: ~K*B/h times less than forming
// J, its Gram matrices and dL/dJ (15x at N = 40000, d = 16, batch 64).
#include <memory>
#include <vector>

#include "nn/sequential.hpp"

namespace macrodyn::closure {

template <class T>
class EncoderJacobian {
 public:
  explicit EncoderJacobian(std::shared_ptr<nn::Sequential<T>> net);
  // J (N, K*B), column i*B + b = row i of J_b.
  void jacobian(const nn::Tensor<T>& x, nn::Tensor<T>& J);
  // ADDS d<G, J>/dtheta (G fixed, J's layout) to the parameter gradients. Reuses the upper Jacobian
  // of the last jacobian() call when x is the same tensor (as in a training step), else recomputes it.
  void loss_backward(const nn::Tensor<T>& x, const nn::Tensor<T>& G);

  // Whether gram() / gram_loss_backward() apply (layer 0 Dense, at least one layer above it).
  bool structured() const { return split_; }
  // M: B consecutive row-major d x d blocks M_b (d = ds + K, fixed rows first as in J) from x (N, B) and
  // the fixed rows F (N, ds*B), column s*B + b = row s of F_b, or F (N, ds) when every sample has the
  // same rows (a linear observable: the U GEMM is then B times smaller).
  void gram(const nn::Tensor<T>& x, const nn::Tensor<double>& F, size_t ds, std::vector<double>& M);
  // ADDS d/dtheta sum_b <S_b, M_b> (S in M's layout, each S_b symmetric) to the parameter gradients.
  // Reuses gram()'s work when x is the same tensor.
  void gram_loss_backward(const nn::Tensor<T>& x, const nn::Tensor<double>& F, size_t ds,
                          const std::vector<double>& S);

 private:
  // Upper Jacobian jup_ (and a1_) for x.
  void upper_jacobian(const nn::Tensor<T>& x);
  // Given tangents g1_ = d<loss>/dJup (h, K*B): adds the upper network's parameter gradients and, through
  // a1 = W1 x + b1, those of W1 and b1.
  void backward_through_upper(const nn::Tensor<T>& x);

  std::shared_ptr<nn::Sequential<T>> net_;
  nn::Sequential<T> upper_;
  bool split_ = false;
  nn::Tensor<T> a1_, jup_, g1_, y_, ydot_, dy_, dydot_, dx_, dxdot_, ones_, last_x_;
  // gram(): W1, P, U, Jup, Q = P Jup and the gradients in double.
  nn::Tensor<double> w1_, p_, u_, jupd_, q_, r_, dp_, du_, dw1_;
  bool gram_ready_ = false;  // the gram() members above belong to last_x_
};

extern template class EncoderJacobian<float>;
extern template class EncoderJacobian<double>;

}  // namespace macrodyn::closure
