#include "learn/closure/reduced_latent_targets.hpp"

#include "core/error.hpp"

namespace macrodyn::closure {

namespace {
std::vector<double> product(const std::vector<double>& a, const std::vector<double>& b, size_t d) {
  std::vector<double> c(d * d, 0.0);
  for (size_t i = 0; i < d; ++i)
    for (size_t k = 0; k < d; ++k)
      for (size_t j = 0; j < d; ++j) c[i * d + j] += a[i * d + k] * b[k * d + j];
  return c;
}
}  // namespace

void add_sample_from_products(LatentTargets& t, LatentLoss loss, const float* z, const JacobianProducts& p) {
  const size_t d = t.d;
  if (p.jf.size() != d) fail("latent targets: J f has ", p.jf.size(), " values, d = ", d);
  std::vector<double> Q(d * d, 0.0), b(d, 0.0);
  double c = 0, scale = 1.0 / static_cast<double>(d);
  if (loss == LatentLoss::Lz) {
    for (size_t i = 0; i < d; ++i) Q[i * d + i] = 1.0, b[i] = p.jf[i], c += p.jf[i] * p.jf[i];
  } else {
    if (p.gram.size() != d * d || !(p.count > 0)) fail("latent targets: L_x and L_x,p need J J^T and a count");
    const auto Gi = spd_inverse(p.gram, d);
    if (loss == LatentLoss::Lx) {
      Q = Gi;
    } else {
      if (p.partial.size() != d * d) fail("latent targets: L_x,p needs J_I J_I^T");
      Q = product(Gi, product(p.partial, Gi, d), d);
    }
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) b[i] += Gi[i * d + j] * p.jf[j];
    c = p.ff;
    scale = 1.0 / p.count;
  }
  t.z.insert(t.z.end(), z, z + d);
  t.Q.insert(t.Q.end(), Q.begin(), Q.end());
  t.b.insert(t.b.end(), b.begin(), b.end());
  t.c.push_back(c);
  t.scale.push_back(scale);
}

}  // namespace macrodyn::closure
