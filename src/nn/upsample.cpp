#include "nn/upsample.hpp"

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
Upsample<T>::Upsample(int dims, int channels, const std::vector<int>& size, const std::vector<int>& factor)
    : dims_(dims), channels_(channels) {
  if (dims < 1 || dims > 3 || channels < 1) fail("upsample: dims must be 1..3 and channels positive");
  const auto sz = per_dim("upsample size", dims, size), f = per_dim("upsample factor", dims, factor);
  for (int a = 0; a < dims; ++a) {
    if (sz[a] < 1 || f[a] < 1) fail("upsample: size and factor must be positive");
    in_[3 - dims + a] = sz[a];
    f_[3 - dims + a] = f[a];
  }
}

template <class T>
std::vector<double> Upsample<T>::hyper_parameters() const {
  std::vector<double> h = {double(dims_), double(channels_)};
  for (int d = 0; d < 3; ++d) h.push_back(in_[d]);
  for (int d = 0; d < 3; ++d) h.push_back(f_[d]);
  return h;
}

template <class T>
void Upsample<T>::up(const Tensor<T>& x, Tensor<T>& y) const {
  if (x.extent(0) != in_features()) fail(kind(), ": input has ", x.extent(0), " features, expected ", in_features());
  ensure_shape(y, "upsample_y", out_features(), x.extent(1));
  const int i0 = in_[0], i1 = in_[1], i2 = in_[2], f0 = f_[0], f1 = f_[1], f2 = f_[2];
  const int o1 = i1 * f1, o2 = i2 * f2, ovol = i0 * f0 * o1 * o2, invol = i0 * i1 * i2;
  const auto yy = y;
  for_each_entry("Upsample::up", out_features(), x.extent(1), KOKKOS_LAMBDA(const int64_t r, const int64_t b) {
    const int c = int(r) / ovol, o = int(r) % ovol;
    const int a0 = o / (o1 * o2), a1 = (o / o2) % o1, a2 = o % o2;
    yy(r, b) = x(size_t(c) * invol + ((a0 / f0) * i1 + a1 / f1) * i2 + a2 / f2, b);
  });
}

template <class T>
void Upsample<T>::down(const Tensor<T>& dy, Tensor<T>& dx) const {
  ensure_shape(dx, "upsample_dx", in_features(), dy.extent(1));
  const int i1 = in_[1], i2 = in_[2], f0 = f_[0], f1 = f_[1], f2 = f_[2];
  const int o1 = i1 * f1, o2 = i2 * f2, ovol = in_[0] * f0 * o1 * o2, invol = in_[0] * i1 * i2;
  const auto dd = dx;
  for_each_entry("Upsample::down", in_features(), dy.extent(1), KOKKOS_LAMBDA(const int64_t n, const int64_t b) {
    const int c = int(n) / invol, i = int(n) % invol;
    const int a0 = i / (i1 * i2), a1 = (i / i2) % i1, a2 = i % i2;
    T s = 0;
    for (int u = 0; u < f0; ++u)
      for (int v = 0; v < f1; ++v)
        for (int w = 0; w < f2; ++w)
          s += dy(size_t(c) * ovol + ((a0 * f0 + u) * o1 + a1 * f1 + v) * o2 + a2 * f2 + w, b);
    dd(n, b) = s;
  });
}

template <class T>
void Upsample<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool /*training*/) {
  up(x, y);
}
template <class T>
void Upsample<T>::backward(const Tensor<T>& dy, Tensor<T>& dx) {
  down(dy, dx);
}
template <class T>
void Upsample<T>::forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) {
  up(x, y);
  up(xdot, ydot);
}
template <class T>
void Upsample<T>::backward_dual(const Tensor<T>& dy, const Tensor<T>& dydot, Tensor<T>& dx, Tensor<T>& dxdot) {
  down(dy, dx);
  down(dydot, dxdot);
}

template class Upsample<float>;
template class Upsample<double>;

}  // namespace macrodyn::nn
