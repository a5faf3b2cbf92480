#pragma once
// Stochastic gradient descent with (optionally Nesterov) momentum, PyTorch conventions:
//   g <- g + wd p;   v <- mu v + g  (v = g on the first step);   p <- p - lr (nesterov ? g + mu v : v)
// momentum = 0: plain SGD p <- p - lr g. State: "velocity.<param>" tensors.
#include "nn/optimizer.hpp"

namespace macrodyn::nn {

template <class T>
class SGD : public Optimizer<T> {
 public:
  SGD(std::vector<Parameter<T>> params, double lr, double momentum = 0.0, double weight_decay = 0.0,
      bool nesterov = false);
  std::string kind() const override { return "sgd"; }
  void step() override;
  std::vector<Parameter<T>> state_tensors() override;

 private:
  double momentum_;
  bool nesterov_;
  std::vector<Tensor<T>> velocity_;
};

extern template class SGD<double>;
extern template class SGD<float>;

}  // namespace macrodyn::nn
