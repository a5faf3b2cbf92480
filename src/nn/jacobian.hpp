#pragma once
// Input Jacobian of a network and losses on it (the closure method's condition-number loss).
//
// For phi: R^N -> R^d (any Layer, typically an MLP encoder) and a batch x (N, B):
//   J_b = dphi/dx (x_b), d x N per sample, stored as ONE tensor J of shape (N, d*B) whose column
//   i*B + b is row i of J_b (the gradient of output i of sample b) - the layout of a dual batch
//   with K = d tangents, so dL/dJ can be fed straight back as tangents.
// input_jacobian: reverse mode on the batch replicated d times (one forward + one backward of
//   batch d*B with dy column i*B+b = e_i); cost ~ d backward passes. Parameter gradients are saved
//   and restored around it, so it has no side effect on them.
// jacobian_loss_backward(net, x, G), G = dL/dJ in J's layout: ADDS dL/dtheta = d/dtheta <G, J>
//   (G held fixed) to the parameter gradients. <G, J> = sum_{i,b} e_i^T J_b G_{i,b} is the
//   tangent output of one dual pass with tangents G: forward_dual(x, G) then backward_dual with
//   dy = 0 and dydot column i*B+b = e_i. Exact (no finite differences); cost ~ a dual pass with K = d.
// condition_number_loss: L = (1/count) sum_b (kappa_b - 1)^2 ([Partial observations] eq. 6), kappa_b =
//   lambda_max / lambda_min of A_b = J_b J_b^T (eigenvalues by Jacobi, symmetric_eigen.hpp);
//   dkappa/dA = (u_max u_max^T - kappa u_min u_min^T) / lambda_min (simple extreme eigenvalues),
//   dL/dJ_b = 2 S_b J_b with S_b = dL/dA_b. count defaults to B (pass the global batch in
//   data-parallel training). The d x d algebra runs on the host in double (d is small); the
//   Gram matrices and dL/dJ_b = 2 J_b S_b are double BLAS GEMMs per sample there too, O(d^2 N B).
#include <vector>

#include "nn/layer.hpp"

namespace macrodyn::nn {

// J (N, d*B) as above; y (optional) receives phi(x) (d, B).
template <class T>
void input_jacobian(Layer<T>& net, const Tensor<T>& x, Tensor<T>& J, Tensor<T>* y = nullptr);

template <class T>
void jacobian_loss_backward(Layer<T>& net, const Tensor<T>& x, const Tensor<T>& G);

struct ConditionNumberLossResult {
  double loss = 0;
  std::vector<double> kappa;  // per sample
};

// J (N, d*B) -> B consecutive row-major d x d blocks J_b J_b^T (host, double).
template <class T>
std::vector<double> gram_matrices(const Tensor<T>& J, size_t d);

// A: B consecutive d x d row-major Gram matrices A_b = J_b J_b^T -> loss, per-sample kappa, and
// S_b = dL/dA_b (symmetric, same layout). For callers that form A_b without J (encoder_jacobian.hpp).
ConditionNumberLossResult condition_number_loss_gram(const std::vector<double>& A, size_t d, std::vector<double>& S,
                                                     double count = 0);

// J (N, d*B) -> loss, per-sample kappa, and G = dL/dJ (same layout as J), through the Gram form above.
template <class T>
ConditionNumberLossResult condition_number_loss(const Tensor<T>& J, size_t d, Tensor<T>& G, double count = 0);

}  // namespace macrodyn::nn
