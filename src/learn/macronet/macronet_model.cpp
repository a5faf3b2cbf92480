// MacroNet pair of flows. See the header.
#include "learn/macronet/macronet_model.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "learn/macronet/macronet_encoder.hpp"
#include "nn/realnvp_coupling.hpp"

namespace macrodyn::macronet {

template <class T>
MacroNet<T>::MacroNet(const FlowSpec& u_spec, const FlowSpec& v_spec, bool shared) : shared_(shared) {
  if (u_spec.keep != v_spec.keep)
    fail("macronet: phi_u keeps ", u_spec.keep, " dims but phi_v keeps ", v_spec.keep);
  if (shared && u_spec.in_dim != v_spec.in_dim)
    fail("macronet: shared weights need u and v of the same dimension, got ", u_spec.in_dim, " and ", v_spec.in_dim);
  if (u_spec.network != "flow") fail("macronet: phi_u must be a flow (it is sampled)");
  u_ = build_macro_flow<T>(u_spec, 1);
  if (!shared && v_spec.network == "cnn")
    v_net_ = build_cnn_encoder<T>(v_spec, 2);
  else if (!shared)
    v_ = build_macro_flow<T>(v_spec, 2);
}

template <class T>
void MacroNet<T>::forward(const nn::Tensor<T>& x, nn::Tensor<T>& y, bool training) {
  u_.flow->forward(x, y, training);
}

template <class T>
void MacroNet<T>::backward(const nn::Tensor<T>& dy, nn::Tensor<T>& dx) {
  u_.flow->backward(dy, dx);
}

namespace {

// The trainable parameters of one side without the shift of its last batch norm: that shift moves
// every output by the same amount, so it cancels in |phi_u - phi_v|^2 and the NLL gradient is the
// shift itself (training-mode outputs have batch mean = shift): it stays at its initial 0. As a free
// parameter its gradient is pure round-off, which Adam would scale up to lr-sized, rank-count-
// dependent steps; so it is held fixed.
template <class T>
std::vector<nn::Parameter<T>> trainable(MacroFlow<T>& phi, const std::string& prefix) {
  const std::string fixed = std::to_string(phi.flow->size() - 2) + ".beta";
  std::vector<nn::Parameter<T>> out;
  for (auto& p : phi.flow->parameters())
    if (p.name != fixed) out.push_back(p);
  return nn::prefixed(out, prefix);
}

}  // namespace

template <class T>
std::vector<nn::Parameter<T>> MacroNet<T>::parameters() {
  auto all = trainable(u_, "u.");
  if (v_net_)
    for (auto& p : nn::prefixed(v_net_->parameters(), "v.")) all.push_back(p);
  else if (!shared_)
    for (auto& p : trainable(v_, "v.")) all.push_back(p);
  return all;
}

template <class T>
std::vector<nn::Parameter<T>> MacroNet<T>::buffers() {
  auto all = nn::prefixed(u_.flow->buffers(), "u.");
  if (!shared_ && !v_net_)
    for (auto& p : nn::prefixed(v_.flow->buffers(), "v.")) all.push_back(p);
  return all;
}

template <class T>
std::vector<double> MacroNet<T>::hyper_parameters() const {
  const auto& a = u_.spec;
  std::vector<double> h = {shared_ ? 1.0 : 0.0, double(a.in_dim), double(a.noise_dims), double(a.blocks),
                           double(a.hidden), double(a.keep)};
  if (v_net_)
    h.push_back(-1.0);  // one-sided: free-form phi_v
  else if (!shared_)
    for (double x : {double(v_.spec.in_dim), double(v_.spec.noise_dims), double(v_.spec.blocks),
                     double(v_.spec.hidden)})
      h.push_back(x);
  return h;
}

template <class T>
void MacroNet<T>::set_comm(MPI_Comm comm) {
  u_.set_comm(comm);
  if (!shared_ && !v_net_) v_.set_comm(comm);
}

template <class T>
void MacroNet<T>::project_lipschitz() {
  u_.project_lipschitz();
  if (!shared_ && !v_net_) v_.project_lipschitz();
}

template <class T>
void MacroNet<T>::encode(MacroFlow<T>& phi, const nn::Tensor<T>& x, nn::Tensor<T>& beta) {
  if (!phi.noise) {
    phi.flow->forward(x, beta, false);
    return;
  }
  std::vector<uint64_t> ids(x.extent(1));  // keys of the batch size (unused: the noise is at its mean)
  std::iota(ids.begin(), ids.end(), uint64_t(0));
  phi.set_noise_keys(ids, 0xFFFFFFFFu);
  phi.noise->set_noise_at_mean(true);
  phi.flow->forward(x, beta, false);
  phi.noise->set_noise_at_mean(false);
}

template <class T>
void MacroNet<T>::sample_u(const nn::Tensor<T>& beta, double temperature, uint64_t sample_offset, nn::Tensor<T>& u,
                           bool project) {
  u_.split->set_sampling(temperature, sample_offset);
  u_.flow->inverse(beta, u);
  projection_residual_ = 0;
  if (project && u_.noise) project_to_level_set(beta, u);
}

namespace {

template <class T>
std::vector<double> to_host(const nn::Tensor<T>& t) {  // v[i + rows * b]
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), t);
  std::vector<double> v(t.extent(0) * t.extent(1));
  for (size_t b = 0; b < t.extent(1); ++b)
    for (size_t i = 0; i < t.extent(0); ++i) v[i + t.extent(0) * b] = double(h(i, b));
  return v;
}

template <class T>
void from_host(const std::vector<double>& v, nn::Tensor<T>& t) {
  auto h = Kokkos::create_mirror_view(t);
  for (size_t b = 0; b < t.extent(1); ++b)
    for (size_t i = 0; i < t.extent(0); ++i) h(i, b) = static_cast<T>(v[i + t.extent(0) * b]);
  Kokkos::deep_copy(t, h);
}

// Solves the small dense system A y = r (n x n, row-major, partial pivoting); false if singular.
bool solve_small(std::vector<double> a, std::vector<double>& r, size_t n) {
  for (size_t k = 0; k < n; ++k) {
    size_t p = k;
    for (size_t i = k + 1; i < n; ++i)
      if (std::fabs(a[i * n + k]) > std::fabs(a[p * n + k])) p = i;
    if (!(std::fabs(a[p * n + k]) > 1e-300)) return false;
    if (p != k) {
      for (size_t j = 0; j < n; ++j) std::swap(a[k * n + j], a[p * n + j]);
      std::swap(r[k], r[p]);
    }
    for (size_t i = k + 1; i < n; ++i) {
      const double f = a[i * n + k] / a[k * n + k];
      for (size_t j = k; j < n; ++j) a[i * n + j] -= f * a[k * n + j];
      r[i] -= f * r[k];
    }
  }
  for (size_t k = n; k-- > 0;) {
    for (size_t j = k + 1; j < n; ++j) r[k] -= a[k * n + j] * r[j];
    r[k] /= a[k * n + k];
  }
  return true;
}

}  // namespace

template <class T>
void MacroNet<T>::project_to_level_set(const nn::Tensor<T>& beta, nn::Tensor<T>& u) {
  const bool dbl = sizeof(T) == sizeof(double);
  const size_t D = beta.extent(0), B = beta.extent(1), n = u.extent(0);
  const double tol = dbl ? 1e-9 : 1e-4, h_rel = dbl ? 1e-6 : 3e-3;
  const auto target = to_host(beta);
  auto x = to_host(u);
  nn::Tensor<T> probe("macronet_projection_probe", n, B), out;
  auto residual = [&](const std::vector<double>& at, std::vector<double>& r) {
    from_host(at, probe);
    encode(u_, probe, out);
    r = to_host(out);
    for (size_t k = 0; k < r.size(); ++k) r[k] -= target[k];
  };
  auto scaled = [&](const std::vector<double>& r, size_t b) {  // max_i |r_i| / max(1, |beta_i|)
    double m = 0;
    for (size_t i = 0; i < D; ++i) m = std::max(m, std::fabs(r[i + D * b]) / std::max(1.0, std::fabs(target[i + D * b])));
    return m;
  };
  // Difference steps scale with each feature's size in the batch (RMS), so that features of very
  // different magnitudes (e.g. Gray-Scott rates ~0.03) get steps of the same relative size.
  std::vector<double> scale(n, 0.0);
  for (size_t j = 0; j < n; ++j) {
    for (size_t b = 0; b < B; ++b) scale[j] += x[j + n * b] * x[j + n * b];
    scale[j] = std::max(std::sqrt(scale[j] / double(B)), 1e-12);
  }
  std::vector<double> r, rp, rm, jac(D * n * B), trial, rt;
  residual(x, r);
  for (int iter = 0; iter < 40; ++iter) {
    bool done = true;
    for (size_t b = 0; b < B; ++b) done = done && scaled(r, b) <= tol;
    if (done) break;
    for (size_t j = 0; j < n; ++j) {  // central differences, one input feature at a time
      std::vector<double> xp = x, xm = x, h(B);
      for (size_t b = 0; b < B; ++b) {
        h[b] = h_rel * std::max(scale[j], std::fabs(x[j + n * b]));
        xp[j + n * b] += h[b];
        xm[j + n * b] -= h[b];
      }
      residual(xp, rp);
      residual(xm, rm);
      for (size_t b = 0; b < B; ++b)
        for (size_t i = 0; i < D; ++i) jac[(b * D + i) * n + j] = (rp[i + D * b] - rm[i + D * b]) / (2 * h[b]);
    }
    std::vector<double> step(n * B, 0.0);
    for (size_t b = 0; b < B; ++b) {
      if (scaled(r, b) <= tol) continue;
      const double* J = &jac[b * D * n];
      std::vector<double> jjt(D * D, 0.0), y(D);
      for (size_t i = 0; i < D; ++i)
        for (size_t k = 0; k < D; ++k)
          for (size_t j = 0; j < n; ++j) jjt[i * D + k] += J[i * n + j] * J[k * n + j];
      for (size_t i = 0; i < D; ++i) y[i] = r[i + D * b];
      if (!solve_small(jjt, y, D)) continue;
      for (size_t j = 0; j < n; ++j)
        for (size_t i = 0; i < D; ++i) step[j + n * b] += J[i * n + j] * y[i];
    }
    // Damping: a column whose residual does not shrink retries with half the step (up to 8 times).
    std::vector<double> factor(B, 1.0);
    std::vector<char> open(B, 1);
    for (int half = 0; half < 8; ++half) {
      trial = x;
      for (size_t b = 0; b < B; ++b)
        for (size_t j = 0; j < n; ++j) trial[j + n * b] -= factor[b] * step[j + n * b];
      residual(trial, rt);
      bool any = false;
      for (size_t b = 0; b < B; ++b) {
        if (!open[b]) continue;
        if (scaled(rt, b) < scaled(r, b) || scaled(r, b) <= tol) {
          open[b] = 0;
          for (size_t j = 0; j < n; ++j) x[j + n * b] = trial[j + n * b];
          for (size_t i = 0; i < D; ++i) r[i + D * b] = rt[i + D * b];
        } else {
          factor[b] *= 0.5;
          any = true;
        }
      }
      if (!any) break;
    }
  }
  projection_residual_ = 0;
  for (size_t b = 0; b < B; ++b) projection_residual_ = std::max(projection_residual_, scaled(r, b));
  from_host(x, u);
}

template class MacroNet<double>;
template class MacroNet<float>;

}  // namespace macrodyn::macronet
