#pragma once
// Nearest-neighbour upsampling by integer factors (decoders: upsample then convolve).
//
// Shapes: x (C * S_in, B), y (C * S_in * prod(f), B) (layout of conv_geometry.hpp), 1-3 dims.
//   y[c, o] = x[c, o / f] (per dimension);  dx[c, i] = sum of dy over the f0 x f1 x f2 block of i.
// Linear, so the dual form applies the same maps to tangents. No parameters.
#include <array>

#include "nn/layer.hpp"

namespace macrodyn::nn {

template <class T>
class Upsample : public Layer<T> {
 public:
  Upsample(int dims, int channels, const std::vector<int>& size, const std::vector<int>& factor);

  std::string kind() const override { return "upsample" + std::to_string(dims_) + "d"; }
  size_t in_features() const override { return size_t(channels_) * in_[0] * in_[1] * in_[2]; }
  size_t out_features() const override { return size_t(channels_) * in_[0] * in_[1] * in_[2] * f_[0] * f_[1] * f_[2]; }

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward(const Tensor<T>& dy, Tensor<T>& dx) override;
  void forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) override;
  void backward_dual(const Tensor<T>& dy, const Tensor<T>& dydot, Tensor<T>& dx, Tensor<T>& dxdot) override;
  std::vector<double> hyper_parameters() const override;

 private:
  void up(const Tensor<T>& x, Tensor<T>& y) const;
  void down(const Tensor<T>& dy, Tensor<T>& dx) const;
  int dims_, channels_;
  std::array<int, 3> in_ = {1, 1, 1}, f_ = {1, 1, 1};
};

}  // namespace macrodyn::nn
