#include "nn/pooling.hpp"

#include "nn/tensor_ops.hpp"

namespace macrodyn::nn {
namespace {
std::vector<int> per_dim(const char* what, int dims, const std::vector<int>& v) {
  if (v.size() != 1 && v.size() != size_t(dims)) fail(what, " needs 1 or ", dims, " values, got ", v.size());
  std::vector<int> out(dims);
  for (int d = 0; d < dims; ++d) out[d] = v.size() == 1 ? v[0] : v[d];
  return out;
}
}  // namespace

template <class T>
Pool<T>::Pool(PoolKind kind, int dims, int channels, const std::vector<int>& size, const std::vector<int>& window,
              const std::vector<int>& stride)
    : kind_(kind), dims_(dims), channels_(channels) {
  if (channels < 1) fail("pooling: channels must be positive");
  const auto sz = per_dim("pooling size", dims, size), k = per_dim("pooling window", dims, window);
  const auto s = stride.empty() ? k : per_dim("pooling stride", dims, stride);
  const std::vector<int> p(dims, 0);
  geo_ = make_window_geometry("pooling", dims, sz.data(), k.data(), s.data(), p.data(), false);
}

template <class T>
std::vector<double> Pool<T>::hyper_parameters() const {
  std::vector<double> h = {double(kind_ == PoolKind::Max), double(dims_), double(channels_)};
  for (const int* a : {geo_.in, geo_.k, geo_.s})
    for (int d = 0; d < 3; ++d) h.push_back(a[d]);
  return h;
}

template <class T>
void Pool<T>::apply(const Tensor<T>& x, Tensor<T>& y, bool record_argmax) {
  if (x.extent(0) != in_features()) fail(kind(), ": input has ", x.extent(0), " features, expected ", in_features());
  const size_t cols = x.extent(1);
  ensure_shape(y, "pool_y", out_features(), cols);
  const WindowGeometry g = geo_;
  const int ovol = g.out_volume(), invol = g.in_volume(), kvol = g.window_volume();
  const bool is_max = kind_ == PoolKind::Max;
  const auto yy = y;
  if (is_max && record_argmax) {
    if (argmax_.extent(0) != out_features() || argmax_.extent(1) != cols)
      argmax_ = decltype(argmax_)("pool_argmax", out_features(), cols);
    batch_ = cols;
  }
  const auto arg = argmax_;
  const size_t B = batch_;
  for_each_entry("Pool::forward", out_features(), cols, KOKKOS_LAMBDA(const int64_t r, const int64_t b) {
    const int c = int(r) / ovol, o = int(r) % ovol;
    const size_t base = size_t(c) * invol;
    if (!is_max) {
      T s = 0;
      for (int w = 0; w < kvol; ++w) s += x(base + g.source(o, w), b);
      yy(r, b) = s / T(kvol);
    } else if (record_argmax) {
      int best = g.source(o, 0);
      for (int w = 1; w < kvol; ++w) {
        const int src = g.source(o, w);
        if (x(base + src, b) > x(base + best, b)) best = src;
      }
      arg(r, b) = best;
      yy(r, b) = x(base + best, b);
    } else {  // tangents: follow the argmax of the sample (column b % B)
      yy(r, b) = x(base + arg(r, size_t(b) % B), b);
    }
  });
}

template <class T>
void Pool<T>::adjoint(const Tensor<T>& dy, Tensor<T>& dx) const {
  const size_t cols = dy.extent(1);
  ensure_shape(dx, "pool_dx", in_features(), cols);
  const WindowGeometry g = geo_;
  const int ovol = g.out_volume(), invol = g.in_volume(), kvol = g.window_volume();
  const bool is_max = kind_ == PoolKind::Max;
  const auto arg = argmax_;
  const size_t B = batch_;
  const auto dd = dx;
  for_each_entry("Pool::adjoint", in_features(), cols, KOKKOS_LAMBDA(const int64_t n, const int64_t b) {
    const int c = int(n) / invol, i = int(n) % invol;
    const int ic[3] = {i / (g.in[1] * g.in[2]), (i / g.in[2]) % g.in[1], i % g.in[2]};
    int o0[kMaxPairs], j0[kMaxPairs], o1[kMaxPairs], j1[kMaxPairs], o2[kMaxPairs], j2[kMaxPairs];
    const int n0 = g.gather_pairs(0, ic[0], o0, j0);
    const int n1 = g.gather_pairs(1, ic[1], o1, j1);
    const int n2 = g.gather_pairs(2, ic[2], o2, j2);
    T s = 0;
    for (int a = 0; a < n0; ++a)
      for (int e = 0; e < n1; ++e)
        for (int f = 0; f < n2; ++f) {
          const int o = (o0[a] * g.out[1] + o1[e]) * g.out[2] + o2[f];
          const size_t r = size_t(c) * ovol + o;
          if (!is_max)
            s += dy(r, b) / T(kvol);
          else if (arg(r, size_t(b) % B) == i)
            s += dy(r, b);
        }
    dd(n, b) = s;
  });
}

template <class T>
void Pool<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool /*training*/) {
  apply(x, y, true);
}

template <class T>
void Pool<T>::backward(const Tensor<T>& dy, Tensor<T>& dx) {
  if (kind_ == PoolKind::Max && dy.extent(1) != batch_) fail(kind(), "::backward: dy shape does not match forward");
  adjoint(dy, dx);
}

template <class T>
void Pool<T>::forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) {
  if (xdot.extent(1) % x.extent(1) != 0) fail(kind(), "::forward_dual: xdot must have K*B columns");
  apply(x, y, true);
  apply(xdot, ydot, false);
}

template <class T>
void Pool<T>::backward_dual(const Tensor<T>& dy, const Tensor<T>& dydot, Tensor<T>& dx, Tensor<T>& dxdot) {
  adjoint(dy, dx);
  adjoint(dydot, dxdot);
}

template class Pool<float>;
template class Pool<double>;

}  // namespace macrodyn::nn
