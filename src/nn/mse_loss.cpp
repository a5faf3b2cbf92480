#include "nn/mse_loss.hpp"

#include "core/error.hpp"
#include "nn/lane_sum.hpp"
#include "nn/tensor_ops.hpp"

namespace macrodyn::nn {
namespace {
template <class T>
double checked_count(const Tensor<T>& p, const Tensor<T>& t, double count) {
  if (p.extent(0) != t.extent(0) || p.extent(1) != t.extent(1))
    fail("mse_loss: prediction is ", p.extent(0), " x ", p.extent(1), " but target is ", t.extent(0), " x ",
         t.extent(1));
  return count > 0 ? count : static_cast<double>(p.size());
}
}  // namespace

// Entries per reduction step: each step sums its squares in kLanes double lanes (vectorised, fixed order).
constexpr size_t kMseChunk = 1024;

template <class T>
double mse_loss(const Tensor<T>& p, const Tensor<T>& t, Tensor<T>& grad, double count) {
  const double n = checked_count(p, t, count);
  ensure_shape(grad, "mse_grad", p.extent(0), p.extent(1));
  T* const g = flat(grad).data();
  const T* const pp = flat(p).data();
  const T* const tt = flat(t).data();
  const T scale = static_cast<T>(2.0 / n);
  const size_t size = p.size();
  double sum = 0;
  Kokkos::parallel_reduce(
      "nn::mse_loss", Kokkos::RangePolicy<ExecSpace>(0, (size + kMseChunk - 1) / kMseChunk),
      KOKKOS_LAMBDA(const size_t c, double& acc) {
        const size_t lo = c * kMseChunk, m = size - lo < kMseChunk ? size - lo : kMseChunk;
        double lane[kLanes] = {};
        size_t k = 0;
        for (; k + kLanes <= m; k += kLanes)
          for (int l = 0; l < kLanes; ++l) {
            const T d = pp[lo + k + l] - tt[lo + k + l];
            g[lo + k + l] = scale * d;
            lane[l] += static_cast<double>(d) * static_cast<double>(d);
          }
        for (int l = 0; k + l < m; ++l) {
          const T d = pp[lo + k + l] - tt[lo + k + l];
          g[lo + k + l] = scale * d;
          lane[l] += static_cast<double>(d) * static_cast<double>(d);
        }
        acc += combine_lanes(lane);
      },
      sum);
  return sum / n;
}

template <class T>
double mse_value(const Tensor<T>& p, const Tensor<T>& t, double count) {
  const double n = checked_count(p, t, count);
  const T* const pp = flat(p).data();
  const T* const tt = flat(t).data();
  const size_t size = p.size();
  double sum = 0;
  Kokkos::parallel_reduce(
      "nn::mse_value", Kokkos::RangePolicy<ExecSpace>(0, (size + kMseChunk - 1) / kMseChunk),
      KOKKOS_LAMBDA(const size_t c, double& acc) {
        const size_t lo = c * kMseChunk, m = size - lo < kMseChunk ? size - lo : kMseChunk;
        double lane[kLanes] = {};
        size_t k = 0;
        for (; k + kLanes <= m; k += kLanes)
          for (int l = 0; l < kLanes; ++l) {
            const double d = static_cast<double>(pp[lo + k + l]) - static_cast<double>(tt[lo + k + l]);
            lane[l] += d * d;
          }
        for (int l = 0; k + l < m; ++l) {
          const double d = static_cast<double>(pp[lo + k + l]) - static_cast<double>(tt[lo + k + l]);
          lane[l] += d * d;
        }
        acc += combine_lanes(lane);
      },
      sum);
  return sum / n;
}

template double mse_loss<float>(const Tensor<float>&, const Tensor<float>&, Tensor<float>&, double);
template double mse_loss<double>(const Tensor<double>&, const Tensor<double>&, Tensor<double>&, double);
template double mse_value<float>(const Tensor<float>&, const Tensor<float>&, double);
template double mse_value<double>(const Tensor<double>&, const Tensor<double>&, double);

}  // namespace macrodyn::nn
