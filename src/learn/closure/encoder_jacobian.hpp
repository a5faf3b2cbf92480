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
#include <memory>

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

 private:
  std::shared_ptr<nn::Sequential<T>> net_;
  nn::Sequential<T> upper_;
  bool split_ = false;
  nn::Tensor<T> a1_, jup_, g1_, y_, ydot_, dy_, dydot_, dx_, dxdot_, ones_, last_x_;
};

extern template class EncoderJacobian<float>;
extern template class EncoderJacobian<double>;

}  // namespace macrodyn::closure
