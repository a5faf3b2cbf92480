#pragma once
// Sequential composition f = f_{L-1} o ... o f_0 of layers.
//
// Shapes: x (in of layer 0, B), y (out of layer L-1, B); consecutive layers must agree
// (out_features of layer i == in_features of layer i+1, checked by add()).
// forward: y_i = f_i(y_{i-1}) into internal buffers, the last layer writes straight into y.
// backward: the chain rule in reverse; backward_parameters() skips the first layer's dx.
// On a multi-threaded host, a Sequential of Dense and activation layers runs each pass in sample
// blocks, one per thread (nn/sample_blocks.hpp): forward in one parallel region, backward in two.
// Dual: the same chain on (y_i, ydot_i) pairs; backward_dual runs each layer's backward_dual in
// reverse order, which is exactly reverse mode through the tangent computation.
// Parameters are the layers' parameters with names prefixed "<index>." ("0.weight", "2.bias").
#include <memory>

#include "nn/layer.hpp"

namespace macrodyn::nn {

template <class T>
class Sequential : public Layer<T> {
 public:
  Sequential() = default;
  explicit Sequential(std::vector<std::shared_ptr<Layer<T>>> layers);

  // Appends a layer (its in_features must equal the current out_features). Returns *this.
  Sequential& add(std::shared_ptr<Layer<T>> layer);
  size_t size() const { return layers_.size(); }
  Layer<T>& layer(size_t i) { return *layers_.at(i); }
  const std::shared_ptr<Layer<T>>& layer_ptr(size_t i) const { return layers_.at(i); }

  std::string kind() const override { return "sequential"; }
  size_t in_features() const override;
  size_t out_features() const override;

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward(const Tensor<T>& dy, Tensor<T>& dx) override;
  void backward_parameters(const Tensor<T>& dy) override;
  void forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) override;
  void backward_dual(const Tensor<T>& dy, const Tensor<T>& dydot, Tensor<T>& dx, Tensor<T>& dxdot) override;

  // Sample blocks (nn/sample_blocks.hpp): a Sequential of such layers is such a layer too, so a layer
  // holding one (a coupling's conditioner) can run its whole pass in one region.
  bool runs_in_sample_blocks() const override;
  void prepare_forward(const Tensor<T>& x, Tensor<T>& y) override;
  void forward_block(const Tensor<T>& x, const Tensor<T>& y, size_t b0, size_t b1) const override;
  void prepare_backward(const Tensor<T>& dy, Tensor<T>& dx) override { prepare_backward_layers(dy, &dx); }
  void backward_input_block(const Tensor<T>& dy, const Tensor<T>& dx, size_t b0, size_t b1) const override {
    input_gradient_block(dy, &dx, b0, b1);
  }
  void add_parameter_gradient_part(const Tensor<T>& dy, int part, int parts) override;

  std::vector<Parameter<T>> parameters() override;
  std::vector<Parameter<T>> buffers() override;
  std::vector<double> hyper_parameters() const override { return {double(layers_.size())}; }

 private:
  void require_layers() const;
  // Backward through layers L-1 .. 1, leaving dL/d(input of layer 1) in grads_[0]; returns it.
  const Tensor<T>& backward_upper(const Tensor<T>& dy);
  // Sample blocks (nn/sample_blocks.hpp) for a pass on t: > 0 when every layer runs in sample blocks
  // and the host has several threads; then forward is one parallel region, backward two (input
  // gradients by sample blocks, then every layer's parameter gradient by row blocks).
  int block_count(const Tensor<T>& t) const;
  void backward_blocks(const Tensor<T>& dy, Tensor<T>* dx, int blocks);
  // dx == nullptr: no input gradient for layer 0 (backward_parameters)
  void prepare_backward_layers(const Tensor<T>& dy, Tensor<T>* dx);
  void input_gradient_block(const Tensor<T>& dy, const Tensor<T>* dx, size_t b0, size_t b1) const;

  std::vector<std::shared_ptr<Layer<T>>> layers_;
  std::vector<Tensor<T>> acts_, grads_;        // outputs of layers 0..L-2 and their gradients
  std::vector<Tensor<T>> tangents_, dtangents_;  // dual counterparts
  size_t forward_batch_ = 0;                     // batch of the last forward pass
};

// Multilayer perceptron: sizes {n0, n1, ..., nL}; Dense layers with `activation` after every layer
// but the last (and after the last too when final_activation). Layer l draws its parameters from
// streams 2l, 2l+1 of `seed`.
template <class T>
std::shared_ptr<Sequential<T>> make_mlp(const std::vector<size_t>& sizes, const std::string& activation,
                                        uint64_t seed, bool final_activation = false);

}  // namespace macrodyn::nn
