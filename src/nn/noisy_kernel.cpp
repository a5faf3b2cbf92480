// Noisy kernel: append counter-based Gaussian noise dims. See the header.
#include "nn/noisy_kernel.hpp"

#include <cmath>

#include "core/rng.hpp"

namespace macrodyn::nn {

template <class T>
NoisyKernel<T>::NoisyKernel(size_t d, size_t extra, double sigma, uint64_t seed, uint64_t stream,
                            bool include_noise_density)
    : d_(d), extra_(extra), sigma_(sigma), seed_(seed), stream_(stream), include_density_(include_noise_density) {
  if (d == 0) fail("noisy_kernel: input dimension must be positive");
  if (!(sigma > 0)) fail("noisy_kernel: sigma must be positive, got ", sigma);
}

template <class T>
void NoisyKernel<T>::set_noise_keys(const Kokkos::View<uint64_t*, MemSpace>& sample_ids, uint32_t step) {
  ids_ = sample_ids;
  step_ = step;
  keys_set_ = true;
}

template <class T>
void NoisyKernel<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool /*training*/) {
  const size_t batch = x.extent(1);
  check_shape(x, d_, batch, "noisy_kernel forward input");
  if (keys_set_ && ids_.extent(0) != batch)
    fail("noisy_kernel: ", ids_.extent(0), " sample ids set for a batch of ", batch);
  ensure_shape(y, "noisy_y", d_ + extra_, batch);
  ensure_shape(log_det_, "noisy_log_det", 1, batch);
  const CounterRng rng(seed_, stream_);
  const bool use_ids = keys_set_;
  const uint32_t step = keys_set_ ? step_ : forwards_;
  ++forwards_;
  auto ids = ids_;
  auto yy = y, ld = log_det_;
  const int nd = static_cast<int>(d_), ne = static_cast<int>(extra_);
  const double sigma = at_mean_ ? 0.0 : sigma_;  // at the mean: eps = 0, -log q(0) = the constant
  const double constant = include_density_ ? extra_ * (std::log(sigma_) + 0.91893853320467274178) : 0.0;
  const bool density = include_density_;
  Kokkos::parallel_for(
      "nn::noisy_forward", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(batch)), KOKKOS_LAMBDA(const int b) {
        for (int i = 0; i < nd; ++i) yy(i, b) = x(i, b);
        const uint64_t id = use_ids ? ids(b) : static_cast<uint64_t>(b);
        double sq = 0;
        for (int i = 0; i < ne; ++i) {
          const double u = rng.normal(id, step, i);
          yy(nd + i, b) = static_cast<T>(sigma * u);
          sq += sigma > 0 ? u * u : 0.0;
        }
        ld(0, b) = density ? static_cast<T>(0.5 * sq + constant) : T(0);
      });
}

template <class T>
void NoisyKernel<T>::backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) {
  const size_t batch = dy.extent(1);
  check_shape(dy, d_ + extra_, batch, "noisy_kernel backward dy");
  check_shape(dlog_det, 1, batch, "noisy_kernel backward dlog_det");
  ensure_shape(dx, "noisy_dx", d_, batch);
  Kokkos::deep_copy(dx, Kokkos::subview(dy, Kokkos::make_pair(size_t(0), d_), Kokkos::ALL));
}

template <class T>
void NoisyKernel<T>::inverse(const Tensor<T>& y, Tensor<T>& x) {
  const size_t batch = y.extent(1);
  check_shape(y, d_ + extra_, batch, "noisy_kernel inverse input");
  ensure_shape(x, "noisy_x", d_, batch);
  Kokkos::deep_copy(x, Kokkos::subview(y, Kokkos::make_pair(size_t(0), d_), Kokkos::ALL));
}

template class NoisyKernel<double>;
template class NoisyKernel<float>;

}  // namespace macrodyn::nn
