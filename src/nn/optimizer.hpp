#pragma once
// Optimizers of the neural core: the common interface, gradient clipping and the step LR schedule.
//
// An Optimizer updates a fixed list of Parameters in place from their accumulated gradients:
//   step()  one update with the current learning rate (set by the trainer from an LRSchedule)
// Weight decay (coupled, PyTorch's `weight_decay`): g <- g + wd * p before the update.
// set_learning_rate_scale(name, s): the parameter `name` is updated with lr * s (default 1), e.g. a
// very wide input layer whose Adam steps would otherwise move its outputs by lr x (input width).
// State (moments, step count) is exposed by state_tensors() / state_scalars() so that a trainer
// can checkpoint it and resume bit-identically.
//
// clip_grad_norm(params, max_norm): if ||g||_2 (over all parameters) > max_norm, g <- g max_norm/||g||.
// Returns the norm before clipping. Called after the gradients are summed over ranks, so every rank
// scales identically.
// StepLR: lr(step) = lr0 * gamma^floor(step / step_size)   (step = number of updates done).
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "nn/layer.hpp"
#include "nn/tensor_chunks.hpp"

namespace macrodyn::nn {

template <class T>
class Optimizer {
 public:
  Optimizer(std::vector<Parameter<T>> params, double lr, double weight_decay)
      : params_(std::move(params)), lr_(lr), weight_decay_(weight_decay) {
    if (!(lr >= 0)) fail("optimizer: learning rate must be >= 0, got ", lr);
    if (!(weight_decay >= 0)) fail("optimizer: weight_decay must be >= 0, got ", weight_decay);
  }
  virtual ~Optimizer() = default;
  virtual std::string kind() const = 0;
  virtual void step() = 0;

  void set_learning_rate(double lr) { lr_ = lr; }
  void set_learning_rate_scale(const std::string& name, double scale) {
    if (!(scale >= 0)) fail("optimizer: learning-rate scale of '", name, "' must be >= 0, got ", scale);
    for (size_t i = 0; i < params_.size(); ++i)
      if (params_[i].name == name) {
        lr_scale_.resize(params_.size(), 1.0);
        lr_scale_[i] = scale;
        return;
      }
    fail("optimizer: no parameter named '", name, "'");
  }
  double learning_rate() const { return lr_; }
  uint64_t steps() const { return steps_; }
  std::vector<Parameter<T>>& params() { return params_; }
  // One kernel over every gradient (tensor_chunks.hpp).
  void zero_grad() {
    std::vector<typename TensorChunks<T, 1>::Set> sets;
    for (auto& p : params_) sets.push_back({p.grad});
    grad_chunks_.assign(sets);
    grad_chunks_.for_each("nn::zero_grad", KOKKOS_LAMBDA(T* const* t, const int64_t k, T) { t[0][k] = T(0); });
  }

  // Named state tensors (value = state, grad empty) and scalars (including "steps").
  virtual std::vector<Parameter<T>> state_tensors() { return {}; }
  virtual std::map<std::string, double> state_scalars() const { return {{"steps", double(steps_)}}; }
  virtual void set_state_scalars(const std::map<std::string, double>& s) {
    auto it = s.find("steps");
    if (it == s.end()) fail("optimizer state: missing scalar 'steps'");
    steps_ = static_cast<uint64_t>(it->second);
  }

 protected:
  std::vector<Parameter<T>> params_;
  double lr_, weight_decay_;
  std::vector<double> lr_scale_;  // per parameter (1 unless set); empty when none was set
  uint64_t steps_ = 0;

 private:
  TensorChunks<T, 1> grad_chunks_;
};

template <class T>
double clip_grad_norm(std::vector<Parameter<T>>& params, double max_norm) {
  double sq = 0;
  for (auto& p : params) {
    auto g = p.grad;
    const int rows = static_cast<int>(g.extent(0));
    double s = 0;
    Kokkos::parallel_reduce(
        "nn::grad_norm", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(g.size())),
        KOKKOS_LAMBDA(const int k, double& acc) {
          const double v = g(k % rows, k / rows);
          acc += v * v;
        },
        s);
    sq += s;
  }
  const double norm = std::sqrt(sq);
  if (max_norm > 0 && norm > max_norm) {
    const T scale = static_cast<T>(max_norm / norm);
    for (auto& p : params) {
      auto g = p.grad;
      const int rows = static_cast<int>(g.extent(0));
      Kokkos::parallel_for(
          "nn::grad_clip", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(g.size())),
          KOKKOS_LAMBDA(const int k) { g(k % rows, k / rows) *= scale; });
    }
  }
  return norm;
}

struct StepLR {
  double lr0 = 1e-3;
  long step_size = 0;  // 0: constant
  double gamma = 1.0;
  double at(uint64_t step) const {
    if (step_size <= 0) return lr0;
    return lr0 * std::pow(gamma, static_cast<double>(step / static_cast<uint64_t>(step_size)));
  }
};

}  // namespace macrodyn::nn
