#include "learn/closure/latent_rollout.hpp"

namespace macrodyn::closure {

std::vector<double> rollout_rk4(nn::Layer<float>& model, const LatentNormalization& norm, const std::vector<double>& z0,
                                size_t K, double dt, long substeps, long outputs) {
  const size_t d = norm.z_mean.size();
  if (z0.size() != K * d) fail("rollout: z0 has ", z0.size(), " values, expected K * d = ", K * d);
  Tensor zin("rollout_z", d, K), gout;
  auto velocity = [&](const std::vector<double>& z, std::vector<double>& v) {
    auto zh = Kokkos::create_mirror_view(zin);
    for (size_t k = 0; k < K; ++k)
      for (size_t i = 0; i < d; ++i) zh(i, k) = static_cast<float>((z[k * d + i] - norm.z_mean[i]) / norm.z_std[i]);
    Kokkos::deep_copy(zin, zh);
    model.forward(zin, gout, false);
    auto gh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gout);
    for (size_t k = 0; k < K; ++k)
      for (size_t i = 0; i < d; ++i) v[k * d + i] = gh(i, k) * norm.dz_std[i] + norm.dz_mean[i];
  };
  std::vector<double> out(static_cast<size_t>(outputs) * K * d);
  std::vector<double> z = z0, k1(K * d), k2(K * d), k3(K * d), k4(K * d), y(K * d);
  std::copy(z.begin(), z.end(), out.begin());
  for (long j = 1; j < outputs; ++j) {
    for (long s = 0; s < substeps; ++s) {
      velocity(z, k1);
      for (size_t e = 0; e < z.size(); ++e) y[e] = z[e] + 0.5 * dt * k1[e];
      velocity(y, k2);
      for (size_t e = 0; e < z.size(); ++e) y[e] = z[e] + 0.5 * dt * k2[e];
      velocity(y, k3);
      for (size_t e = 0; e < z.size(); ++e) y[e] = z[e] + dt * k3[e];
      velocity(y, k4);
      for (size_t e = 0; e < z.size(); ++e) z[e] += dt / 6.0 * (k1[e] + 2.0 * k2[e] + 2.0 * k3[e] + k4[e]);
    }
    std::copy(z.begin(), z.end(), out.begin() + static_cast<size_t>(j) * K * d);
  }
  return out;
}

}  // namespace macrodyn::closure
