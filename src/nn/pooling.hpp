#pragma once
// Average and max pooling over 1, 2 or 3 spatial dimensions, per channel (upsampling: upsample.hpp).
//
// Shapes: x (C * S_in, B), y (C * S_out, B) (layout of conv_geometry.hpp); window k, stride s
// (default s = k), no padding; S_out = (S_in - k) / s + 1 per dimension. No parameters.
//   avg: y[c, o] = (1/kvol) sum_w x[c, o*s + w];   dx[c, i] = (1/kvol) sum_{(o,w) -> i} dy[c, o]
//   max: y[c, o] = x[c, a(o)], a(o) = argmax over the window (first maximum);
//        dx[c, i] = sum_{o : a(o) = i} dy[c, o]
// Both are (piecewise) linear, so the dual form applies the same maps to tangents (max pooling
// uses the argmax of the sample a tangent belongs to); no second-order term.
// Adjoints are gathers over the inverse window map (max: over the windows containing i), so there
// are no atomics and sums are deterministic.
#include <array>

#include "nn/conv_geometry.hpp"
#include "nn/layer.hpp"

namespace macrodyn::nn {

enum class PoolKind { Average, Max };

template <class T>
class Pool : public Layer<T> {
 public:
  // size/window/stride: per dimension (a single value applies to all); stride empty -> window.
  Pool(PoolKind kind, int dims, int channels, const std::vector<int>& size, const std::vector<int>& window,
       const std::vector<int>& stride = {});

  std::string kind() const override { return (kind_ == PoolKind::Max ? "maxpool" : "avgpool") + std::to_string(dims_) + "d"; }
  size_t in_features() const override { return size_t(channels_) * geo_.in_volume(); }
  size_t out_features() const override { return size_t(channels_) * geo_.out_volume(); }

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward(const Tensor<T>& dy, Tensor<T>& dx) override;
  void forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) override;
  void backward_dual(const Tensor<T>& dy, const Tensor<T>& dydot, Tensor<T>& dx, Tensor<T>& dxdot) override;
  std::vector<double> hyper_parameters() const override;

 private:
  void apply(const Tensor<T>& x, Tensor<T>& y, bool record_argmax);
  void adjoint(const Tensor<T>& dy, Tensor<T>& dx) const;

  PoolKind kind_;
  int dims_, channels_;
  WindowGeometry geo_;
  Kokkos::View<int**, Kokkos::LayoutLeft, MemSpace> argmax_;  // (C * S_out, B): input spatial index
  size_t batch_ = 0;
};

}  // namespace macrodyn::nn
