// ActNorm: forward, backward, inverse, data-dependent initialisation. See the header.
#include "nn/actnorm.hpp"

#include <cmath>

#include "core/kokkos_compat.hpp"

namespace macrodyn::nn {

template <class T>
ActNorm<T>::ActNorm(size_t d) : d_(d) {
  if (d == 0) fail("actnorm: dimension must be positive");
  log_s_ = {"log_s", Tensor<T>("actnorm_log_s", d, 1), Tensor<T>("actnorm_log_s_grad", d, 1)};
  bias_ = {"bias", Tensor<T>("actnorm_bias", d, 1), Tensor<T>("actnorm_bias_grad", d, 1)};
  initialized_ = Tensor<T>("actnorm_initialized", 1, 1);
}

template <class T>
bool ActNorm<T>::initialized() const {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), initialized_);
  return h(0, 0) != T(0);
}

template <class T>
void ActNorm<T>::initialize(const Tensor<T>& x) {
  const size_t d = d_, batch = x.extent(1);
  auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  std::vector<double> s(2 * d + 1, 0.0);
  for (size_t b = 0; b < batch; ++b)
    for (size_t j = 0; j < d; ++j) s[j] += xh(j, b);
  s[2 * d] = static_cast<double>(batch);
  if (comm_ != MPI_COMM_NULL) MPI_Allreduce(MPI_IN_PLACE, s.data(), static_cast<int>(d), MPI_DOUBLE, MPI_SUM, comm_);
  if (comm_ != MPI_COMM_NULL) MPI_Allreduce(MPI_IN_PLACE, &s[2 * d], 1, MPI_DOUBLE, MPI_SUM, comm_);
  const double n = s[2 * d];
  if (n < 1) fail("actnorm: data-dependent initialisation needs a non-empty batch");
  for (size_t b = 0; b < batch; ++b)
    for (size_t j = 0; j < d; ++j) {
      const double c = xh(j, b) - s[j] / n;
      s[d + j] += c * c;
    }
  if (comm_ != MPI_COMM_NULL) MPI_Allreduce(MPI_IN_PLACE, &s[d], static_cast<int>(d), MPI_DOUBLE, MPI_SUM, comm_);
  auto ls = Kokkos::create_mirror_view(log_s_.value), bi = Kokkos::create_mirror_view(bias_.value);
  for (size_t j = 0; j < d; ++j) {
    bi(j, 0) = static_cast<T>(-s[j] / n);
    ls(j, 0) = static_cast<T>(-0.5 * std::log(s[d + j] / n + 1e-6));
  }
  Kokkos::deep_copy(log_s_.value, ls);
  Kokkos::deep_copy(bias_.value, bi);
  Kokkos::deep_copy(initialized_, T(1));
}

template <class T>
void ActNorm<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool training) {
  const size_t batch = x.extent(1);
  check_shape(x, d_, batch, "actnorm forward input");
  if (training && !initialized()) initialize(x);
  ensure_shape(y, "actnorm_y", d_, batch);
  ensure_shape(log_det_, "actnorm_log_det", 1, batch);
  auto ls = log_s_.value, bi = bias_.value;
  auto yy = y;
  const int nd = static_cast<int>(d_);
  Kokkos::parallel_for(
      "nn::actnorm_forward", Kokkos::RangePolicy<ExecSpace>(0, nd * static_cast<int>(batch)), KOKKOS_LAMBDA(const int k) {
        const int j = k % nd, b = k / nd;
        yy(j, b) = kmath::exp(ls(j, 0)) * (x(j, b) + bi(j, 0));
      });
  y_ = y;
  T sum = 0;
  Kokkos::parallel_reduce(
      "nn::actnorm_log_det", Kokkos::RangePolicy<ExecSpace>(0, nd),
      KOKKOS_LAMBDA(const int j, T& acc) { acc += ls(j, 0); }, sum);
  Kokkos::deep_copy(log_det_, sum);
}

template <class T>
void ActNorm<T>::backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) {
  const size_t batch = y_.extent(1);
  check_shape(dy, d_, batch, "actnorm backward dy");
  check_shape(dlog_det, 1, batch, "actnorm backward dlog_det");
  ensure_shape(dx, "actnorm_dx", d_, batch);
  auto ls = log_s_.value, gls = log_s_.grad, gb = bias_.grad, y = y_;
  auto dxx = dx;
  const int nb = static_cast<int>(batch);
  Kokkos::parallel_for(
      "nn::actnorm_backward", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(d_)), KOKKOS_LAMBDA(const int j) {
        const T s = kmath::exp(ls(j, 0));
        T sum_dy = 0, sum_dyy = 0, sum_w = 0;
        for (int b = 0; b < nb; ++b) {
          dxx(j, b) = s * dy(j, b);
          sum_dy += dy(j, b);
          sum_dyy += dy(j, b) * y(j, b);
          sum_w += dlog_det(0, b);
        }
        gb(j, 0) += s * sum_dy;
        gls(j, 0) += sum_dyy + sum_w;
      });
}

template <class T>
void ActNorm<T>::inverse(const Tensor<T>& y, Tensor<T>& x) {
  const size_t batch = y.extent(1);
  check_shape(y, d_, batch, "actnorm inverse input");
  ensure_shape(x, "actnorm_x", d_, batch);
  auto ls = log_s_.value, bi = bias_.value;
  auto xx = x;
  const int nd = static_cast<int>(d_);
  Kokkos::parallel_for(
      "nn::actnorm_inverse", Kokkos::RangePolicy<ExecSpace>(0, nd * static_cast<int>(batch)), KOKKOS_LAMBDA(const int k) {
        const int j = k % nd, b = k / nd;
        xx(j, b) = y(j, b) * kmath::exp(-ls(j, 0)) - bi(j, 0);
      });
}

template class ActNorm<double>;
template class ActNorm<float>;

}  // namespace macrodyn::nn
