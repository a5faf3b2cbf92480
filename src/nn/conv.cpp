#include "nn/conv.hpp"

#include "nn/gemm.hpp"
#include <utility>
#include <vector>

#include "nn/parameter_init.hpp"
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
  col_ = Tensor<T>("conv_col", geo_.out_volume(), ck);
  const int ovol = geo_.out_volume(), kvol = geo_.window_volume(), invol = geo_.in_volume();
  src_ = decltype(src_)("conv_src", ovol, kvol);
  auto src = Kokkos::create_mirror_view(src_);
  std::vector<std::vector<std::pair<int, int>>> readers(invol);
  for (int w = 0; w < kvol; ++w)
    for (int o = 0; o < ovol; ++o) {
      src(o, w) = geo_.source(o, w);
      if (src(o, w) >= 0) readers[src(o, w)].push_back({o, w});
    }
  Kokkos::deep_copy(src_, src);
  adj_start_ = decltype(adj_start_)("conv_adj_start", invol + 1);
  auto start = Kokkos::create_mirror_view(adj_start_);
  start(0) = 0;
  for (int i = 0; i < invol; ++i) start(i + 1) = start(i) + int(readers[i].size());
  adj_o_ = decltype(adj_o_)("conv_adj_o", start(invol));
  adj_w_ = decltype(adj_w_)("conv_adj_w", start(invol));
  auto ao = Kokkos::create_mirror_view(adj_o_), aw = Kokkos::create_mirror_view(adj_w_);
  for (int i = 0; i < invol; ++i)
    for (size_t e = 0; e < readers[i].size(); ++e) {
      ao(start(i) + e) = readers[i][e].first;
      aw(start(i) + e) = readers[i][e].second;
    }
  Kokkos::deep_copy(adj_start_, start);
  Kokkos::deep_copy(adj_o_, ao);
  Kokkos::deep_copy(adj_w_, aw);
  dcol_ = Tensor<T>("conv_dcol", geo_.out_volume(), ck);
}

template <class T>
std::vector<double> Conv<T>::hyper_parameters() const {
  std::vector<double> h = {double(opt_.dims), double(opt_.in_channels), double(opt_.out_channels)};
  for (const auto* a : {&opt_.size, &opt_.kernel, &opt_.stride, &opt_.padding})
    for (int d = 0; d < 3; ++d) h.push_back((*a)[d]);
  h.push_back(opt_.periodic ? 1 : 0);
  return h;
}

constexpr size_t kColCacheEntries = size_t(1) << 25;

template <class T>
Kokkos::View<T**, Kokkos::LayoutLeft, MemSpace> Conv<T>::build_col(const Tensor<T>& x, size_t b, bool cache_col) {
  const int kvol = geo_.window_volume(), invol = geo_.in_volume();
  const size_t ck = col_.extent(1);
  const Kokkos::View<T**, Kokkos::LayoutLeft, MemSpace> col =
      cache_col ? Kokkos::View<T**, Kokkos::LayoutLeft, MemSpace>(
                      Kokkos::subview(col_cache_, Kokkos::ALL, std::make_pair(b * ck, (b + 1) * ck)))
                : Kokkos::View<T**, Kokkos::LayoutLeft, MemSpace>(col_);
  const auto src = src_;
  const FlatView<const T> xs(x.data() + b * x.stride(1), x.extent(0));
  const size_t ovol = col.extent(0);
  Kokkos::parallel_for(
      "Conv::im2col", Kokkos::RangePolicy<ExecSpace>(0, col.extent(1)), KOKKOS_LAMBDA(const size_t j) {
        const size_t base = (j / kvol) * invol;
        const int w = int(j % kvol);
        for (size_t o = 0; o < ovol; ++o) {
          const int idx = src(o, w);
          col(o, j) = idx < 0 ? T(0) : xs(base + idx);
        }
      });
  return col;
}

template <class T>
void Conv<T>::apply(const Tensor<T>& x, Tensor<T>& y, bool with_bias, bool cache_col) {
  if (x.extent(0) != in_features())
    fail(kind(), ": input has ", x.extent(0), " features, expected ", in_features(), " (", opt_.in_channels,
         " channels)");
  const size_t B = x.extent(1), ovol = geo_.out_volume(), cout = opt_.out_channels;
  ensure_shape(y, "conv_y", out_features(), B);
  const auto yy = y;
  const auto bias = bias_.value;
  const T on = with_bias ? T(1) : T(0);
  Kokkos::parallel_for(
      "Conv::bias", Kokkos::RangePolicy<ExecSpace>(0, cout * B), KOKKOS_LAMBDA(const size_t cb) {
        const size_t c = cb % cout, b = cb / cout;
        const T v = on * bias(c, 0);
        for (size_t o = 0; o < ovol; ++o) yy(c * ovol + o, b) = v;
      });
  const size_t ck = col_.extent(1);
  if (cache_col) {
    col_cache_of_ = nullptr;
    if (ovol * ck * B > kColCacheEntries) {
      cache_col = false;
    } else {
      ensure_shape(col_cache_, "conv_col_cache", ovol, ck * B);
      col_cache_of_ = x.data();
    }
  }
  if (const int blocks = sample_blocks(B)) return apply_blocks(x, y, cache_col, blocks);
  for (size_t b = 0; b < B; ++b) {
    const auto col = build_col(x, b, cache_col);
    gemm("N", "T", T(1), col, weight_.value, T(1), sample_matrix(y, b, ovol, cout));
  }
}

template <class T>
void Conv<T>::weight_grad(const Tensor<T>& dy, const Tensor<T>& x) {
  const size_t ovol = geo_.out_volume(), cout = opt_.out_channels;
  const size_t ck = col_.extent(1);
  const bool cached = col_cache_of_ == x.data() && col_cache_.extent(1) == ck * dy.extent(1);
  if (const int blocks = sample_blocks(dy.extent(1))) return weight_grad_blocks(dy, x, cached, blocks);
  for (size_t b = 0; b < dy.extent(1); ++b) {
    const auto col = cached ? Kokkos::View<T**, Kokkos::LayoutLeft, MemSpace>(
                                  Kokkos::subview(col_cache_, Kokkos::ALL, std::make_pair(b * ck, (b + 1) * ck)))
                            : build_col(x, b, false);
    gemm("T", "N", T(1), sample_matrix(dy, b, ovol, cout), col, T(1), weight_.grad);
  }
}

template <class T>
void Conv<T>::bias_grad(const Tensor<T>& dy) {
  const size_t ovol = geo_.out_volume(), B = dy.extent(1);
  const auto db = bias_.grad;
  Kokkos::parallel_for(
      "Conv::bias_grad", Kokkos::RangePolicy<ExecSpace>(0, opt_.out_channels), KOKKOS_LAMBDA(const size_t c) {
        T s = 0;
        for (size_t b = 0; b < B; ++b)
          for (size_t o = 0; o < ovol; ++o) s += dy(c * ovol + o, b);
        db(c, 0) += s;
      });
}

template <class T>
void Conv<T>::adjoint(const Tensor<T>& dy, Tensor<T>& dx) {
  const size_t B = dy.extent(1), ovol = geo_.out_volume(), cout = opt_.out_channels;
  ensure_shape(dx, "conv_dx", in_features(), B);
  const int kvol = geo_.window_volume(), invol = geo_.in_volume();
  const auto dcol = dcol_;
  const auto start = adj_start_, ao = adj_o_, aw = adj_w_;
  if (const int blocks = sample_blocks(B)) return adjoint_blocks(dy, dx, blocks);
  for (size_t b = 0; b < B; ++b) {
    gemm("N", "N", T(1), sample_matrix(dy, b, ovol, cout), weight_.value, T(0), dcol_);
    const FlatView<T> dxb(dx.data() + b * dx.stride(1), dx.extent(0));
    Kokkos::parallel_for(
        "Conv::col2im", Kokkos::RangePolicy<ExecSpace>(0, in_features()), KOKKOS_LAMBDA(const size_t n) {
          const int ci = int(n) / invol, i = int(n) % invol;
          T s = 0;
          for (int e = start(i); e < start(i + 1); ++e) s += dcol(ao(e), ci * kvol + aw(e));
          dxb(n) = s;
        });
  }
}

template <class T>
void Conv<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool /*training*/) {
  apply(x, y, true, true);
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
  backward_parameters(dy);
  adjoint(dy, dx);
}

template <class T>
void Conv<T>::forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) {
  if (xdot.extent(1) % x.extent(1) != 0) fail(kind(), "::forward_dual: xdot must have K*B columns");
  apply(x, y, true, true);
  apply(xdot, ydot, false, false);
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
