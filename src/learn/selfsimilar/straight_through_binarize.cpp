#include "learn/selfsimilar/straight_through_binarize.hpp"

namespace macrodyn::selfsimilar {

template <class T>
void StraightThroughBinarize<T>::forward(const nn::Tensor<T>& x, nn::Tensor<T>& y, bool) {
  if (x.extent(0) != n_) fail("straight_through_binarize: input has ", x.extent(0), " features, expected ", n_);
  nn::ensure_shape(y, "binarize_y", n_, x.extent(1));
  auto yy = y;
  Kokkos::parallel_for(
      "selfsimilar::binarize",
      Kokkos::MDRangePolicy<nn::ExecSpace, Kokkos::Rank<2>>({0, 0}, {long(n_), long(x.extent(1))}),
      KOKKOS_LAMBDA(long i, long b) { yy(i, b) = x(i, b) > T(0.5) ? T(1) : T(0); });
}

template <class T>
void StraightThroughBinarize<T>::backward(const nn::Tensor<T>& dy, nn::Tensor<T>& dx) {
  nn::ensure_shape(dx, "binarize_dx", dy.extent(0), dy.extent(1));
  Kokkos::deep_copy(dx, dy);
}

template class StraightThroughBinarize<double>;
template class StraightThroughBinarize<float>;

}  // namespace macrodyn::selfsimilar
