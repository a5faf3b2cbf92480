#pragma once
// Dimension split (multi-scale factor-out; MacroNet seed A.2.3 "keep D, emit z"):
//
//   x (N, B) -> y = x[0:D] (D, B) kept, z = x[D:N] (N-D, B) emitted (factored out).
//   log-density term c_b = log N(z_b; 0, I) = -|z_b|^2/2 - (N-D)/2 log(2 pi): the emitted dims are
//   scored by the standard normal prior right here (as in RealNVP/Glow multi-scale flows), so the
//   flow NLL of the kept output plus these terms equals the NLL of the full (y, z).
//   backward: dx[0:D] = dy, dx[D+i] = -dc_b z_i.
// inverse(y): x = (y, z) with z from set_inverse_latent() if its shape matches the batch, else
//   drawn z ~ N(0, temperature^2) from CounterRng(seed, stream): index = sample_offset + b (the
//   global sample id), step = draw counter (incremented per inverse call), k = emitted dim.
#include <cstdint>

#include "nn/invertible.hpp"

namespace macrodyn::nn {

template <class T>
class DimensionSplit : public InvertibleLayer<T> {
 public:
  DimensionSplit(size_t n, size_t keep, uint64_t seed = 0, uint64_t stream = 0);

  std::string kind() const override { return "dimension_split"; }
  size_t in_features() const override { return n_; }
  size_t out_features() const override { return keep_; }

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) override;
  void inverse(const Tensor<T>& y, Tensor<T>& x) override;
  const Tensor<T>& log_det() const override { return log_det_; }
  std::vector<double> hyper_parameters() const override { return {double(n_), double(keep_)}; }

  const Tensor<T>& emitted() const { return z_; }  // z of the last forward, (N-D, B)
  void set_inverse_latent(const Tensor<T>& z) { z_inverse_ = z; }
  void set_sampling(double temperature, uint64_t sample_offset) {
    temperature_ = temperature;
    sample_offset_ = sample_offset;
  }

 private:
  size_t n_, keep_;
  uint64_t seed_, stream_;
  double temperature_ = 1.0;
  uint64_t sample_offset_ = 0;
  uint32_t draws_ = 0;
  Tensor<T> z_, z_inverse_, log_det_;
};

extern template class DimensionSplit<double>;
extern template class DimensionSplit<float>;

}  // namespace macrodyn::nn
