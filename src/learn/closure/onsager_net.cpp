#include "learn/closure/onsager_net.hpp"

#include "core/error.hpp"
#include <cmath>

#include "nn/dense.hpp"
#include "nn/gemm.hpp"

namespace macrodyn::closure {

OnsagerNet::OnsagerNet(size_t d, size_t hidden_v, size_t potential_dim, size_t hidden_mw, double beta, double alpha,
                       bool forcing, uint64_t seed)
    : d_(d), hidden_v_(hidden_v), m_(potential_dim), hidden_mw_(hidden_mw), beta_(beta), alpha_(alpha),
      forcing_(forcing) {
  auto mlp_v = nn::make_mlp<float>({d, hidden_v, hidden_v, potential_dim}, "tanh", seed * 11 + 1);
  auto gamma = std::make_shared<nn::Dense<float>>(d, potential_dim, seed * 11 + 2, 0);
  potential_ = std::make_shared<nn::TwoBranch<float>>(mlp_v, gamma, nn::BranchMerge::Sum);
  mw_ = nn::make_mlp<float>({d, hidden_mw, hidden_mw, d * d + (forcing ? d : 0)}, "tanh", seed * 11 + 3);
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
  potential_forward(x);  // p_, and grad V into gradv_ (reverse mode: J_p^T p)
  mw_->forward(x, a_, true);
  auto ah = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a_);
  nn::ensure_shape(y, "onsager_y", d, B);
  auto yh = Kokkos::create_mirror_view(y);
  std::vector<double> lt(d), out(d);
  for (size_t b = 0; b < B; ++b) {
    const double* gv = gradv_.data() + b * d;
    onsager_apply(ah, b, d, gv, 1.0, alpha_, lt.data(), out.data());  // (M + W + alpha I) grad V
    for (size_t i = 0; i < d; ++i) yh(i, b) = static_cast<float>(-out[i] + (forcing_ ? double(ah(d * d + i, b)) : 0.0));
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

std::vector<double> OnsagerNet::forcing(size_t b) const {
  std::vector<double> f(d_, 0.0);
  if (!forcing_) return f;
  auto ah = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a_);
  for (size_t i = 0; i < d_; ++i) f[i] = ah(d_ * d_ + i, b);
  return f;
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
  nn::ensure_shape(da_, "onsager_da", a_.extent(0), B);
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
    if (forcing_)
      for (size_t i = 0; i < d; ++i) dah(d * d + i, b) = dyh(i, b);  // g = ... + f
  }
  Kokkos::deep_copy(da_, dah);
  Kokkos::deep_copy(h_, hh);
  mw_->backward_parameters(da_);
  // grad V's parameter part: d/dtheta <J_p h, p> = one dual pass with tangent h, then reverse.
  potential_backward();
}

namespace {
using TensorF = nn::Tensor<float>;
void gemm(const char* ta, const char* tb, float alpha, const TensorF& A, const TensorF& B, float beta, TensorF& C) {
  nn::gemm(ta, tb, alpha, A, B, beta, C);
}
// y = (1 - t^2) * x elementwise (the tanh derivative at t = tanh(a)).
void tanh_slope(const TensorF& t, const TensorF& x, TensorF& y, const char* label) {
  nn::ensure_shape(y, label, t.extent(0), t.extent(1));
  const float *pt = t.data(), *px = x.data();
  float* py = y.data();
  for (size_t i = 0, n = t.size(); i < n; ++i) py[i] = (1.0f - pt[i] * pt[i]) * px[i];
}
// a (rows, B) = W x + b, then in place tanh when `activate`.
void affine(nn::Dense<float>& layer, const TensorF& x, TensorF& a, bool activate, const char* label) {
  nn::ensure_shape(a, label, layer.out_features(), x.extent(1));
  const auto b = layer.bias().value;
  const size_t rows = a.extent(0), B = a.extent(1);
  float* pa = a.data();
  for (size_t c = 0; c < B; ++c)
    for (size_t i = 0; i < rows; ++i) pa[c * rows + i] = b(i, 0);
  gemm("N", "N", 1.0f, layer.weight().value, x, 1.0f, a);
  if (activate)
    for (size_t i = 0, n = a.size(); i < n; ++i) pa[i] = std::tanh(pa[i]);
}
// bias gradient += row sums of g (rows, B).
void add_row_sums(nn::Dense<float>& layer, const TensorF& g) {
  auto db = layer.bias().grad;
  const size_t rows = g.extent(0), B = g.extent(1);
  const float* pg = g.data();
  for (size_t i = 0; i < rows; ++i) {
    float s = 0;
    for (size_t c = 0; c < B; ++c) s += pg[c * rows + i];
    db(i, 0) += s;
  }
}
}  // namespace

// The potential p(z) = W3 tanh(W2 tanh(W1 z + b1) + b2) + b3 + Gamma z + c on the parameters of the
// potential_ layers (so files and parameter order are those of the layer stack):
//   forward : t1, t2, p, and grad V = 2 beta z + J_p^T p by one reverse pass
//             (r2 = (1 - t2^2) W3^T p, r1 = (1 - t1^2) W2^T r2, J_p^T p = W1^T r1 + Gamma^T p);
//   backward: d/dtheta <h, J_p^T p> = d/dtheta <u, p>, u = J_p h by one forward tangent
//             (v1 = (1 - t1^2) W1 h, v2 = (1 - t2^2) W2 v1, u = W3 v2 + Gamma h), then the reverse pass
//             of (t1, t2, p, v1, v2, u) with cotangents (dp = u, du = p), written out by hand.
void OnsagerNet::potential_forward(const TensorF& z) {
  auto& mlp = static_cast<nn::Sequential<float>&>(*potential_->branch(0));
  auto& l1 = static_cast<nn::Dense<float>&>(mlp.layer(0));
  auto& l2 = static_cast<nn::Dense<float>&>(mlp.layer(2));
  auto& l3 = static_cast<nn::Dense<float>&>(mlp.layer(4));
  auto& lg = static_cast<nn::Dense<float>&>(*potential_->branch(1));
  const size_t d = d_, B = z.extent(1);
  affine(l1, z, t1_, true, "onsager_t1");
  affine(l2, t1_, t2_, true, "onsager_t2");
  affine(l3, t2_, p_, false, "onsager_p");
  gemm("N", "N", 1.0f, lg.weight().value, z, 1.0f, p_);
  {
    const auto c = lg.bias().value;
    float* pp = p_.data();
    for (size_t b = 0; b < B; ++b)
      for (size_t j = 0; j < m_; ++j) pp[b * m_ + j] += c(j, 0);
  }
  nn::ensure_shape(s2_, "onsager_s2", hidden_v_, B);
  gemm("T", "N", 1.0f, l3.weight().value, p_, 0.0f, s2_);  // W3^T p
  tanh_slope(t2_, s2_, r2_, "onsager_r2");
  nn::ensure_shape(s1_, "onsager_s1", hidden_v_, B);
  gemm("T", "N", 1.0f, l2.weight().value, r2_, 0.0f, s1_);  // W2^T r2
  tanh_slope(t1_, s1_, r1_, "onsager_r1");
  nn::ensure_shape(jtp_, "onsager_jtp", d, B);
  gemm("T", "N", 1.0f, l1.weight().value, r1_, 0.0f, jtp_);
  gemm("T", "N", 1.0f, lg.weight().value, p_, 1.0f, jtp_);
  gradv_.assign(d * B, 0.0);
  const float *pz = z.data(), *pj = jtp_.data();
  for (size_t e = 0; e < d * B; ++e) gradv_[e] = 2.0 * beta_ * double(pz[e]) + double(pj[e]);
}

void OnsagerNet::potential_backward() {
  auto& mlp = static_cast<nn::Sequential<float>&>(*potential_->branch(0));
  auto& l1 = static_cast<nn::Dense<float>&>(mlp.layer(0));
  auto& l2 = static_cast<nn::Dense<float>&>(mlp.layer(2));
  auto& l3 = static_cast<nn::Dense<float>&>(mlp.layer(4));
  auto& lg = static_cast<nn::Dense<float>&>(*potential_->branch(1));
  const size_t B = z_.extent(1);
  // Tangent u = J_p h.
  nn::ensure_shape(u1_, "onsager_u1", hidden_v_, B);
  gemm("N", "N", 1.0f, l1.weight().value, h_, 0.0f, u1_);
  tanh_slope(t1_, u1_, v1_, "onsager_v1");
  nn::ensure_shape(u2_, "onsager_u2", hidden_v_, B);
  gemm("N", "N", 1.0f, l2.weight().value, v1_, 0.0f, u2_);
  tanh_slope(t2_, u2_, v2_, "onsager_v2");
  nn::ensure_shape(u_, "onsager_u", m_, B);
  gemm("N", "N", 1.0f, l3.weight().value, v2_, 0.0f, u_);
  gemm("N", "N", 1.0f, lg.weight().value, h_, 1.0f, u_);
  // Reverse pass, cotangents dp = u, du = p. The tangent chain's cotangents equal the forward's
  // reverse products: dv2 = W3^T p = s2, du2 = r2, dv1 = W2^T r2 = s1, du1 = r1.
  gemm("N", "T", 1.0f, u_, t2_, 1.0f, l3.weight().grad);   // dW3 += u t2^T   (through p)
  gemm("N", "T", 1.0f, p_, v2_, 1.0f, l3.weight().grad);   //      + p v2^T   (through u)
  add_row_sums(l3, u_);
  gemm("N", "T", 1.0f, u_, z_, 1.0f, lg.weight().grad);    // dGamma += u z^T + p h^T
  gemm("N", "T", 1.0f, p_, h_, 1.0f, lg.weight().grad);
  add_row_sums(lg, u_);
  gemm("N", "T", 1.0f, r2_, v1_, 1.0f, l2.weight().grad);  // dW2 += du2 v1^T  (through u2)
  gemm("N", "T", 1.0f, r1_, h_, 1.0f, l1.weight().grad);   // dW1 += du1 h^T   (through u1)
  // dt2 = W3^T u - 2 t2 u2 s2, da2 = (1 - t2^2) dt2.
  nn::ensure_shape(e2_, "onsager_e2", hidden_v_, B);
  gemm("T", "N", 1.0f, l3.weight().value, u_, 0.0f, e2_);
  {
    float* pe = e2_.data();
    const float *pt = t2_.data(), *pu = u2_.data(), *ps = s2_.data();
    for (size_t i = 0, n = e2_.size(); i < n; ++i)
      pe[i] = (1.0f - pt[i] * pt[i]) * (pe[i] - 2.0f * pt[i] * pu[i] * ps[i]);
  }
  gemm("N", "T", 1.0f, e2_, t1_, 1.0f, l2.weight().grad);  // dW2 += da2 t1^T
  add_row_sums(l2, e2_);
  // dt1 = W2^T da2 - 2 t1 u1 s1, da1 = (1 - t1^2) dt1.
  nn::ensure_shape(e1_, "onsager_e1", hidden_v_, B);
  gemm("T", "N", 1.0f, l2.weight().value, e2_, 0.0f, e1_);
  {
    float* pe = e1_.data();
    const float *pt = t1_.data(), *pu = u1_.data(), *ps = s1_.data();
    for (size_t i = 0, n = e1_.size(); i < n; ++i)
      pe[i] = (1.0f - pt[i] * pt[i]) * (pe[i] - 2.0f * pt[i] * pu[i] * ps[i]);
  }
  gemm("N", "T", 1.0f, e1_, z_, 1.0f, l1.weight().grad);   // dW1 += da1 z^T
  add_row_sums(l1, e1_);
}

}  // namespace macrodyn::closure
