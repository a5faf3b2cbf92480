// Dimension split: keep the first D features, score the rest with the standard normal. See the header.
#include "nn/dimension_split.hpp"

#include "core/rng.hpp"

namespace macrodyn::nn {

template <class T>
DimensionSplit<T>::DimensionSplit(size_t n, size_t keep, uint64_t seed, uint64_t stream)
    : n_(n), keep_(keep), seed_(seed), stream_(stream) {
  if (keep == 0 || keep > n) fail("dimension_split: keep = ", keep, " must be in [1, ", n, "]");
}

template <class T>
void DimensionSplit<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool /*training*/) {
  const size_t batch = x.extent(1);
  check_shape(x, n_, batch, "dimension_split forward input");
  const int nk = static_cast<int>(keep_), nz = static_cast<int>(n_ - keep_);
  ensure_shape(y, "split_y", keep_, batch);
  ensure_shape(z_, "split_z", n_ - keep_, batch);
  ensure_shape(log_det_, "split_log_det", 1, batch);
  auto yy = y, z = z_, ld = log_det_;
  const T half_log_2pi = static_cast<T>(0.91893853320467274178);
  Kokkos::parallel_for(
      "nn::split_forward", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(batch)), KOKKOS_LAMBDA(const int b) {
        for (int i = 0; i < nk; ++i) yy(i, b) = x(i, b);
        T sq = 0;
        for (int i = 0; i < nz; ++i) {
          const T zi = x(nk + i, b);
          z(i, b) = zi;
          sq += zi * zi;
        }
        ld(0, b) = -T(0.5) * sq - nz * half_log_2pi;
      });
}

template <class T>
void DimensionSplit<T>::backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) {
  const size_t batch = z_.extent(1);
  check_shape(dy, keep_, batch, "dimension_split backward dy");
  check_shape(dlog_det, 1, batch, "dimension_split backward dlog_det");
  ensure_shape(dx, "split_dx", n_, batch);
  const int nk = static_cast<int>(keep_), nz = static_cast<int>(n_ - keep_);
  auto z = z_, dxx = dx;
  Kokkos::parallel_for(
      "nn::split_backward", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(batch)), KOKKOS_LAMBDA(const int b) {
        for (int i = 0; i < nk; ++i) dxx(i, b) = dy(i, b);
        for (int i = 0; i < nz; ++i) dxx(nk + i, b) = -dlog_det(0, b) * z(i, b);
      });
}

template <class T>
void DimensionSplit<T>::inverse(const Tensor<T>& y, Tensor<T>& x) {
  const size_t batch = y.extent(1);
  check_shape(y, keep_, batch, "dimension_split inverse input");
  ensure_shape(x, "split_x", n_, batch);
  const int nk = static_cast<int>(keep_), nz = static_cast<int>(n_ - keep_);
  auto xx = x;
  if (z_inverse_.extent(0) == n_ - keep_ && z_inverse_.extent(1) == batch) {
    auto z = z_inverse_;
    Kokkos::parallel_for(
        "nn::split_inverse", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(batch)), KOKKOS_LAMBDA(const int b) {
          for (int i = 0; i < nk; ++i) xx(i, b) = y(i, b);
          for (int i = 0; i < nz; ++i) xx(nk + i, b) = z(i, b);
        });
    return;
  }
  const CounterRng rng(seed_, stream_);
  const uint64_t offset = sample_offset_;
  const uint32_t step = draws_++;
  const double temp = temperature_;
  Kokkos::parallel_for(
      "nn::split_inverse_sample", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(batch)), KOKKOS_LAMBDA(const int b) {
        for (int i = 0; i < nk; ++i) xx(i, b) = y(i, b);
        for (int i = 0; i < nz; ++i) xx(nk + i, b) = static_cast<T>(temp * rng.normal(offset + b, step, i));
      });
}

template class DimensionSplit<double>;
template class DimensionSplit<float>;

}  // namespace macrodyn::nn
