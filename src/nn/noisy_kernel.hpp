#pragma once
// Noisy kernel (MacroNet seed A.2.4, eq. 20): append `extra` dims of small Gaussian noise.
//
//   x (d, B) -> y = (x, eps) (d + extra, B),  eps_i ~ N(0, sigma^2), sigma = 1e-3 by default.
//   eps_{i,b} = sigma * CounterRng(seed, stream).normal(sample_id_b, step, i): the noise belongs to
//   the (global) sample and the step/epoch, never to a rank. Callers set both with
//   set_noise_keys() (they stay until set again); without it sample_id_b = b and step = number of forward calls so far.
//   log-density term (decision): c_b = -log q(eps_b) = |eps_b|^2/(2 sigma^2) + extra (log sigma +
//   log(2 pi)/2), so that the flow NLL of (x, eps) minus log q(eps) is an upper bound on -log p(x)
//   (variational dequantisation). It depends on neither x nor the parameters (zero gradients);
//   include_noise_density = false sets c = 0.
//   backward: dx = dy[0:d];  inverse: x = y[0:d] (the noise dims are dropped).
#include <cstdint>

#include "nn/invertible.hpp"

namespace macrodyn::nn {

template <class T>
class NoisyKernel : public InvertibleLayer<T> {
 public:
  NoisyKernel(size_t d, size_t extra, double sigma = 1e-3, uint64_t seed = 0, uint64_t stream = 0,
              bool include_noise_density = true);

  std::string kind() const override { return "noisy_kernel"; }
  size_t in_features() const override { return d_; }
  size_t out_features() const override { return d_ + extra_; }

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) override;
  void inverse(const Tensor<T>& y, Tensor<T>& x) override;
  const Tensor<T>& log_det() const override { return log_det_; }
  std::vector<double> hyper_parameters() const override {
    return {double(d_), double(extra_), sigma_, include_density_ ? 1.0 : 0.0};
  }

  // Global sample ids of the next forward's columns (length B) and the draw step (epoch, step).
  void set_noise_keys(const Kokkos::View<uint64_t*, MemSpace>& sample_ids, uint32_t step);
  // on: forward appends the noise mean (eps = 0) instead of draws (a deterministic encoding); its
  // log-density term is then -log q(0) = extra (log sigma + log(2 pi)/2).
  void set_noise_at_mean(bool on) { at_mean_ = on; }
  bool noise_at_mean() const { return at_mean_; }

 private:
  size_t d_, extra_;
  double sigma_;
  uint64_t seed_, stream_;
  bool include_density_;
  Kokkos::View<uint64_t*, MemSpace> ids_;
  uint32_t step_ = 0;
  bool keys_set_ = false;
  bool at_mean_ = false;
  uint32_t forwards_ = 0;
  Tensor<T> log_det_;
};

extern template class NoisyKernel<double>;
extern template class NoisyKernel<float>;

}  // namespace macrodyn::nn
