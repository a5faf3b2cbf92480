#include "learn/closure/encoder_jacobian.hpp"


#include "nn/dense.hpp"
#include "nn/gemm.hpp"
#include "nn/jacobian.hpp"

namespace macrodyn::closure {

template <class T>
EncoderJacobian<T>::EncoderJacobian(std::shared_ptr<nn::Sequential<T>> net) : net_(std::move(net)) {
  split_ = net_->size() > 1 && dynamic_cast<nn::Dense<T>*>(&net_->layer(0)) != nullptr;
  if (split_)
    for (size_t i = 1; i < net_->size(); ++i) upper_.add(net_->layer_ptr(i));
}

template <class T>
void EncoderJacobian<T>::jacobian(const nn::Tensor<T>& x, nn::Tensor<T>& J) {
  if (!split_) return nn::input_jacobian(*net_, x, J);
  auto& dense = static_cast<nn::Dense<T>&>(net_->layer(0));
  dense.forward(x, a1_, false);
  nn::input_jacobian(upper_, a1_, jup_);  // (h, K*B); saves and restores the upper gradients
  nn::ensure_shape(J, "encoder_J", x.extent(0), jup_.extent(1));
  nn::gemm("T", "N", T(1), dense.weight().value, jup_, T(0), J);
  last_x_ = x;
}

template <class T>
void EncoderJacobian<T>::loss_backward(const nn::Tensor<T>& x, const nn::Tensor<T>& G) {
  if (!split_) return nn::jacobian_loss_backward(*net_, x, G);
  if (last_x_.data() != x.data() || last_x_.extent(1) != x.extent(1)) {
    nn::Tensor<T> J;
    jacobian(x, J);
  }
  auto& dense = static_cast<nn::Dense<T>&>(net_->layer(0));
  const size_t B = x.extent(1), K = upper_.out_features(), h = dense.out_features();
  if (G.extent(0) != x.extent(0) || G.extent(1) != K * B) fail("encoder jacobian: G must be (N, K*B)");
  nn::ensure_shape(g1_, "encoder_G1", h, K * B);
  nn::gemm("N", "N", T(1), dense.weight().value, G, T(0), g1_);
  // d<G1, Jup>/d(upper params) and /d a1: one dual pass of the upper network, tangents G1.
  upper_.forward_dual(a1_, g1_, y_, ydot_);
  dy_ = nn::Tensor<T>("encoder_dy0", K, B);
  dydot_ = nn::Tensor<T>("encoder_dydot", K, K * B);
  auto dydot = dydot_;
  Kokkos::parallel_for(
      "encoder_jacobian::unit", Kokkos::RangePolicy<nn::ExecSpace>(0, K * B),
      KOKKOS_LAMBDA(const size_t c) { dydot(c / B, c) = T(1); });
  upper_.backward_dual(dy_, dydot_, dx_, dxdot_);  // dx_ = d<G1, Jup>/d a1 (h, B)
  nn::gemm("N", "T", T(1), jup_, G, T(1), dense.weight().grad);  // Jup G^T
  nn::gemm("N", "T", T(1), dx_, x, T(1), dense.weight().grad);   // through a1
  if (ones_.extent(0) != B) {
    ones_ = nn::Tensor<T>("encoder_ones", B, 1);
    Kokkos::deep_copy(ones_, T(1));
  }
  nn::gemm("N", "N", T(1), dx_, ones_, T(1), dense.bias().grad);
}

template class EncoderJacobian<float>;
template class EncoderJacobian<double>;

}  // namespace macrodyn::closure
