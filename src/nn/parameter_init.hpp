#pragma once
// Counter-based initialisation of tensors (parameters, test inputs).
//
// Every entry t(i, j) draws from CounterRng(seed, stream) with index = i + rows * j, so a model's
// initial parameters depend only on (seed, stream) and never on the rank count or on the order in
// which layers are built. Layers use the PyTorch default for Dense/Conv weights and biases:
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
#include <cmath>
#include <cstdint>

#include "core/rng.hpp"
#include "nn/tensor.hpp"

namespace macrodyn::nn {

// t(i, j) ~ U(lo, hi)
template <class T>
void fill_uniform(const Tensor<T>& t, uint64_t seed, uint64_t stream, double lo, double hi) {
  const CounterRng rng(seed, stream);
  const size_t rows = t.extent(0);
  Tensor<T> v = t;
  Kokkos::parallel_for(
      "nn::fill_uniform", Kokkos::RangePolicy<ExecSpace>(0, t.extent(0) * t.extent(1)), KOKKOS_LAMBDA(const size_t n) {
        v(n % rows, n / rows) = static_cast<T>(lo + (hi - lo) * rng.uniform(n, 0, 0));
      });
}

// t(i, j) ~ N(mean, stddev^2)
template <class T>
void fill_normal(const Tensor<T>& t, uint64_t seed, uint64_t stream, double mean = 0.0, double stddev = 1.0) {
  const CounterRng rng(seed, stream);
  const size_t rows = t.extent(0);
  Tensor<T> v = t;
  Kokkos::parallel_for(
      "nn::fill_normal", Kokkos::RangePolicy<ExecSpace>(0, t.extent(0) * t.extent(1)), KOKKOS_LAMBDA(const size_t n) {
        v(n % rows, n / rows) = static_cast<T>(mean + stddev * rng.normal(n, 0, 0));
      });
}

// PyTorch's default for Linear/Conv weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
template <class T>
void fill_fan_in_uniform(const Tensor<T>& t, size_t fan_in, uint64_t seed, uint64_t stream) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  fill_uniform(t, seed, stream, -bound, bound);
}

}  // namespace macrodyn::nn
