#pragma once
// Feature partition of a coupling layer: the passive (conditioning) features x1 are copied, the
// active features x2 are transformed with parameters computed from x1 by a conditioner network.
//
// mask[i] = 1: feature i is passive, 0: active. halves(d, parity): parity 0 -> the first d/2
// features are passive (rounded down), parity 1 -> the others; alternating parities in a flow
// transform every feature.
#include <vector>

#include "core/error.hpp"
#include "nn/tensor.hpp"

namespace macrodyn::nn {

struct CouplingMask {
  std::vector<int> mask;               // host copy, length d
  Kokkos::View<int*, MemSpace> pass;   // indices of passive features (d1)
  Kokkos::View<int*, MemSpace> act;    // indices of active features (d2)

  CouplingMask() = default;
  explicit CouplingMask(std::vector<int> m) : mask(std::move(m)) {
    std::vector<int> p, a;
    for (size_t i = 0; i < mask.size(); ++i) (mask[i] ? p : a).push_back(static_cast<int>(i));
    if (p.empty() || a.empty()) fail("coupling mask needs at least one passive and one active feature");
    pass = to_view("coupling_pass", p);
    act = to_view("coupling_act", a);
  }
  static CouplingMask halves(size_t d, int parity) {
    std::vector<int> m(d, 0);
    for (size_t i = 0; i < d; ++i) m[i] = ((i < d / 2) == (parity == 0)) ? 1 : 0;
    return CouplingMask(m);
  }
  size_t dim() const { return mask.size(); }
  size_t n_pass() const { return pass.extent(0); }
  size_t n_act() const { return act.extent(0); }

 private:
  static Kokkos::View<int*, MemSpace> to_view(const std::string& label, const std::vector<int>& v) {
    Kokkos::View<int*, MemSpace> out(label, v.size());
    auto h = Kokkos::create_mirror_view(out);
    for (size_t i = 0; i < v.size(); ++i) h(i) = v[i];
    Kokkos::deep_copy(out, h);
    return out;
  }
};

// out(i, b) = x(idx(i), b)
template <class T>
void gather_rows(const Tensor<T>& x, const Kokkos::View<int*, MemSpace>& idx, Tensor<T>& out) {
  const int n = static_cast<int>(idx.extent(0));
  const int batch = static_cast<int>(x.extent(1));
  ensure_shape(out, "gathered_rows", n, batch);
  auto o = out;
  Kokkos::parallel_for(
      "nn::gather_rows", Kokkos::RangePolicy<ExecSpace>(0, n * batch), KOKKOS_LAMBDA(const int k) {
        const int i = k % n, b = k / n;
        o(i, b) = x(idx(i), b);
      });
}

// y(idx(i), b) = src(i, b)  (or +=)
template <class T>
void scatter_rows(const Tensor<T>& src, const Kokkos::View<int*, MemSpace>& idx, Tensor<T>& y, bool add) {
  const int n = static_cast<int>(idx.extent(0));
  const int batch = static_cast<int>(src.extent(1));
  auto yy = y;
  Kokkos::parallel_for(
      "nn::scatter_rows", Kokkos::RangePolicy<ExecSpace>(0, n * batch), KOKKOS_LAMBDA(const int k) {
        const int i = k % n, b = k / n;
        if (add)
          yy(idx(i), b) += src(i, b);
        else
          yy(idx(i), b) = src(i, b);
      });
}

}  // namespace macrodyn::nn
