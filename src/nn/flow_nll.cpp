// Standard-normal flow NLL and its gradients. See the header.
#include "nn/flow_nll.hpp"

#include "core/error.hpp"

namespace macrodyn::nn {

template <class T>
double flow_nll_value(const Tensor<T>& z, const Tensor<T>& log_det, double weight) {
  const int D = static_cast<int>(z.extent(0)), B = static_cast<int>(z.extent(1));
  if (log_det.extent(0) != 1 || log_det.extent(1) != z.extent(1))
    fail("flow_nll: log_det has shape (", log_det.extent(0), ", ", log_det.extent(1), "), expected (1, ", B, ")");
  const double half_log_2pi = 0.91893853320467274178;
  double sum = 0;
  Kokkos::parallel_reduce(
      "nn::flow_nll", Kokkos::RangePolicy<ExecSpace>(0, B),
      KOKKOS_LAMBDA(const int b, double& acc) {
        double sq = 0;
        for (int i = 0; i < D; ++i) sq += static_cast<double>(z(i, b)) * static_cast<double>(z(i, b));
        acc += 0.5 * sq + D * half_log_2pi - static_cast<double>(log_det(0, b));
      },
      sum);
  return weight * sum;
}

template <class T>
double flow_nll(const Tensor<T>& z, const Tensor<T>& log_det, double weight, Tensor<T>& dz, Tensor<T>& dlog_det) {
  const double value = flow_nll_value(z, log_det, weight);
  const size_t D = z.extent(0), B = z.extent(1);
  ensure_shape(dz, "flow_nll_dz", D, B);
  ensure_shape(dlog_det, "flow_nll_dlog_det", 1, B);
  auto g = dz;
  const T w = static_cast<T>(weight);
  const int nd = static_cast<int>(D);
  Kokkos::parallel_for(
      "nn::flow_nll_grad", Kokkos::RangePolicy<ExecSpace>(0, nd * static_cast<int>(B)), KOKKOS_LAMBDA(const int k) {
        g(k % nd, k / nd) = w * z(k % nd, k / nd);
      });
  Kokkos::deep_copy(dlog_det, static_cast<T>(-weight));
  return value;
}

template double flow_nll<double>(const Tensor<double>&, const Tensor<double>&, double, Tensor<double>&,
                                 Tensor<double>&);
template double flow_nll<float>(const Tensor<float>&, const Tensor<float>&, double, Tensor<float>&, Tensor<float>&);
template double flow_nll_value<double>(const Tensor<double>&, const Tensor<double>&, double);
template double flow_nll_value<float>(const Tensor<float>&, const Tensor<float>&, double);

}  // namespace macrodyn::nn
