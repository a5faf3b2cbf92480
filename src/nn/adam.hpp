#pragma once
// Adam (Kingma & Ba 2015) and NAdam (Dozat 2016, in PyTorch's form with momentum decay), t = step:
//   g <- g + wd p;  m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2;  vhat = v / (1 - b2^t)
//   Adam:  p <- p - lr (m / (1 - b1^t)) / (sqrt(vhat) + eps)
//   NAdam: mu_t = b1 (1 - 0.5 * 0.96^(t psi)),  P_t = prod_{i<=t} mu_i   (psi = momentum_decay, 4e-3)
//          p <- p - lr [ (1 - mu_t) / (1 - P_t) g + mu_{t+1} / (1 - P_t mu_{t+1}) m ] / (sqrt(vhat) + eps)
// decoupled = true gives AdamW-style decay p <- p (1 - lr wd) instead of adding wd p to g.
// State: "m.<i>", "v.<i>" tensors; scalars "steps" and (NAdam) "mu_product".
#include <memory>

#include "nn/optimizer.hpp"
#include "nn/tensor_chunks.hpp"

namespace macrodyn::nn {

template <class T>
class Adam : public Optimizer<T> {
 public:
  Adam(std::vector<Parameter<T>> params, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
       double weight_decay = 0.0, bool nesterov = false, bool decoupled = false, double momentum_decay = 4e-3);
  std::string kind() const override { return nesterov_ ? "nadam" : "adam"; }
  void step() override;
  std::vector<Parameter<T>> state_tensors() override;
  std::map<std::string, double> state_scalars() const override;
  void set_state_scalars(const std::map<std::string, double>& s) override;

 private:
  double beta1_, beta2_, eps_;
  bool nesterov_, decoupled_;
  double momentum_decay_;
  double mu_product_ = 1.0;
  std::vector<Tensor<T>> m_, v_;
  TensorChunks<T, 4> chunks_;
};

// NAdam = Adam with nesterov = true.
template <class T>
std::unique_ptr<Adam<T>> make_nadam(std::vector<Parameter<T>> params, double lr, double beta1 = 0.9,
                                    double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0.0) {
  return std::make_unique<Adam<T>>(std::move(params), lr, beta1, beta2, eps, weight_decay, true);
}

extern template class Adam<double>;
extern template class Adam<float>;

}  // namespace macrodyn::nn
