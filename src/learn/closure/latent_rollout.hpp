#pragma once
// Prediction with a latent model: classical RK4 on dz/dt = g(z) in physical latent units
// (g(z) = net((z - z_mean) / z_std) * dz_std + dz_mean), all K initial states advanced together as
// one batch through the network. The state is kept in double, the network runs in float.
//
// rollout_rk4(model, norm, z0, K, dt, substeps, outputs) -> (outputs, K, d) row-major: output 0 is
// z0, output j the state after j * substeps steps of size dt.
// latent_paths() and rollout_errors() give the relative error of rollouts against encoded trajectories,
// the measure of the evaluate stage (and of the latent phase's selection by rollout):
//   e_k = sum_t |zhat_t - z_t|_2 / sum_t |z_t|_2 over trajectory k's kept snapshots, on the fixed-observable
//   dims only (norms not squared, as the reference computes it); infinite if the rollout is not finite.
#include <vector>

#include "learn/closure/closure_autoencoder.hpp"
#include "learn/closure/closure_data.hpp"

namespace macrodyn::closure {

std::vector<double> rollout_rk4(nn::Layer<float>& model, const LatentNormalization& norm, const std::vector<double>& z0,
                                size_t K, double dt, long substeps, long outputs);

// The encoded trajectories of `data` (zf: configs x d, the encoder on every configuration), padded with
// NaN to the longest: z (K, T, d) row-major, length[k] kept snapshots each, z0 (K, d) the first ones.
struct LatentPaths {
  size_t K = 0, T = 0, d = 0;
  std::vector<double> z, z0;
  std::vector<size_t> length;
};
LatentPaths latent_paths(const std::vector<float>& zf, const ClosureData& data, size_t d);

// RK4 steps of size dt per snapshot spacing of `data`; fails unless dt divides it.
long rollout_substeps(const ClosureData& data, double dt);

// Per-trajectory relative error of the model's rollout from each z0 (first ds dims); the rollout itself
// ((T, K, d) row-major) is written to *rollout when given.
std::vector<double> rollout_errors(nn::Layer<float>& model, const LatentNormalization& norm, const LatentPaths& paths,
                                   double dt, long substeps, size_t ds, std::vector<double>* rollout = nullptr);

}  // namespace macrodyn::closure
