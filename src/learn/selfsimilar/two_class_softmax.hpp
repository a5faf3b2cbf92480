#pragma once
// Two-class softmax head of the cellular-automaton dynamics learner (self-similar dynamics paper,
// sec. III A: per-site logits -> softmax, trained with the negative log-likelihood).
//
// Logits of L sites are channel-major, as a Conv1d with 2 output channels writes them:
//   z(c * L + i, b), c = 0 (state 0), 1 (state 1).
// The softmax probability of state 1 is p = e^{z1} / (e^{z0} + e^{z1}) = sigmoid(z1 - z0).
//
// TwoClassProbability: layer (2L -> L), y(i, b) = sigmoid(z1 - z0); backward
//   dz1 = p (1 - p) dy,  dz0 = -dz1.
// It turns the dynamics learner's output into the next macrostate y_{t+1} in [0, 1] when the
// learner is applied at the macro level.
//
// two_class_nll(z, target, weight, dz): sum over sites and samples of weight * (-log softmax(z)_target)
//   (target in {0, 1} stored as T); dz(c, i) = weight * (softmax_c - [c == target]). Pass
//   weight = 1 / (global batch * L) for the per-site mean over a data-parallel global batch.
// two_class_correct(z, target): number of sites whose arg-max class equals the target.
#include "nn/layer.hpp"

namespace macrodyn::selfsimilar {

template <class T>
class TwoClassProbability : public nn::Layer<T> {
 public:
  explicit TwoClassProbability(size_t sites) : sites_(sites) {}
  std::string kind() const override { return "two_class_probability"; }
  size_t in_features() const override { return 2 * sites_; }
  size_t out_features() const override { return sites_; }
  void forward(const nn::Tensor<T>& x, nn::Tensor<T>& y, bool training) override;
  void backward(const nn::Tensor<T>& dy, nn::Tensor<T>& dx) override;
  std::vector<double> hyper_parameters() const override { return {double(sites_)}; }

 private:
  size_t sites_;
  nn::Tensor<T> p_;  // probabilities of the last forward
};

template <class T>
double two_class_nll(const nn::Tensor<T>& logits, const nn::Tensor<T>& target, double weight, nn::Tensor<T>& dlogits);

template <class T>
long two_class_correct(const nn::Tensor<T>& logits, const nn::Tensor<T>& target);

extern template class TwoClassProbability<double>;
extern template class TwoClassProbability<float>;

}  // namespace macrodyn::selfsimilar
