#pragma once
// Mean squared error.
//
//   L = (1/count) sum_{i,b} (p(i,b) - t(i,b))^2,   dL/dp = 2 (p - t) / count
// count defaults to the number of entries of p (PyTorch's MSELoss "mean"); a data-parallel trainer
// passes the GLOBAL entry count so that the per-rank gradients sum to the global gradient.
// Sums are accumulated in double whatever T is, in 16 interleaved lanes per chunk of 1024 entries
// (nn/lane_sum.hpp: vectorised, a fixed order).
#include "nn/tensor.hpp"

namespace macrodyn::nn {

// Returns L and writes dL/dp into grad (resized to p's shape).
template <class T>
double mse_loss(const Tensor<T>& prediction, const Tensor<T>& target, Tensor<T>& grad, double count = 0);

// L only.
template <class T>
double mse_value(const Tensor<T>& prediction, const Tensor<T>& target, double count = 0);

}  // namespace macrodyn::nn
