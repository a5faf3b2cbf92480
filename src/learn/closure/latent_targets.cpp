#include "learn/closure/latent_targets.hpp"

#include <cmath>
#include <exception>

#include "core/error.hpp"
#include "nn/gemm.hpp"

namespace macrodyn::closure {

LatentLoss parse_latent_loss(const std::string& name) {
  if (name == "L_z") return LatentLoss::Lz;
  if (name == "L_x") return LatentLoss::Lx;
  if (name == "L_x,p") return LatentLoss::Lxp;
  fail("unknown latent loss '", name, "' (choices: L_z, L_x, L_x,p)");
}

std::string latent_loss_name(LatentLoss loss) {
  switch (loss) {
    case LatentLoss::Lz: return "L_z";
    case LatentLoss::Lx: return "L_x";
    case LatentLoss::Lxp: return "L_x,p";
  }
  return "?";
}

double LatentTargets::loss(size_t s, const double* g, double* grad) const {
  const double* q = Q.data() + s * d * d;
  const double* bs = b.data() + s * d;
  double quad = 0, lin = 0;
  for (size_t i = 0; i < d; ++i) {
    double qg = 0;
    for (size_t j = 0; j < d; ++j) qg += q[i * d + j] * g[j];
    quad += g[i] * qg;
    lin += bs[i] * g[i];
    if (grad) grad[i] = scale[s] * 2.0 * (qg - bs[i]);
  }
  return scale[s] * (c[s] - 2.0 * lin + quad);
}

void LatentTargets::append(const LatentTargets& o, size_t s) {
  z.insert(z.end(), o.z.begin() + s * d, o.z.begin() + (s + 1) * d);
  Q.insert(Q.end(), o.Q.begin() + s * d * d, o.Q.begin() + (s + 1) * d * d);
  b.insert(b.end(), o.b.begin() + s * d, o.b.begin() + (s + 1) * d);
  c.push_back(o.c[s]);
  scale.push_back(o.scale[s]);
}

std::vector<double> spd_inverse(const std::vector<double>& a, size_t n) {
  std::vector<double> L(n * n, 0.0);
  for (size_t j = 0; j < n; ++j) {
    double s = a[j * n + j];
    for (size_t k = 0; k < j; ++k) s -= L[j * n + k] * L[j * n + k];
    if (!(s > 0)) fail("Gram matrix J J^T is not positive definite (pivot ", s, " at ", j, ")");
    L[j * n + j] = std::sqrt(s);
    for (size_t i = j + 1; i < n; ++i) {
      double t = a[i * n + j];
      for (size_t k = 0; k < j; ++k) t -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = t / L[j * n + j];
    }
  }
  // inv = L^-T L^-1: solve column by column.
  std::vector<double> inv(n * n, 0.0), y(n), x(n);
  for (size_t col = 0; col < n; ++col) {
    for (size_t i = 0; i < n; ++i) {
      double t = (i == col) ? 1.0 : 0.0;
      for (size_t k = 0; k < i; ++k) t -= L[i * n + k] * y[k];
      y[i] = t / L[i * n + i];
    }
    for (size_t ii = n; ii-- > 0;) {
      double t = y[ii];
      for (size_t k = ii + 1; k < n; ++k) t -= L[k * n + ii] * x[k];
      x[ii] = t / L[ii * n + ii];
    }
    for (size_t i = 0; i < n; ++i) inv[i * n + col] = x[i];
  }
  return inv;
}

void add_sample(LatentTargets& t, LatentLoss loss, const float* z, const double* J, size_t N, const double* f,
                const int64_t* idx, size_t m) {
  const size_t d = t.d;
  t.z.insert(t.z.end(), z, z + d);
  std::vector<double> Q(d * d, 0.0), b(d, 0.0);
  double c = 0;
  if (loss == LatentLoss::Lz) {
    for (size_t i = 0; i < d; ++i) {
      double s = 0;
      for (size_t k = 0; k < N; ++k) s += J[i * N + k] * f[k];
      b[i] = s;
      Q[i * d + i] = 1.0;
      c += s * s;
    }
    t.scale.push_back(1.0 / static_cast<double>(d));
  } else {
    // G = J J^T with BLAS: the O(N d^2) part of a sample (N = 307200 at 51200 atoms).
    using HostMatrix = Kokkos::View<double**, Kokkos::LayoutLeft, Kokkos::HostSpace>;
    const Kokkos::View<const double**, Kokkos::LayoutLeft, Kokkos::HostSpace, Kokkos::MemoryUnmanaged> Jt(J, N, d);
    HostMatrix Gm("latent_gram", d, d);
    nn::gemm("T", "N", 1.0, Jt, Jt, 0.0, Gm);
    std::vector<double> G(d * d);
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j <= i; ++j) G[i * d + j] = G[j * d + i] = 0.5 * (Gm(i, j) + Gm(j, i));
    const auto Gi = spd_inverse(G, d);
    std::vector<double> Jf(d, 0.0), A(d * d, 0.0);  // A = J_I J_I^T (L_x,p) or G (L_x)
    if (loss == LatentLoss::Lx) {
      for (size_t i = 0; i < d; ++i)
        for (size_t k = 0; k < N; ++k) Jf[i] += J[i * N + k] * f[k];
      for (size_t k = 0; k < N; ++k) c += f[k] * f[k];
      Q = Gi;
      t.scale.push_back(1.0 / static_cast<double>(N));
    } else {
      if (!idx || m == 0) fail("L_x,p needs the partial-force coordinates");
      for (size_t q = 0; q < m; ++q) {
        const size_t k = static_cast<size_t>(idx[q]);
        if (k >= N) fail("partial-force coordinate ", k, " out of range [0, ", N, ")");
        for (size_t i = 0; i < d; ++i) {
          Jf[i] += J[i * N + k] * f[q];
          for (size_t j = 0; j < d; ++j) A[i * d + j] += J[i * N + k] * J[j * N + k];
        }
        c += f[q] * f[q];
      }
      std::vector<double> AG(d * d, 0.0);  // A G^-1
      for (size_t i = 0; i < d; ++i)
        for (size_t j = 0; j < d; ++j)
          for (size_t k = 0; k < d; ++k) AG[i * d + j] += A[i * d + k] * Gi[k * d + j];
      for (size_t i = 0; i < d; ++i)
        for (size_t j = 0; j < d; ++j) {
          double s = 0;
          for (size_t k = 0; k < d; ++k) s += Gi[i * d + k] * AG[k * d + j];
          Q[i * d + j] = s;
        }
      t.scale.push_back(1.0 / static_cast<double>(m));
    }
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) b[i] += Gi[i * d + j] * Jf[j];
  }
  t.Q.insert(t.Q.end(), Q.begin(), Q.end());
  t.b.insert(t.b.end(), b.begin(), b.end());
  t.c.push_back(c);
}

double shift_to_excess(LatentTargets& t) {
  const size_t d = t.d, n = t.size();
  double removed = 0;
  std::vector<double> q(d * d);
  for (size_t s = 0; s < n; ++s) {
    q.assign(t.Q.begin() + s * d * d, t.Q.begin() + (s + 1) * d * d);
    std::vector<double> qi;
    try {
      qi = spd_inverse(q, d);
    } catch (const std::exception&) {
      continue;  // singular Q: keep c
    }
    const double* b = t.b.data() + s * d;
    double bqb = 0;
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) bqb += b[i] * qi[i * d + j] * b[j];
    removed += t.scale[s] * (t.c[s] - bqb);  // the sample's minimum over g
    t.c[s] = bqb;
  }
  return n > 0 ? removed / static_cast<double>(n) : 0.0;
}

}  // namespace macrodyn::closure
