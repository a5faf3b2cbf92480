#include "nn/dense.hpp"

#include <algorithm>

#include "nn/gemm.hpp"
#include "nn/parameter_init.hpp"
#include "nn/tensor_ops.hpp"

namespace macrodyn::nn {

template <class T>
Dense<T>::Dense(size_t in, size_t out, uint64_t seed, uint64_t stream) : in_(in), out_(out) {
  if (in == 0 || out == 0) fail("Dense layer needs positive sizes, got ", in, " -> ", out);
  weight_ = {"weight", Tensor<T>("dense_W", out, in), Tensor<T>("dense_dW", out, in)};
  bias_ = {"bias", Tensor<T>("dense_b", out, 1), Tensor<T>("dense_db", out, 1)};
  fill_fan_in_uniform(weight_.value, in, seed, 2 * stream);
  fill_fan_in_uniform(bias_.value, in, seed, 2 * stream + 1);
}

template <class T>
void Dense<T>::affine(const Tensor<T>& x, Tensor<T>& y) const {
  if (x.extent(0) != in_) fail("Dense(", in_, " -> ", out_, "): input has ", x.extent(0), " features");
  ensure_shape(y, "dense_y", out_, x.extent(1));
  const auto b = bias_.value;
  const auto yy = y;
  for_each_entry("Dense::bias", out_, x.extent(1),
                 KOKKOS_LAMBDA(const int64_t i, const int64_t j) { yy(i, j) = b(i, 0); });
  gemm("N", "N", T(1), weight_.value, x, T(1), y);
}

template <class T>
void Dense<T>::accumulate_bias_grad(const Tensor<T>& dy) {
  // db += dy * ones(B): a GEMM keeps the row sums on the BLAS path (contiguous, vectorised).
  if (ones_.extent(0) != dy.extent(1)) {
    ones_ = Tensor<T>("dense_ones", dy.extent(1), 1);
    Kokkos::deep_copy(ones_, T(1));
  }
  gemm("N", "N", T(1), dy, ones_, T(1), bias_.grad);
}

template <class T>
void Dense<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool /*training*/) {
  affine(x, y);
  x_ = x;
}

template <class T>
void Dense<T>::backward_parameters(const Tensor<T>& dy) {
  if (dy.extent(0) != out_ || dy.extent(1) != x_.extent(1)) fail("Dense::backward: dy shape does not match forward");
  gemm("N", "T", T(1), dy, x_, T(1), weight_.grad);
  accumulate_bias_grad(dy);
}

template <class T>
void Dense<T>::backward(const Tensor<T>& dy, Tensor<T>& dx) {
  backward_parameters(dy);
  ensure_shape(dx, "dense_dx", in_, dy.extent(1));
  gemm("T", "N", T(1), weight_.value, dy, T(0), dx);
}

template <class T>
void Dense<T>::forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) {
  if (xdot.extent(0) != in_ || xdot.extent(1) % x.extent(1) != 0)
    fail("Dense::forward_dual: xdot must be (", in_, ", K*B)");
  affine(x, y);
  ensure_shape(ydot, "dense_ydot", out_, xdot.extent(1));
  gemm("N", "N", T(1), weight_.value, xdot, T(0), ydot);
  x_ = x;
  xdot_ = xdot;
}

template <class T>
void Dense<T>::backward_dual(const Tensor<T>& dy, const Tensor<T>& dydot, Tensor<T>& dx, Tensor<T>& dxdot) {
  if (dydot.extent(1) != xdot_.extent(1)) fail("Dense::backward_dual: dydot shape does not match forward_dual");
  backward(dy, dx);
  gemm("N", "T", T(1), dydot, xdot_, T(1), weight_.grad);
  ensure_shape(dxdot, "dense_dxdot", in_, dydot.extent(1));
  gemm("T", "N", T(1), weight_.value, dydot, T(0), dxdot);
}

template <class T>
void Dense<T>::prepare_forward(const Tensor<T>& x, Tensor<T>& y) {
  if (x.extent(0) != in_) fail("Dense(", in_, " -> ", out_, "): input has ", x.extent(0), " features");
  ensure_shape(y, "dense_y", out_, x.extent(1));
  x_ = x;
}

namespace {
template <class V>
int leading_dim(const V& v) {
  return static_cast<int>(std::max<size_t>(1, v.stride(1)));
}
}  // namespace

template <class T>
void Dense<T>::forward_block(const Tensor<T>& x, const Tensor<T>& y, size_t b0, size_t b1) const {
  if (b1 <= b0) return;
  const int ldy = leading_dim(y), ldx = leading_dim(x);
  T* const yd = y.data() + b0 * ldy;
  const T* const b = bias_.value.data();
  for (size_t c = 0; c < b1 - b0; ++c)
    for (size_t i = 0; i < out_; ++i) yd[c * ldy + i] = b[i];
  gemm_detail::blas('N', 'N', int(out_), int(b1 - b0), int(in_), T(1), weight_.value.data(),
                    leading_dim(weight_.value), x.data() + b0 * ldx, ldx, T(1), yd, ldy);
}

template <class T>
void Dense<T>::backward_input_block(const Tensor<T>& dy, const Tensor<T>& dx, size_t b0, size_t b1) const {
  if (b1 <= b0) return;
  const int lddy = leading_dim(dy), lddx = leading_dim(dx);
  gemm_detail::blas('T', 'N', int(in_), int(b1 - b0), int(out_), T(1), weight_.value.data(),
                    leading_dim(weight_.value), dy.data() + b0 * lddy, lddy, T(0), dx.data() + b0 * lddx, lddx);
}

template <class T>
void Dense<T>::add_parameter_gradient_part(const Tensor<T>& dy, int part, int parts) {
  const size_t B = dy.extent(1);
  if (B == 0) return;
  const int lddy = leading_dim(dy), ldx = leading_dim(x_), ldw = leading_dim(weight_.grad);
  // dW(:, c0:c1) += dy x(c0:c1, :)^T
  const size_t c0 = in_ * size_t(part) / size_t(parts), c1 = in_ * size_t(part + 1) / size_t(parts);
  if (c1 > c0)
    gemm_detail::blas('N', 'T', int(out_), int(c1 - c0), int(B), T(1), dy.data(), lddy, x_.data() + c0, ldx, T(1),
                      weight_.grad.data() + c0 * size_t(ldw), ldw);
  const size_t r0 = out_ * size_t(part) / size_t(parts), r1 = out_ * size_t(part + 1) / size_t(parts);
  // db(r0:r1) += sum over samples of dy(r0:r1, b), sample after sample (contiguous, vectorised)
  T* const db = bias_.grad.data();
  for (size_t b = 0; b < B; ++b) {
    const T* const g = dy.data() + b * size_t(lddy);
    for (size_t r = r0; r < r1; ++r) db[r] += g[r];
  }
}

template class Dense<float>;
template class Dense<double>;

}  // namespace macrodyn::nn
