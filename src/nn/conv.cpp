#include "nn/conv.hpp"

#include <utility>
#include <vector>

#include "nn/conv_columns.hpp"
#include "nn/gemm.hpp"
#include "nn/lane_sum.hpp"
#include "nn/parameter_init.hpp"
#include "nn/sample_blocks.hpp"
#include "nn/tensor_ops.hpp"

namespace macrodyn::nn {
namespace {
template <class T>
using Matrix = Kokkos::View<T**, Kokkos::LayoutLeft, MemSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

// Column b of a (features, B) tensor seen as the column-major (rows, cols) matrix, rows*cols = features.
template <class T>
Matrix<T> sample_matrix(const Tensor<T>& t, size_t b, size_t rows, size_t cols) {
  return Matrix<T>(t.data() + b * t.stride(1), rows, cols);
}

std::array<int, 3> expand(const char* what, int dims, const std::vector<int>& v) {
  if (v.size() != 1 && v.size() != size_t(dims)) fail("conv_options: ", what, " needs 1 or ", dims, " values");
  std::array<int, 3> a = {1, 1, 1};
  for (int d = 0; d < dims; ++d) a[d] = v.size() == 1 ? v[0] : v[d];
  return a;
}
}  // namespace

ConvOptions conv_options(int dims, int in_channels, int out_channels, const std::vector<int>& size,
                         const std::vector<int>& kernel, const std::vector<int>& stride,
                         const std::vector<int>& padding, bool periodic) {
  ConvOptions o;
  o.dims = dims;
  o.in_channels = in_channels;
  o.out_channels = out_channels;
  o.size = expand("size", dims, size);
  o.kernel = expand("kernel", dims, kernel);
  o.stride = expand("stride", dims, stride);
  o.padding = expand("padding", dims, padding);
  o.periodic = periodic;
  return o;
}

template <class T>
Conv<T>::Conv(const ConvOptions& options, uint64_t seed, uint64_t stream) : opt_(options) {
  if (opt_.in_channels < 1 || opt_.out_channels < 1) fail("conv: channel counts must be positive");
  geo_ = make_window_geometry("conv", opt_.dims, opt_.size.data(), opt_.kernel.data(), opt_.stride.data(),
                              opt_.padding.data(), opt_.periodic);
  const size_t ck = size_t(opt_.in_channels) * geo_.window_volume();
  weight_ = {"weight", Tensor<T>("conv_W", opt_.out_channels, ck), Tensor<T>("conv_dW", opt_.out_channels, ck)};
  bias_ = {"bias", Tensor<T>("conv_b", opt_.out_channels, 1), Tensor<T>("conv_db", opt_.out_channels, 1)};
  fill_fan_in_uniform(weight_.value, ck, seed, 2 * stream);
  fill_fan_in_uniform(bias_.value, ck, seed, 2 * stream + 1);
  pointwise_ = geo_.window_volume() == 1 && !opt_.periodic;
  for (int d = 0; d < 3; ++d) pointwise_ = pointwise_ && geo_.s[d] == 1 && geo_.p[d] == 0;
  // col_ carries a last column of ones, so that a GEMM with [W | b] writes y_b = col W^T + b in one
  // pass; a pointwise conv copies x_b into it only when that is smaller than a pass over y_b.
  bias_column_ = !pointwise_ || size_t(opt_.in_channels) + 1 < size_t(opt_.out_channels);
  if (bias_column_) {
    col_ = Tensor<T>("conv_col", geo_.out_volume(), ck + 1);
    Kokkos::deep_copy(Kokkos::subview(col_, Kokkos::ALL, ck), T(1));
    weight_bias_ = Tensor<T>("conv_W_b", opt_.out_channels, ck + 1);
  }
  if (copies_planes(geo_)) pad_ = Tensor<T>("conv_pad", size_t(opt_.in_channels) * plane_volume(geo_), 1);
  if (!pointwise_) dcol_ = Tensor<T>("conv_dcol", geo_.out_volume(), ck);
}

template <class T>
std::vector<double> Conv<T>::hyper_parameters() const {
  std::vector<double> h = {double(opt_.dims), double(opt_.in_channels), double(opt_.out_channels)};
  for (const auto* a : {&opt_.size, &opt_.kernel, &opt_.stride, &opt_.padding})
    for (int d = 0; d < 3; ++d) h.push_back((*a)[d]);
  h.push_back(opt_.periodic ? 1 : 0);
  return h;
}

template <class T>
Kokkos::View<T**, Kokkos::LayoutLeft, MemSpace> Conv<T>::build_col(const Tensor<T>& x, size_t b) {
  const size_t ck = col_width();
  const Kokkos::View<T**, Kokkos::LayoutLeft, MemSpace> col =
      Kokkos::subview(col_, Kokkos::ALL, std::make_pair(size_t(0), ck));
  const WindowGeometry g = geo_;
  const int kvol = g.window_volume();
  const size_t ld = col.stride(1);
  const T* const xb = x.data() + b * x.stride(1);
  const bool padded = copies_planes(g);
  // the planes im2col reads: padded copies, or the input itself
  const T* const planes = padded ? pad_.data() : xb;
  const size_t plane_size = padded ? plane_volume(g) : g.in_volume();
  if (padded) {
    T* const pd = pad_.data();
    const size_t invol = g.in_volume();
    Kokkos::parallel_for(
        "Conv::pad", Kokkos::RangePolicy<ExecSpace>(0, opt_.in_channels),
        KOKKOS_LAMBDA(const size_t ci) { pad_plane(g, xb + ci * invol, pd + ci * plane_size); });
  }
  T* const cd = col.data();
  Kokkos::parallel_for(
      "Conv::im2col", Kokkos::RangePolicy<ExecSpace>(0, ck), KOKKOS_LAMBDA(const size_t j) {
        im2col_column(g, planes + (j / kvol) * plane_size, int(j % kvol), cd + j * ld);
      });
  return col;
}

template <class T>
void Conv<T>::fill_bias(Tensor<T>& y, size_t b0, size_t b1, bool with_bias) {
  const size_t ovol = geo_.out_volume(), cout = opt_.out_channels, ld = y.stride(1);
  T* const yd = y.data();
  const auto bias = bias_.value;
  const T on = with_bias ? T(1) : T(0);
  Kokkos::parallel_for(
      "Conv::bias", Kokkos::RangePolicy<ExecSpace>(0, cout * (b1 - b0)), KOKKOS_LAMBDA(const size_t cb) {
        const size_t c = cb % cout, b = b0 + cb / cout;
        const T v = on * bias(c, 0);
        T* const row = yd + b * ld + c * ovol;
        for (size_t o = 0; o < ovol; ++o) row[o] = v;
      });
}

template <class T>
void Conv<T>::apply(const Tensor<T>& x, Tensor<T>& y, bool with_bias) {
  if (x.extent(0) != in_features())
    fail(kind(), ": input has ", x.extent(0), " features, expected ", in_features(), " (", opt_.in_channels,
         " channels)");
  const size_t B = x.extent(1), ovol = geo_.out_volume(), cout = opt_.out_channels;
  ensure_shape(y, "conv_y", out_features(), B);
  const size_t ck = col_width();
  if (const int blocks = sample_blocks(B)) {
    fill_bias(y, 0, B, with_bias);
    return apply_blocks(x, y, blocks);
  }
  if (with_bias && bias_column_) {  // y_b = [col 1] [W b]^T, one GEMM writing y_b once
    const auto wb = weight_bias_, w = weight_.value, bias = bias_.value;
    Kokkos::parallel_for(
        "Conv::weight_bias", Kokkos::RangePolicy<ExecSpace>(0, cout * (ck + 1)), KOKKOS_LAMBDA(const size_t e) {
          const size_t c = e % cout, j = e / cout;
          wb(c, j) = j < ck ? w(c, j) : bias(c, 0);
        });
    for (size_t b = 0; b < B; ++b) {
      if (pointwise_)
        Kokkos::deep_copy(Kokkos::subview(col_, Kokkos::ALL, std::make_pair(size_t(0), ck)),
                          sample_matrix(x, b, ovol, ck));
      else
        build_col(x, b);
      gemm("N", "T", T(1), col_, weight_bias_, T(0), sample_matrix(y, b, ovol, cout));
    }
    return;
  }
  for (size_t b = 0; b < B; ++b) {  // y_b = bias (while y_b is in cache) + col W^T, or col W^T alone
    if (with_bias) fill_bias(y, b, b + 1, true);
    const auto col = pointwise_ ? Kokkos::View<T**, Kokkos::LayoutLeft, MemSpace>(sample_matrix(x, b, ovol, ck))
                                : build_col(x, b);
    gemm("N", "T", T(1), col, weight_.value, with_bias ? T(1) : T(0), sample_matrix(y, b, ovol, cout));
  }
}

template <class T>
void Conv<T>::weight_grad_sample(const Tensor<T>& dy, const Tensor<T>& x, size_t b) {
  const size_t ovol = geo_.out_volume(), cout = opt_.out_channels, ck = col_width();
  const auto col = pointwise_ ? Kokkos::View<T**, Kokkos::LayoutLeft, MemSpace>(sample_matrix(x, b, ovol, ck))
                              : build_col(x, b);
  gemm("T", "N", T(1), sample_matrix(dy, b, ovol, cout), col, T(1), weight_.grad);
}

template <class T>
void Conv<T>::weight_grad(const Tensor<T>& dy, const Tensor<T>& x) {
  if (const int blocks = sample_blocks(dy.extent(1))) return weight_grad_blocks(dy, x, blocks);
  for (size_t b = 0; b < dy.extent(1); ++b) weight_grad_sample(dy, x, b);
}

template <class T>
void Conv<T>::bias_sums(const Tensor<T>& dy, size_t b0, size_t b1, Tensor<T>& sums) {
  const size_t ovol = geo_.out_volume(), ld = dy.stride(1);
  const auto acc = sums;
  const T* const d = dy.data();
  Kokkos::parallel_for(
      "Conv::bias_grad", Kokkos::RangePolicy<ExecSpace>(0, opt_.out_channels), KOKKOS_LAMBDA(const size_t c) {
        T s = acc(c, 0);
        for (size_t b = b0; b < b1; ++b) s += lane_sum(d + b * ld + c * ovol, ovol);
        acc(c, 0) = s;
      });
}

template <class T>
void Conv<T>::bias_grad(const Tensor<T>& dy) {
  ensure_shape(bias_sums_, "conv_bias_sums", opt_.out_channels, 1);
  Kokkos::deep_copy(bias_sums_, T(0));
  bias_sums(dy, 0, dy.extent(1), bias_sums_);
  add_bias_sums();
}

template <class T>
void Conv<T>::add_bias_sums() {
  const auto db = bias_.grad, sums = bias_sums_;
  Kokkos::parallel_for(
      "Conv::bias_grad_add", Kokkos::RangePolicy<ExecSpace>(0, opt_.out_channels),
      KOKKOS_LAMBDA(const size_t c) { db(c, 0) += sums(c, 0); });
}

template <class T>
void Conv<T>::adjoint_sample(const Tensor<T>& dy, Tensor<T>& dx, size_t b) {
  const size_t ovol = geo_.out_volume(), cout = opt_.out_channels, ck = col_width();
  if (pointwise_) {  // dx_b (S, Cin) = dy_b (S, Cout) W (Cout, Cin)
    gemm("N", "N", T(1), sample_matrix(dy, b, ovol, cout), weight_.value, T(0), sample_matrix(dx, b, ovol, ck));
    return;
  }
  gemm("N", "N", T(1), sample_matrix(dy, b, ovol, cout), weight_.value, T(0), dcol_);
  const WindowGeometry g = geo_;
  const size_t ld = dcol_.stride(1), invol = g.in_volume(), pvol = plane_volume(g);
  const bool padded = copies_planes(g);
  const T* const dc = dcol_.data();
  T* const pd = pad_.data();
  T* const dxb = dx.data() + b * dx.stride(1);
  Kokkos::parallel_for(
      "Conv::col2im", Kokkos::RangePolicy<ExecSpace>(0, opt_.in_channels), KOKKOS_LAMBDA(const int ci) {
        if (!padded) return col2im_padded(g, dc, ld, ci, dxb + ci * invol);
        col2im_padded(g, dc, ld, ci, pd + ci * pvol);
        unpad_plane(g, pd + ci * pvol, dxb + ci * invol);
      });
}

template <class T>
void Conv<T>::adjoint(const Tensor<T>& dy, Tensor<T>& dx) {
  const size_t B = dy.extent(1);
  ensure_shape(dx, "conv_dx", in_features(), B);
  if (const int blocks = sample_blocks(B)) return adjoint_blocks(dy, dx, blocks);
  for (size_t b = 0; b < B; ++b) adjoint_sample(dy, dx, b);
}

template <class T>
void Conv<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool /*training*/) {
  apply(x, y, true);
  x_ = x;
}

template <class T>
void Conv<T>::backward_parameters(const Tensor<T>& dy) {
  if (dy.extent(0) != out_features() || dy.extent(1) != x_.extent(1))
    fail(kind(), "::backward: dy shape does not match forward");
  weight_grad(dy, x_);
  bias_grad(dy);
}

template <class T>
void Conv<T>::backward(const Tensor<T>& dy, Tensor<T>& dx) {
  const size_t B = dy.extent(1);
  if (sample_blocks(B)) {
    backward_parameters(dy);
    return adjoint(dy, dx);
  }
  if (dy.extent(0) != out_features() || B != x_.extent(1)) fail(kind(), "::backward: dy shape does not match forward");
  // One sample at a time: dy_b is read by the weight gradient, the bias sums and the adjoint while it
  // is in cache (the same sums, in the same order, as backward_parameters + adjoint).
  ensure_shape(dx, "conv_dx", in_features(), B);
  ensure_shape(bias_sums_, "conv_bias_sums", opt_.out_channels, 1);
  Kokkos::deep_copy(bias_sums_, T(0));
  for (size_t b = 0; b < B; ++b) {
    weight_grad_sample(dy, x_, b);
    bias_sums(dy, b, b + 1, bias_sums_);
    adjoint_sample(dy, dx, b);
  }
  add_bias_sums();
}

template <class T>
void Conv<T>::forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) {
  if (xdot.extent(1) % x.extent(1) != 0) fail(kind(), "::forward_dual: xdot must have K*B columns");
  apply(x, y, true);
  apply(xdot, ydot, false);
  x_ = x;
  xdot_ = xdot;
}

template <class T>
void Conv<T>::backward_dual(const Tensor<T>& dy, const Tensor<T>& dydot, Tensor<T>& dx, Tensor<T>& dxdot) {
  if (dydot.extent(1) != xdot_.extent(1)) fail(kind(), "::backward_dual: dydot shape does not match forward_dual");
  backward(dy, dx);
  weight_grad(dydot, xdot_);
  adjoint(dydot, dxdot);
}

template class Conv<float>;
template class Conv<double>;

}  // namespace macrodyn::nn
