// Adam / NAdam. See the header.
#include "nn/adam.hpp"


#include <cmath>

#include "core/kokkos_compat.hpp"

namespace macrodyn::nn {

template <class T>
Adam<T>::Adam(std::vector<Parameter<T>> params, double lr, double beta1, double beta2, double eps, double weight_decay,
              bool nesterov, bool decoupled, double momentum_decay)
    : Optimizer<T>(std::move(params), lr, weight_decay),
      beta1_(beta1),
      beta2_(beta2),
      eps_(eps),
      nesterov_(nesterov),
      decoupled_(decoupled),
      momentum_decay_(momentum_decay) {
  if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) fail("adam: betas must be in [0, 1)");
  if (!(eps > 0)) fail("adam: eps must be positive");
  for (auto& p : this->params_) {
    m_.push_back(Tensor<T>("adam_m", p.value.extent(0), p.value.extent(1)));
    v_.push_back(Tensor<T>("adam_v", p.value.extent(0), p.value.extent(1)));
  }
}

template <class T>
void Adam<T>::step() {
  const uint64_t t = ++this->steps_;
  const double bc2 = 1.0 - std::pow(beta2_, double(t));
  double c_grad = 0, c_mom = 0;  // p -= lr (c_grad g + c_mom m) / (sqrt(vhat) + eps)
  if (nesterov_) {
    const double mu_t = beta1_ * (1.0 - 0.5 * std::pow(0.96, double(t) * momentum_decay_));
    const double mu_next = beta1_ * (1.0 - 0.5 * std::pow(0.96, double(t + 1) * momentum_decay_));
    mu_product_ *= mu_t;
    c_grad = (1.0 - mu_t) / (1.0 - mu_product_);
    c_mom = mu_next / (1.0 - mu_product_ * mu_next);
  } else {
    c_mom = 1.0 / (1.0 - std::pow(beta1_, double(t)));
  }
  // Captured as double, converted in the kernel (the same floats): a float capture could alias the float
  // arrays the kernel writes, so the compiler would reload it every entry and not vectorise the loop.
  const double lr_d = this->lr_, wd_d = this->weight_decay_, b1_d = beta1_, b2_d = beta2_, eps_d = eps_;
  const double cg_d = c_grad, cm_d = c_mom, inv_bc2_d = 1.0 / bc2;
  const bool decoupled = decoupled_;
  std::vector<typename TensorChunks<T, 4>::Set> sets;
  for (size_t i = 0; i < this->params_.size(); ++i)
    sets.push_back({this->params_[i].value, this->params_[i].grad, m_[i], v_[i]});
  chunks_.assign(sets, this->lr_scale_);
  // One kernel over every parameter (tensor_chunks.hpp); ptr = {p, g, m, v} of one chunk.
  chunks_.for_each("nn::adam_step", KOKKOS_LAMBDA(T* const* ptr, const int64_t k, const T scale) {
    const T lr = T(lr_d), wd = T(wd_d), b1 = T(b1_d), b2 = T(b2_d), eps = T(eps_d);
    const T cg = T(cg_d), cm = T(cm_d), inv_bc2 = T(inv_bc2_d);
    T* p = ptr[0];
    T gk = ptr[1][k];
    if (decoupled)
      p[k] *= T(1) - scale * lr * wd;
    else
      gk += wd * p[k];
    const T mk = b1 * ptr[2][k] + (T(1) - b1) * gk;
    const T vk = b2 * ptr[3][k] + (T(1) - b2) * gk * gk;
    ptr[2][k] = mk;
    ptr[3][k] = vk;
    p[k] -= scale * lr * (cg * gk + cm * mk) / (kmath::sqrt(vk * inv_bc2) + eps);
  });
}

template <class T>
std::vector<Parameter<T>> Adam<T>::state_tensors() {
  std::vector<Parameter<T>> s;
  for (size_t i = 0; i < m_.size(); ++i) {
    s.push_back({"m." + std::to_string(i), m_[i], Tensor<T>()});
    s.push_back({"v." + std::to_string(i), v_[i], Tensor<T>()});
  }
  return s;
}

template <class T>
std::map<std::string, double> Adam<T>::state_scalars() const {
  return {{"steps", double(this->steps_)}, {"mu_product", mu_product_}};
}

template <class T>
void Adam<T>::set_state_scalars(const std::map<std::string, double>& s) {
  Optimizer<T>::set_state_scalars(s);
  auto it = s.find("mu_product");
  if (it == s.end()) fail("adam state: missing scalar 'mu_product'");
  mu_product_ = it->second;
}

template class Adam<double>;
template class Adam<float>;

}  // namespace macrodyn::nn
