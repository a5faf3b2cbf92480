#pragma once
// Negative log-likelihood of a flow under the standard normal prior (change of variables):
//
//   -log p(x_b) = |z_b|^2 / 2 + (D/2) log(2 pi) - c_b,   z = f(x) (D, B), c = flow log-density term
//   loss = weight * sum_b (-log p(x_b))     (weight = 1/B: the batch mean; a data-parallel rank
//                                            passes 1/B_global for its slice)
//   gradients: dz = weight * z,  dc_b = -weight  (feed to Flow::backward_flow)
// Accumulated in double for every scalar type.
#include "nn/tensor.hpp"

namespace macrodyn::nn {

template <class T>
double flow_nll(const Tensor<T>& z, const Tensor<T>& log_det, double weight, Tensor<T>& dz, Tensor<T>& dlog_det);

// The loss only (no gradients).
template <class T>
double flow_nll_value(const Tensor<T>& z, const Tensor<T>& log_det, double weight);

extern template double flow_nll<double>(const Tensor<double>&, const Tensor<double>&, double, Tensor<double>&,
                                        Tensor<double>&);
extern template double flow_nll<float>(const Tensor<float>&, const Tensor<float>&, double, Tensor<float>&,
                                       Tensor<float>&);
extern template double flow_nll_value<double>(const Tensor<double>&, const Tensor<double>&, double);
extern template double flow_nll_value<float>(const Tensor<float>&, const Tensor<float>&, double);

}  // namespace macrodyn::nn
