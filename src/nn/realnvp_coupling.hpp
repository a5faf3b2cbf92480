#pragma once
// RealNVP affine coupling layer (Dinh, Sohl-Dickstein, Bengio 2016; MacroNet seed A.2.2).
//
//   x = (x1, x2) by a CouplingMask (x1 passive, d1 features; x2 active, d2 features)
//   h = NN(x1)  (the conditioner, any Layer with d1 inputs and 2*d2 outputs)
//   s = tanh(h[0:d2]),  t = h[d2:2*d2]
//   y1 = x1,  y2 = x2 * exp(s) + t,            log|det J| = sum_j s_j
//   inverse: x1 = y1, x2 = (y2 - t(y1)) * exp(-s(y1))
// Shapes: x, y (d, B); log_det (1, B).
// Decision: the seed writes y2 = x2 s(x1) + t(x1); we use the standard positive scale exp(s) with
// s = tanh(raw) bounded in [-1, 1] (as the realnvp8 benchmark specifies), which keeps every block
// invertible and its log-det well conditioned at initialisation.
// Backward: with g = dy2, dc the log-det weight:
//   dx2 = g exp(s);  ds = g x2 exp(s) + dc;  dh_s = ds (1 - s^2);  dh_t = g;
//   dx1 = dy1 + NN^T(dh)  (the conditioner's backward also accumulates its parameter gradients).
// On a multi-threaded host with an MLP conditioner, a pass runs in sample blocks (nn/sample_blocks.hpp).
#include <memory>

#include "nn/coupling_mask.hpp"
#include "nn/invertible.hpp"

namespace macrodyn::nn {

template <class T>
class RealNVPCoupling : public InvertibleLayer<T> {
 public:
  RealNVPCoupling(CouplingMask mask, std::shared_ptr<Layer<T>> conditioner);

  std::string kind() const override { return "realnvp_coupling"; }
  size_t in_features() const override { return mask_.dim(); }
  size_t out_features() const override { return mask_.dim(); }

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) override;
  void inverse(const Tensor<T>& y, Tensor<T>& x) override;
  const Tensor<T>& log_det() const override { return log_det_; }

  // Sample blocks, when the conditioner runs in them (an MLP).
  bool flow_in_sample_blocks() const override { return net_->runs_in_sample_blocks(); }
  void prepare_forward(const Tensor<T>& x, Tensor<T>& y) override;
  void forward_block(const Tensor<T>& x, const Tensor<T>& y, size_t b0, size_t b1) const override;
  void prepare_backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) override;
  void backward_flow_block(const Tensor<T>& dy, const Tensor<T>& dlog_det, const Tensor<T>& dx, size_t b0,
                           size_t b1) const override;
  void add_parameter_gradient_part(const Tensor<T>& dy, int part, int parts) override;

  std::vector<Parameter<T>> parameters() override;
  std::vector<Parameter<T>> buffers() override;
  std::vector<double> hyper_parameters() const override;

  Layer<T>& conditioner() { return *net_; }
  const CouplingMask& mask() const { return mask_; }

 private:
  int block_count(size_t batch) const;  // sample blocks for a pass, 0 = per-kernel path
  // Checks and shapes shared by both paths (the forward caches x).
  void shape_forward(const Tensor<T>& x, Tensor<T>& y);
  void shape_backward(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx);

  CouplingMask mask_;
  std::shared_ptr<Layer<T>> net_;
  Tensor<T> x_;                 // cached input (shallow)
  Tensor<T> x1_, h_, s_, e_;    // passive inputs, conditioner output, tanh scales, exp(s)
  Tensor<T> dh_, dx1_;
  Tensor<T> log_det_;
};

// Prefixes every name of `params` with `prefix` (composite layers use "<child>." prefixes).
template <class T>
std::vector<Parameter<T>> prefixed(std::vector<Parameter<T>> params, const std::string& prefix) {
  for (auto& p : params) p.name = prefix + p.name;
  return params;
}

extern template class RealNVPCoupling<double>;
extern template class RealNVPCoupling<float>;

}  // namespace macrodyn::nn
