#pragma once
// Gradient of a scalar network w.r.t. its input, and exact parameter gradients of losses that use it
// (OnsagerNet's grad V, GFINNs' grad E / grad S).
//
// V: R^d -> R (any Layer with out_features() == 1), batch z (d, B).
// scalar_gradient(V, z, g, v): g (d, B), g(:, b) = grad_z V(z_b); v (optional) = V(z) (1, B).
//   Forward mode with the d unit tangents (one dual pass with K = d): no side effect on the
//   parameter gradients, cheap for the small latent dimensions it is meant for.
// scalar_gradient_backward(V, z, H, dz, dV): for a loss L(V(z), grad V(z)) with H = dL/d(grad V)
//   (d, B) and dV = dL/dV (1, B, optional), ADDS dL/dtheta to V's parameter gradients and returns
//   dz = dL/dz = Hess V(z_b) H_b + dV_b grad V(z_b). Uses sum_b <H_b, grad V(z_b)> = the tangent
//   output of one dual pass with tangents H (K = 1); its reverse (backward_dual with dydot = 1,
//   dy = dV) gives the parameter gradient and dz exactly.
#include "nn/layer.hpp"

namespace macrodyn::nn {

template <class T>
void scalar_gradient(Layer<T>& V, const Tensor<T>& z, Tensor<T>& g, Tensor<T>* v = nullptr);

template <class T>
void scalar_gradient_backward(Layer<T>& V, const Tensor<T>& z, const Tensor<T>& H, Tensor<T>& dz,
                              const Tensor<T>* dV = nullptr);

}  // namespace macrodyn::nn
