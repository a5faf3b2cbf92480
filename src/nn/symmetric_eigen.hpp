#pragma once
// Eigen-decomposition of a small dense symmetric matrix by cyclic Jacobi rotations (host, double).
//
// A = V diag(w) V^T, w ascending, V's columns orthonormal eigenvectors (V(i, k) = v_k[i], row-major
// n x n in a std::vector). Jacobi is accurate to a few ulps relative to ||A|| and, unlike the QR
// algorithm, keeps small eigenvalues of positive definite matrices to high relative accuracy
// (Demmel & Veselic 1992) - what the condition number of a Gram matrix needs. Meant for n <~ 64
// (latent dimensions); O(n^3) per sweep, typically 6-10 sweeps.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace macrodyn::nn {

struct SymmetricEigen {
  std::vector<double> values;   // ascending
  std::vector<double> vectors;  // n x n row-major, column k = eigenvector of values[k]
};

inline SymmetricEigen symmetric_eigen(std::vector<double> a, size_t n) {
  std::vector<double> v(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) v[i * n + i] = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, diag = 0;
    for (size_t i = 0; i < n; ++i) {
      diag += a[i * n + i] * a[i * n + i];
      for (size_t j = i + 1; j < n; ++j) off += a[i * n + j] * a[i * n + j];
    }
    if (off <= 1e-32 * diag || off == 0) break;
    for (size_t p = 0; p < n; ++p)
      for (size_t q = p + 1; q < n; ++q) {
        const double apq = a[p * n + q];
        if (apq == 0) continue;
        const double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (size_t k = 0; k < n; ++k) {  // A <- A R (columns p, q)
          const double akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (size_t k = 0; k < n; ++k) {  // A <- R^T A (rows p, q)
          const double apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (size_t k = 0; k < n; ++k) {
          const double vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return a[x * n + x] < a[y * n + y]; });
  SymmetricEigen out{std::vector<double>(n), std::vector<double>(n * n)};
  for (size_t k = 0; k < n; ++k) {
    out.values[k] = a[order[k] * n + order[k]];
    for (size_t i = 0; i < n; ++i) out.vectors[i * n + k] = v[i * n + order[k]];
  }
  return out;
}

}  // namespace macrodyn::nn
