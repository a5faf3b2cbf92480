#pragma once
// The MacroNet training loss (MacroNet paper sec. 3, eq. of the total loss):
//
//   L = sum_b w_b [ |phi_u(u_b) - phi_v(v_b)|^2 + gamma (NLL_u(u_b) + NLL_v(v_b)) ]
//   NLL(x) = |beta|^2/2 + (D/2) log 2 pi - c(x)   (c: the flow's log-density term, which contains
//            log|det J|, the split's log N(z) of the discarded dims and the noisy kernel's -log q)
// with w_b = weight (1 / global batch size in data-parallel training): the batch mean.
// Shared weights: u and v go through phi in one batch of 2B columns (batch-norm statistics of the
// union), so one forward/backward serves both sides.
// pair_loss() runs the training-mode forward, ADDS the parameter gradients and returns the terms
// (each already multiplied by weight; total = prediction + gamma * (nll_u + nll_v)).
// Noise of the noisy kernels is keyed by the global sample ids (v side: id + id_offset) and `step`.
#include <cstdint>
#include <vector>

#include "learn/macronet/macronet_model.hpp"

namespace macrodyn::macronet {

struct PairLoss {
  double prediction = 0, nll_u = 0, nll_v = 0, total = 0;
};

template <class T>
class PairLossEvaluator {
 public:
  PairLossEvaluator(MacroNet<T>& model, double gamma) : model_(model), gamma_(gamma) {}
  // u (du, B), v (dv, B); ids: the B global sample ids; gradients are ADDED when with_gradient.
  PairLoss operator()(const nn::Tensor<T>& u, const nn::Tensor<T>& v, const std::vector<uint64_t>& ids,
                      uint64_t id_offset, uint32_t step, double weight, bool with_gradient = true);

 private:
  MacroNet<T>& model_;
  double gamma_;
  nn::Tensor<T> x_, z_, dz_, dc_, dx_;                       // shared: (u | v) batch
  nn::Tensor<T> zu_, zv_, dzu_, dzv_, dcu_, dcv_, dxu_, dxv_;  // separate flows
};

extern template class PairLossEvaluator<double>;
extern template class PairLossEvaluator<float>;

}  // namespace macrodyn::macronet
