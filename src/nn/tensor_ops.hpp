#pragma once
// Small kernels shared by the feed-forward layers.
//
// flat(t): the (features, batch) tensor as one contiguous 1-D view (entry i + features * b), for
// element-wise kernels without an integer division per entry (tensors are unpadded LayoutLeft).
// for_each_entry(label, rows, cols, f): f(i, b) over a rows x cols index space, i fastest.
#include "core/error.hpp"
#include "nn/tensor.hpp"

namespace macrodyn::nn {

template <class T>
using FlatView = Kokkos::View<T*, MemSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

template <class T>
FlatView<T> flat(const Tensor<T>& t) {
  if (!t.span_is_contiguous()) fail("nn: tensor '", t.label(), "' is not contiguous");
  return FlatView<T>(t.data(), t.size());
}

template <class F>
void for_each_entry(const std::string& label, size_t rows, size_t cols, const F& f) {
  using Policy = Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2, Kokkos::Iterate::Left, Kokkos::Iterate::Left>>;
  Kokkos::parallel_for(label, Policy({0, 0}, {static_cast<int64_t>(rows), static_cast<int64_t>(cols)}), f);
}

}  // namespace macrodyn::nn
