// SGD with momentum. See the header.
#include "nn/sgd.hpp"

namespace macrodyn::nn {

template <class T>
SGD<T>::SGD(std::vector<Parameter<T>> params, double lr, double momentum, double weight_decay, bool nesterov)
    : Optimizer<T>(std::move(params), lr, weight_decay), momentum_(momentum), nesterov_(nesterov) {
  if (!(momentum >= 0 && momentum < 1)) fail("sgd: momentum must be in [0, 1), got ", momentum);
  for (auto& p : this->params_) velocity_.push_back(Tensor<T>("sgd_velocity", p.value.extent(0), p.value.extent(1)));
}

template <class T>
void SGD<T>::step() {
  const T lr0 = static_cast<T>(this->lr_), wd = static_cast<T>(this->weight_decay_), mu = static_cast<T>(momentum_);
  const bool first = this->steps_ == 0, nesterov = nesterov_, use_momentum = momentum_ > 0;
  for (size_t i = 0; i < this->params_.size(); ++i) {
    auto p = this->params_[i].value, g = this->params_[i].grad, v = velocity_[i];
    const T lr = this->lr_scale_.empty() ? lr0 : static_cast<T>(this->lr_ * this->lr_scale_[i]);
    const int rows = static_cast<int>(p.extent(0));
    Kokkos::parallel_for(
        "nn::sgd_step", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(p.size())), KOKKOS_LAMBDA(const int k) {
          const int r = k % rows, c = k / rows;
          const T gk = g(r, c) + wd * p(r, c);
          if (!use_momentum) {
            p(r, c) -= lr * gk;
            return;
          }
          const T vk = first ? gk : mu * v(r, c) + gk;
          v(r, c) = vk;
          p(r, c) -= lr * (nesterov ? gk + mu * vk : vk);
        });
  }
  ++this->steps_;
}

template <class T>
std::vector<Parameter<T>> SGD<T>::state_tensors() {
  std::vector<Parameter<T>> s;
  for (size_t i = 0; i < velocity_.size(); ++i)
    s.push_back({"velocity." + std::to_string(i), velocity_[i], Tensor<T>()});
  return s;
}

template class SGD<double>;
template class SGD<float>;

}  // namespace macrodyn::nn
