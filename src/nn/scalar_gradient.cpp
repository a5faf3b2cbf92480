#include "nn/scalar_gradient.hpp"

namespace macrodyn::nn {
namespace {
template <class T>
void require_scalar(Layer<T>& V, const Tensor<T>& z) {
  if (V.out_features() != 1) fail("scalar_gradient: network '", V.kind(), "' has ", V.out_features(), " outputs, not 1");
  if (z.extent(0) != V.in_features())
    fail("scalar_gradient: input has ", z.extent(0), " features, network takes ", V.in_features());
}
}  // namespace

template <class T>
void scalar_gradient(Layer<T>& V, const Tensor<T>& z, Tensor<T>& g, Tensor<T>* v) {
  require_scalar(V, z);
  const size_t d = z.extent(0), B = z.extent(1);
  Tensor<T> e("sg_unit", d, d * B);
  Kokkos::parallel_for(
      "scalar_gradient::unit", Kokkos::RangePolicy<ExecSpace>(0, d * B),
      KOKKOS_LAMBDA(const size_t c) { e(c / B, c) = T(1); });
  Tensor<T> y, ydot;
  V.forward_dual(z, e, y, ydot);
  ensure_shape(g, "sg_grad", d, B);
  const auto gg = g;
  Kokkos::parallel_for(
      "scalar_gradient::gather", Kokkos::RangePolicy<ExecSpace>(0, d * B),
      KOKKOS_LAMBDA(const size_t c) { gg(c / B, c % B) = ydot(0, c); });
  if (v) {
    ensure_shape(*v, "sg_value", 1, B);
    Kokkos::deep_copy(*v, y);
  }
}

template <class T>
void scalar_gradient_backward(Layer<T>& V, const Tensor<T>& z, const Tensor<T>& H, Tensor<T>& dz,
                              const Tensor<T>* dV) {
  require_scalar(V, z);
  const size_t B = z.extent(1);
  if (H.extent(0) != z.extent(0) || H.extent(1) != B) fail("scalar_gradient_backward: H must have z's shape");
  Tensor<T> y, ydot, dzdot;
  V.forward_dual(z, H, y, ydot);
  Tensor<T> dy("sg_dy", 1, B), dydot("sg_dydot", 1, B);
  if (dV) {
    if (dV->extent(0) != 1 || dV->extent(1) != B) fail("scalar_gradient_backward: dV must be (1, B)");
    Kokkos::deep_copy(dy, *dV);
  }
  Kokkos::deep_copy(dydot, T(1));
  V.backward_dual(dy, dydot, dz, dzdot);
}

template void scalar_gradient<float>(Layer<float>&, const Tensor<float>&, Tensor<float>&, Tensor<float>*);
template void scalar_gradient<double>(Layer<double>&, const Tensor<double>&, Tensor<double>&, Tensor<double>*);
template void scalar_gradient_backward<float>(Layer<float>&, const Tensor<float>&, const Tensor<float>&,
                                              Tensor<float>&, const Tensor<float>*);
template void scalar_gradient_backward<double>(Layer<double>&, const Tensor<double>&, const Tensor<double>&,
                                               Tensor<double>&, const Tensor<double>*);

}  // namespace macrodyn::nn
