#pragma once
// Prediction with a latent model: classical RK4 on dz/dt = g(z) in physical latent units
// (g(z) = net((z - z_mean) / z_std) * dz_std + dz_mean), all K initial states advanced together as
// one batch through the network. The state is kept in double, the network runs in float.
//
// rollout_rk4(model, norm, z0, K, dt, substeps, outputs) -> (outputs, K, d) row-major: output 0 is
// z0, output j the state after j * substeps steps of size dt.
#include <vector>

#include "learn/closure/closure_autoencoder.hpp"

namespace macrodyn::closure {

std::vector<double> rollout_rk4(nn::Layer<float>& model, const LatentNormalization& norm, const std::vector<double>& z0,
                                size_t K, double dt, long substeps, long outputs);

}  // namespace macrodyn::closure
