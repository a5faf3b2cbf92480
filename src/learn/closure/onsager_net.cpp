#include "learn/closure/onsager_net.hpp"

#include "core/error.hpp"
#include "nn/dense.hpp"

namespace macrodyn::closure {

OnsagerNet::OnsagerNet(size_t d, size_t hidden_v, size_t potential_dim, size_t hidden_mw, double beta, double alpha,
                       uint64_t seed)
    : d_(d), hidden_v_(hidden_v), m_(potential_dim), hidden_mw_(hidden_mw), beta_(beta), alpha_(alpha) {
  auto mlp_v = nn::make_mlp<float>({d, hidden_v, hidden_v, potential_dim}, "tanh", seed * 11 + 1);
  auto gamma = std::make_shared<nn::Dense<float>>(d, potential_dim, seed * 11 + 2, 0);
  potential_ = std::make_shared<nn::TwoBranch<float>>(mlp_v, gamma, nn::BranchMerge::Sum);
  mw_ = nn::make_mlp<float>({d, hidden_mw, hidden_mw, d * d}, "tanh", seed * 11 + 3);
}

std::vector<nn::Parameter<float>> OnsagerNet::parameters() {
  std::vector<nn::Parameter<float>> out;
  for (auto p : potential_->parameters()) {
    p.name = "potential." + p.name;
    out.push_back(p);
  }
  for (auto p : mw_->parameters()) {
    p.name = "mw." + p.name;
    out.push_back(p);
  }
  return out;
}

namespace {
// A = (m) row-major d x d; M = L L^T, W = U - U^T, L = tril(A), U = triu(A).
void onsager_matrices(const float* a, size_t d, std::vector<double>& M, std::vector<double>& W) {
  M.assign(d * d, 0.0), W.assign(d * d, 0.0);
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j) {
      double s = 0;
      for (size_t k = 0; k <= std::min(i, j); ++k) s += double(a[i * d + k]) * double(a[j * d + k]);
      M[i * d + j] = s;
      if (i < j) W[i * d + j] = a[i * d + j], W[j * d + i] = -double(a[i * d + j]);
    }
}

// The products the model needs without forming M or W (O(d^2) per sample instead of O(d^3)):
//   lt = L^T v (lt_k = sum_{i >= k} A_ik v_i),
//   out = (L L^T + sign (U - U^T)) v + alpha v,  with sign = +1 for (M + W) v, -1 for (M + W)^T v.
// A is column b of the (d*d, B) tensor `a` (row-major d x d per column).
template <class View>
void onsager_apply(const View& a, size_t b, size_t d, const double* v, double sign, double alpha, double* lt,
                   double* out) {
  for (size_t k = 0; k < d; ++k) {
    double s = 0;
    for (size_t i = k; i < d; ++i) s += double(a(i * d + k, b)) * v[i];
    lt[k] = s;
  }
  for (size_t i = 0; i < d; ++i) {
    double s = alpha * v[i];
    for (size_t k = 0; k <= i; ++k) s += double(a(i * d + k, b)) * lt[k];  // L L^T v
    double w = 0;
    for (size_t j = i + 1; j < d; ++j) w += double(a(i * d + j, b)) * v[j];  // U v
    for (size_t j = 0; j < i; ++j) w -= double(a(j * d + i, b)) * v[j];      // -U^T v
    out[i] = s + sign * w;
  }
}
}  // namespace

void OnsagerNet::forward(const TensorF& x, TensorF& y, bool /*training*/) {
  const size_t d = d_, B = x.extent(1);
  z_ = x;
  // p and J_p e_k for the d unit tangents (column k*B + b).
  if (tangents_.extent(0) != d || tangents_.extent(1) != d * B) {  // the same for every batch of size B
    nn::ensure_shape(tangents_, "onsager_tangents", d, d * B);
    auto th = Kokkos::create_mirror_view(tangents_);
    for (size_t c = 0; c < d * B; ++c)
      for (size_t i = 0; i < d; ++i) th(i, c) = (i == c / B) ? 1.0f : 0.0f;
    Kokkos::deep_copy(tangents_, th);
  }
  potential_dual(x, tangents_);
  mw_->forward(x, a_, true);
  auto ph = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_);
  auto pdh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), pdot_);
  auto ah = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a_);
  auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  nn::ensure_shape(y, "onsager_y", d, B);
  auto yh = Kokkos::create_mirror_view(y);
  gradv_.assign(d * B, 0.0);
  std::vector<double> lt(d), out(d);
  for (size_t b = 0; b < B; ++b) {
    double* gv = gradv_.data() + b * d;
    for (size_t k = 0; k < d; ++k) {
      double s = 2.0 * beta_ * xh(k, b);
      for (size_t j = 0; j < m_; ++j) s += double(ph(j, b)) * double(pdh(j, k * B + b));
      gv[k] = s;
    }
    onsager_apply(ah, b, d, gv, 1.0, alpha_, lt.data(), out.data());  // (M + W + alpha I) grad V
    for (size_t i = 0; i < d; ++i) yh(i, b) = static_cast<float>(-out[i]);
  }
  Kokkos::deep_copy(y, yh);
}

void OnsagerNet::matrices(size_t b, std::vector<double>& M, std::vector<double>& W, std::vector<double>& gradV) const {
  auto ah = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a_);
  std::vector<float> a(d_ * d_);
  for (size_t e = 0; e < d_ * d_; ++e) a[e] = ah(e, b);
  onsager_matrices(a.data(), d_, M, W);
  gradV.assign(gradv_.begin() + b * d_, gradv_.begin() + (b + 1) * d_);
}

double OnsagerNet::potential(size_t b) const {
  auto ph = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_);
  auto zh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), z_);
  double v = 0;
  for (size_t k = 0; k < d_; ++k) v += beta_ * double(zh(k, b)) * double(zh(k, b));
  for (size_t j = 0; j < m_; ++j) v += 0.5 * double(ph(j, b)) * double(ph(j, b));
  return v;
}

void OnsagerNet::backward(const TensorF& /*dy*/, TensorF& /*dx*/) {
  fail("onsager_net: the input gradient is not implemented (latent models train with backward_parameters)");
}

void OnsagerNet::backward_parameters(const TensorF& dy) {
  const size_t d = d_, B = dy.extent(1);
  auto dyh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), dy);
  auto ah = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a_);
  nn::ensure_shape(da_, "onsager_da", d * d, B);
  nn::ensure_shape(h_, "onsager_h", d, B);
  auto dah = Kokkos::create_mirror_view(da_);
  auto hh = Kokkos::create_mirror_view(h_);
  std::vector<double> dyb(d), ltg(d), ltd(d), hb(d);
  for (size_t b = 0; b < B; ++b) {
    const double* gv = gradv_.data() + b * d;
    for (size_t i = 0; i < d; ++i) dyb[i] = dyh(i, b);
    // g = -(M + W + alpha I) gv:  h = dL/dgv = -(M + W + alpha I)^T dy = -(L L^T - (U - U^T) + alpha I) dy.
    onsager_apply(ah, b, d, dyb.data(), -1.0, alpha_, ltd.data(), hb.data());
    for (size_t j = 0; j < d; ++j) hh(j, b) = static_cast<float>(-hb[j]);
    for (size_t k = 0; k < d; ++k) {  // L^T gv
      double s = 0;
      for (size_t i = k; i < d; ++i) s += double(ah(i * d + k, b)) * gv[i];
      ltg[k] = s;
    }
    // dL/dA_total = GA = -dy gv^T (rank one). M = L L^T: dL/dL = (GA + GA^T) L on the lower triangle,
    // = -(dy (L^T gv)^T + gv (L^T dy)^T); W = U - U^T: dL/dU = GA - GA^T above the diagonal.
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) {
        const double g = j <= i ? -(dyb[i] * ltg[j] + gv[i] * ltd[j]) : -dyb[i] * gv[j] + dyb[j] * gv[i];
        dah(i * d + j, b) = static_cast<float>(g);
      }
  }
  Kokkos::deep_copy(da_, dah);
  Kokkos::deep_copy(h_, hh);
  mw_->backward_parameters(da_);
  // grad V's parameter part: d/dtheta <J_p h, p> = one dual pass with tangent h, then reverse.
  potential_dual(z_, h_);
  potential_->branch(0)->backward_dual(pdot_, p_, dx_, dxdot_);  // Sum: both branches get (dy, dydot)
  potential_->branch(1)->backward_dual(pdot_, p_, dx_, dxdot_);  // (input gradients not needed)
}

void OnsagerNet::potential_dual(const TensorF& x, const TensorF& xdot) {
  // potential_->forward_dual, with the Sum merge as two flat loops (same float additions).
  potential_->branch(0)->forward_dual(x, xdot, pa_, pad_);
  potential_->branch(1)->forward_dual(x, xdot, pb_, pbd_);
  auto add = [](const TensorF& a, const TensorF& b, TensorF& out, const char* label) {
    nn::ensure_shape(out, label, a.extent(0), a.extent(1));
    const float *pa = a.data(), *pb = b.data();
    float* po = out.data();
    const size_t n = a.size();
    for (size_t i = 0; i < n; ++i) po[i] = pa[i] + pb[i];
  };
  add(pa_, pb_, p_, "onsager_p");
  add(pad_, pbd_, pdot_, "onsager_pdot");
}

}  // namespace macrodyn::closure
