#pragma once
// Two-branch composition: both branches read the same input x.
//
//   Concat: y = [a(x); b(x)]   (features of a first)    out = out_a + out_b
//   Sum:    y = a(x) + b(x)                              out = out_a = out_b
// A null branch is the identity (Sum with a null branch = residual block x + b(x)).
// backward: dy is split (Concat) or shared (Sum); dx = dx_a + dx_b. The dual form does the same on
// (y, ydot) pairs: every operation here is linear in the branch outputs.
// Parameters: "a.<name>", "b.<name>".
#include <memory>

#include "nn/layer.hpp"

namespace macrodyn::nn {

enum class BranchMerge { Concat, Sum };

template <class T>
class TwoBranch : public Layer<T> {
 public:
  TwoBranch(std::shared_ptr<Layer<T>> a, std::shared_ptr<Layer<T>> b, BranchMerge merge);

  std::string kind() const override { return merge_ == BranchMerge::Concat ? "two_branch_concat" : "two_branch_sum"; }
  size_t in_features() const override { return in_; }
  size_t out_features() const override;
  std::shared_ptr<Layer<T>> branch(int i) const { return i == 0 ? a_ : b_; }

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward(const Tensor<T>& dy, Tensor<T>& dx) override;
  void forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) override;
  void backward_dual(const Tensor<T>& dy, const Tensor<T>& dydot, Tensor<T>& dx, Tensor<T>& dxdot) override;

  std::vector<Parameter<T>> parameters() override;
  std::vector<Parameter<T>> buffers() override;
  std::vector<double> hyper_parameters() const override { return {double(merge_ == BranchMerge::Sum)}; }

 private:
  size_t out_a() const { return a_ ? a_->out_features() : in_; }
  size_t out_b() const { return b_ ? b_->out_features() : in_; }
  std::shared_ptr<Layer<T>> a_, b_;
  BranchMerge merge_;
  size_t in_;
  Tensor<T> ya_, yb_, yda_, ydb_, dya_, dyb_, dyda_, dydb_, dxa_, dxb_, dxda_, dxdb_;
};

}  // namespace macrodyn::nn
