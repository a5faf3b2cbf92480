#pragma once
// Dense (fully connected) layer.
//
// Shapes: x (in, B), y (out, B), W (out, in), b (out, 1).
// Parameters: weight W, bias b; initialised U(-1/sqrt(in), 1/sqrt(in)) from CounterRng(seed, stream).
// forward       y = W x + b                        (one BLAS GEMM, LayoutLeft)
// backward      dW += dy x^T, db += sum_b dy, dx = W^T dy
// forward_dual  ydot = W xdot                      (the layer is affine: no second-order term)
// backward_dual dW += dy x^T + dydot xdot^T, db += sum_b dy, dx = W^T dy, dxdot = W^T dydot
// Sample blocks (host): y and dx by column blocks of the batch, dW by column blocks of W and db by row
// blocks, each GEMM one single-threaded BLAS call.
// The layer keeps a shallow copy (view) of x (and xdot): the caller must not overwrite them before
// the matching backward call.
#include <cstdint>

#include "nn/layer.hpp"

namespace macrodyn::nn {

template <class T>
class Dense : public Layer<T> {
 public:
  Dense(size_t in, size_t out, uint64_t seed = 0, uint64_t stream = 0);

  std::string kind() const override { return "dense"; }
  size_t in_features() const override { return in_; }
  size_t out_features() const override { return out_; }

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward(const Tensor<T>& dy, Tensor<T>& dx) override;
  void backward_parameters(const Tensor<T>& dy) override;
  void forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) override;
  void backward_dual(const Tensor<T>& dy, const Tensor<T>& dydot, Tensor<T>& dx, Tensor<T>& dxdot) override;

  bool runs_in_sample_blocks() const override { return true; }
  void prepare_forward(const Tensor<T>& x, Tensor<T>& y) override;
  void forward_block(const Tensor<T>& x, const Tensor<T>& y, size_t b0, size_t b1) const override;
  void backward_input_block(const Tensor<T>& dy, const Tensor<T>& dx, size_t b0, size_t b1) const override;
  void add_parameter_gradient_part(const Tensor<T>& dy, int part, int parts) override;

  std::vector<Parameter<T>> parameters() override { return {weight_, bias_}; }
  std::vector<double> hyper_parameters() const override { return {double(in_), double(out_)}; }

  Parameter<T>& weight() { return weight_; }
  Parameter<T>& bias() { return bias_; }

 private:
  void affine(const Tensor<T>& x, Tensor<T>& y) const;
  void accumulate_bias_grad(const Tensor<T>& dy);

  size_t in_, out_;
  Parameter<T> weight_, bias_;
  Tensor<T> x_, xdot_;  // cached inputs (views)
  Tensor<T> ones_;      // (B, 1) of ones for the bias gradient
};

}  // namespace macrodyn::nn
