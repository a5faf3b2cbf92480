#pragma once
// Element-wise activation layers: tanh, relu, softplus, silu, sigmoid.
//
// Shapes: x, y (n, B). No parameters.
//   tanh      s(x) = tanh x               s' = 1 - s^2          s'' = -2 s s'
//   relu      s(x) = max(x, 0)            s' = [x > 0]          s'' = 0 (a.e.)
//   softplus  s(x) = log(1 + e^x)         s' = sig(x)           s'' = sig(1 - sig)
//   silu      s(x) = x sig(x)             s' = sig (1 + x (1 - sig))
//                                         s'' = sig (1 - sig) (2 + x (1 - 2 sig))
//   sigmoid   s(x) = sig(x) = 1/(1+e^-x)  s' = sig (1 - sig)    s'' = s' (1 - 2 sig)
// forward  y = s(x);   backward dx = s'(x) dy.
// Dual (K tangents per sample, column k*B + b pairs with sample b):
//   ydot = s'(x) xdot;  dx = s'(x) dy + sum_k s''(x) xdot_k dydot_k;  dxdot = s'(x) dydot.
// forward stores s'(x) in the layer's own buffer (one tanh/exp per entry per step); the dual form
// recomputes derivatives from the cached view of x. The caller may reuse y freely.
// Float softplus forward uses the vectorisable exp/log1p of nn/float_math.hpp (value and s' from one
// exp, a few ulp from the correctly rounded result); other kinds and double use the math library.
#include "nn/layer.hpp"

namespace macrodyn::nn {

enum class ActivationKind { Tanh, Relu, Softplus, Silu, Sigmoid };

// "tanh" | "relu" | "softplus" | "silu" | "sigmoid" (throws naming the valid choices otherwise).
ActivationKind activation_kind(const std::string& name);
std::string activation_name(ActivationKind kind);

template <class T>
class Activation : public Layer<T> {
 public:
  Activation(ActivationKind kind, size_t features) : kind_(kind), n_(features) {}

  std::string kind() const override { return activation_name(kind_); }
  size_t in_features() const override { return n_; }
  size_t out_features() const override { return n_; }
  ActivationKind activation() const { return kind_; }

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward(const Tensor<T>& dy, Tensor<T>& dx) override;
  bool runs_in_sample_blocks() const override { return true; }
  void prepare_forward(const Tensor<T>& x, Tensor<T>& y) override;
  void forward_block(const Tensor<T>& x, const Tensor<T>& y, size_t b0, size_t b1) const override;
  void backward_input_block(const Tensor<T>& dy, const Tensor<T>& dx, size_t b0, size_t b1) const override;
  void forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) override;
  void backward_dual(const Tensor<T>& dy, const Tensor<T>& dydot, Tensor<T>& dx, Tensor<T>& dxdot) override;

  std::vector<double> hyper_parameters() const override { return {double(n_)}; }

 private:
  ActivationKind kind_;
  size_t n_;
  Tensor<T> x_, xdot_;
  Tensor<T> deriv_;  // s'(x) of the last forward, for backward
};

}  // namespace macrodyn::nn
