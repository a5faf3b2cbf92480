#include "learn/closure/latent_rollout.hpp"

#include <cmath>
#include <limits>

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

LatentPaths latent_paths(const std::vector<float>& zf, const ClosureData& data, size_t d) {
  LatentPaths p;
  p.K = data.trajectories(), p.d = d;
  for (size_t k = 0; k < p.K; ++k) p.T = std::max(p.T, data.length(k));
  if (p.K == 0 || p.T == 0) fail(data.path, ": no kept snapshots to roll out against");
  if (zf.size() != data.configs * d) fail("latent_paths: ", zf.size(), " encoded values, expected ", data.configs * d);
  p.z.assign(p.K * p.T * d, std::numeric_limits<double>::quiet_NaN());
  p.z0.resize(p.K * d);
  for (size_t k = 0; k < p.K; ++k) {
    p.length.push_back(data.length(k));
    for (size_t t = 0; t < data.length(k); ++t)
      for (size_t i = 0; i < d; ++i) p.z[(k * p.T + t) * d + i] = zf[(data.trajectory_start[k] + t) * d + i];
    for (size_t i = 0; i < d; ++i) p.z0[k * d + i] = p.z[(k * p.T) * d + i];
  }
  return p;
}

long rollout_substeps(const ClosureData& data, double dt) {
  const long sub = std::lround(data.snapshot_dt / dt);
  if (sub < 1 || std::abs(static_cast<double>(sub) * dt - data.snapshot_dt) > 1e-9 * data.snapshot_dt)
    fail(data.path, ": dt = ", dt, " does not divide the snapshot spacing ", data.snapshot_dt);
  return sub;
}

std::vector<double> rollout_errors(nn::Layer<float>& model, const LatentNormalization& norm, const LatentPaths& p,
                                   double dt, long substeps, size_t ds, std::vector<double>* rollout) {
  const size_t K = p.K, T = p.T, d = p.d;
  const auto out = rollout_rk4(model, norm, p.z0, K, dt, substeps, static_cast<long>(T));  // (T, K, d)
  std::vector<double> errors(K);
  for (size_t k = 0; k < K; ++k) {
    double num = 0, den = 0;
    for (size_t t = 0; t < p.length[k]; ++t) {
      double e2 = 0, n2 = 0;
      for (size_t i = 0; i < ds; ++i) {
        const double a = out[(t * K + k) * d + i], b = p.z[(k * T + t) * d + i];
        e2 += (a - b) * (a - b), n2 += b * b;
      }
      num += std::sqrt(e2), den += std::sqrt(n2);
    }
    errors[k] = std::isfinite(num) ? num / den : std::numeric_limits<double>::infinity();
  }
  if (rollout) *rollout = out;
  return errors;
}

}  // namespace macrodyn::closure
