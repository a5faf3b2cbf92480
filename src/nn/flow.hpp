#pragma once
// A normalizing flow: a sequence of invertible layers f = f_L o ... o f_1 with the total log-density
// term c = sum_l c_l (see invertible.hpp; for bijections c is log|det J| of the composition).
//
//   forward(x, z)            z = f(x) (the last layer's output), log_det() = sum of the layers' terms
//   backward_flow(dz, dc, dx) reverse mode; every layer receives the same dc (the total is a sum)
//   inverse(z, x)            x = f_1^-1(... f_L^-1(z))
// Parameters are the layers' parameters with names "<index>.<name>". A Flow is itself an
// InvertibleLayer, so flows nest. Intermediate activations are owned here (the layers cache views).
#include <memory>
#include <vector>

#include "nn/invertible.hpp"

namespace macrodyn::nn {

template <class T>
class Flow : public InvertibleLayer<T> {
 public:
  Flow() = default;
  explicit Flow(std::vector<std::shared_ptr<InvertibleLayer<T>>> layers);
  void add(std::shared_ptr<InvertibleLayer<T>> layer);

  std::string kind() const override { return "flow"; }
  size_t in_features() const override;
  size_t out_features() const override;

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) override;
  void inverse(const Tensor<T>& y, Tensor<T>& x) override;
  const Tensor<T>& log_det() const override { return log_det_; }

  // Sample blocks (nn/sample_blocks.hpp): when every layer runs in them, a forward pass is one
  // parallel region over sample blocks, a backward pass two (the second for parameter gradients).
  bool flow_in_sample_blocks() const override;
  void prepare_forward(const Tensor<T>& x, Tensor<T>& y) override;
  void forward_block(const Tensor<T>& x, const Tensor<T>& y, size_t b0, size_t b1) const override;
  void prepare_backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) override;
  void backward_flow_block(const Tensor<T>& dy, const Tensor<T>& dlog_det, const Tensor<T>& dx, size_t b0,
                           size_t b1) const override;
  void add_parameter_gradient_part(const Tensor<T>& dy, int part, int parts) override;

  std::vector<Parameter<T>> parameters() override;
  std::vector<Parameter<T>> buffers() override;
  std::vector<double> hyper_parameters() const override { return {double(layers_.size())}; }

  size_t size() const { return layers_.size(); }
  InvertibleLayer<T>& layer(size_t i) { return *layers_.at(i); }

 private:
  std::vector<std::shared_ptr<InvertibleLayer<T>>> layers_;
  std::vector<Tensor<T>> acts_;   // acts_[i]: output of layer i (i < L-1)
  std::vector<Tensor<T>> grads_;  // backward / inverse scratch
  Tensor<T> log_det_;
};

extern template class Flow<double>;
extern template class Flow<float>;

}  // namespace macrodyn::nn
