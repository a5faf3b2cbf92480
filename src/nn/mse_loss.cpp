#include "nn/mse_loss.hpp"

#include "core/error.hpp"
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

template <class T>
double mse_loss(const Tensor<T>& p, const Tensor<T>& t, Tensor<T>& grad, double count) {
  const double n = checked_count(p, t, count);
  ensure_shape(grad, "mse_grad", p.extent(0), p.extent(1));
  const auto g = flat(grad), pp = flat(p), tt = flat(t);
  const T scale = static_cast<T>(2.0 / n);
  double sum = 0;
  Kokkos::parallel_reduce(
      "nn::mse_loss", Kokkos::RangePolicy<ExecSpace>(0, p.size()),
      KOKKOS_LAMBDA(const size_t k, double& acc) {
        const T d = pp(k) - tt(k);
        g(k) = scale * d;
        acc += static_cast<double>(d) * static_cast<double>(d);
      },
      sum);
  return sum / n;
}

template <class T>
double mse_value(const Tensor<T>& p, const Tensor<T>& t, double count) {
  const double n = checked_count(p, t, count);
  const auto pp = flat(p), tt = flat(t);
  double sum = 0;
  Kokkos::parallel_reduce(
      "nn::mse_value", Kokkos::RangePolicy<ExecSpace>(0, p.size()),
      KOKKOS_LAMBDA(const size_t k, double& acc) {
        const double d = static_cast<double>(pp(k)) - static_cast<double>(tt(k));
        acc += d * d;
      },
      sum);
  return sum / n;
}

template double mse_loss<float>(const Tensor<float>&, const Tensor<float>&, Tensor<float>&, double);
template double mse_loss<double>(const Tensor<double>&, const Tensor<double>&, Tensor<double>&, double);
template double mse_value<float>(const Tensor<float>&, const Tensor<float>&, double);
template double mse_value<double>(const Tensor<double>&, const Tensor<double>&, double);

}  // namespace macrodyn::nn
