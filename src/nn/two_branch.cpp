#include "nn/two_branch.hpp"

#include "nn/tensor_ops.hpp"

namespace macrodyn::nn {
namespace {

// out = [a; b] (rows) or a + b
template <class T>
void merge(BranchMerge m, const Tensor<T>& a, const Tensor<T>& b, Tensor<T>& out) {
  const size_t na = a.extent(0), cols = a.extent(1);
  const bool cat = m == BranchMerge::Concat;
  ensure_shape(out, "branch_y", cat ? na + b.extent(0) : na, cols);
  const auto o = out;
  for_each_entry("TwoBranch::merge", o.extent(0), cols, KOKKOS_LAMBDA(const int64_t i, const int64_t j) {
    o(i, j) = cat ? (size_t(i) < na ? a(i, j) : b(i - na, j)) : a(i, j) + b(i, j);
  });
}

// the part of d(out) that belongs to branch a (first na rows) or b
template <class T>
void split(BranchMerge m, const Tensor<T>& dout, size_t offset, size_t rows, Tensor<T>& part) {
  if (m == BranchMerge::Sum) {
    part = dout;
    return;
  }
  ensure_shape(part, "branch_dy", rows, dout.extent(1));
  const auto p = part;
  for_each_entry("TwoBranch::split", rows, dout.extent(1),
                 KOKKOS_LAMBDA(const int64_t i, const int64_t j) { p(i, j) = dout(i + offset, j); });
}

template <class T>
void add_into(const Tensor<T>& a, const Tensor<T>& b, Tensor<T>& out) {
  ensure_shape(out, "branch_dx", a.extent(0), a.extent(1));
  const auto o = flat(out), fa = flat(a), fb = flat(b);
  Kokkos::parallel_for(
      "TwoBranch::add", Kokkos::RangePolicy<ExecSpace>(0, a.size()),
      KOKKOS_LAMBDA(const size_t k) { o(k) = fa(k) + fb(k); });
}

}  // namespace

template <class T>
TwoBranch<T>::TwoBranch(std::shared_ptr<Layer<T>> a, std::shared_ptr<Layer<T>> b, BranchMerge merge)
    : a_(std::move(a)), b_(std::move(b)), merge_(merge) {
  if (!a_ && !b_) fail("TwoBranch: at least one branch must be a layer");
  in_ = a_ ? a_->in_features() : b_->in_features();
  if (a_ && b_ && a_->in_features() != b_->in_features())
    fail("TwoBranch: branches take ", a_->in_features(), " and ", b_->in_features(), " features");
  if (merge_ == BranchMerge::Sum && out_a() != out_b())
    fail("TwoBranch(sum): branch outputs differ (", out_a(), " vs ", out_b(), ")");
}

template <class T>
size_t TwoBranch<T>::out_features() const {
  return merge_ == BranchMerge::Concat ? out_a() + out_b() : out_a();
}

template <class T>
void TwoBranch<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool training) {
  if (a_) a_->forward(x, ya_, training); else ya_ = x;
  if (b_) b_->forward(x, yb_, training); else yb_ = x;
  merge(merge_, ya_, yb_, y);
}

template <class T>
void TwoBranch<T>::backward(const Tensor<T>& dy, Tensor<T>& dx) {
  split(merge_, dy, 0, out_a(), dya_);
  split(merge_, dy, out_a(), out_b(), dyb_);
  if (a_) a_->backward(dya_, dxa_); else dxa_ = dya_;
  if (b_) b_->backward(dyb_, dxb_); else dxb_ = dyb_;
  add_into(dxa_, dxb_, dx);
}

template <class T>
void TwoBranch<T>::forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) {
  if (a_) a_->forward_dual(x, xdot, ya_, yda_); else { ya_ = x; yda_ = xdot; }
  if (b_) b_->forward_dual(x, xdot, yb_, ydb_); else { yb_ = x; ydb_ = xdot; }
  merge(merge_, ya_, yb_, y);
  merge(merge_, yda_, ydb_, ydot);
}

template <class T>
void TwoBranch<T>::backward_dual(const Tensor<T>& dy, const Tensor<T>& dydot, Tensor<T>& dx, Tensor<T>& dxdot) {
  split(merge_, dy, 0, out_a(), dya_);
  split(merge_, dy, out_a(), out_b(), dyb_);
  split(merge_, dydot, 0, out_a(), dyda_);
  split(merge_, dydot, out_a(), out_b(), dydb_);
  if (a_) a_->backward_dual(dya_, dyda_, dxa_, dxda_); else { dxa_ = dya_; dxda_ = dyda_; }
  if (b_) b_->backward_dual(dyb_, dydb_, dxb_, dxdb_); else { dxb_ = dyb_; dxdb_ = dydb_; }
  add_into(dxa_, dxb_, dx);
  add_into(dxda_, dxdb_, dxdot);
}

template <class T>
std::vector<Parameter<T>> TwoBranch<T>::parameters() {
  std::vector<Parameter<T>> all;
  for (int i = 0; i < 2; ++i) {
    auto& br = i == 0 ? a_ : b_;
    if (!br) continue;
    for (auto p : br->parameters()) {
      p.name = std::string(i == 0 ? "a." : "b.") + p.name;
      all.push_back(p);
    }
  }
  return all;
}

template <class T>
std::vector<Parameter<T>> TwoBranch<T>::buffers() {
  std::vector<Parameter<T>> all;
  for (int i = 0; i < 2; ++i) {
    auto& br = i == 0 ? a_ : b_;
    if (!br) continue;
    for (auto p : br->buffers()) {
      p.name = std::string(i == 0 ? "a." : "b.") + p.name;
      all.push_back(p);
    }
  }
  return all;
}

template class TwoBranch<float>;
template class TwoBranch<double>;

}  // namespace macrodyn::nn
