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
}  // namespace

void OnsagerNet::forward(const TensorF& x, TensorF& y, bool /*training*/) {
  const size_t d = d_, B = x.extent(1);
  z_ = x;
  // p and J_p e_k for the d unit tangents (column k*B + b).
  nn::ensure_shape(tangents_, "onsager_tangents", d, d * B);
  auto th = Kokkos::create_mirror_view(tangents_);
  for (size_t c = 0; c < d * B; ++c)
    for (size_t i = 0; i < d; ++i) th(i, c) = (i == c / B) ? 1.0f : 0.0f;
  Kokkos::deep_copy(tangents_, th);
  potential_->forward_dual(x, tangents_, p_, pdot_);
  mw_->forward(x, a_, true);
  auto ph = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_);
  auto pdh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), pdot_);
  auto ah = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a_);
  auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  nn::ensure_shape(y, "onsager_y", d, B);
  auto yh = Kokkos::create_mirror_view(y);
  gradv_.assign(d * B, 0.0);
  std::vector<double> M, W;
  std::vector<float> a(d * d);
  for (size_t b = 0; b < B; ++b) {
    double* gv = gradv_.data() + b * d;
    for (size_t k = 0; k < d; ++k) {
      double s = 2.0 * beta_ * xh(k, b);
      for (size_t j = 0; j < m_; ++j) s += double(ph(j, b)) * double(pdh(j, k * B + b));
      gv[k] = s;
    }
    for (size_t e = 0; e < d * d; ++e) a[e] = ah(e, b);
    onsager_matrices(a.data(), d, M, W);
    for (size_t i = 0; i < d; ++i) {
      double s = alpha_ * gv[i];
      for (size_t j = 0; j < d; ++j) s += (M[i * d + j] + W[i * d + j]) * gv[j];
      yh(i, b) = static_cast<float>(-s);
    }
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
  std::vector<double> M, W, GA(d * d);
  std::vector<float> a(d * d);
  for (size_t b = 0; b < B; ++b) {
    const double* gv = gradv_.data() + b * d;
    for (size_t e = 0; e < d * d; ++e) a[e] = ah(e, b);
    onsager_matrices(a.data(), d, M, W);
    // g = -(M + W + alpha I) gv:  h = dL/dgv = -(M + W + alpha I)^T dy,  dL/dA_total = -dy gv^T.
    for (size_t j = 0; j < d; ++j) {
      double s = alpha_ * dyh(j, b);
      for (size_t i = 0; i < d; ++i) s += (M[i * d + j] + W[i * d + j]) * dyh(i, b);
      hh(j, b) = static_cast<float>(-s);
    }
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) GA[i * d + j] = -double(dyh(i, b)) * gv[j];
    // M = L L^T: dL/dL = (GA + GA^T) L on the lower triangle; W = U - U^T: dL/dU = GA - GA^T above.
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) {
        double g = 0;
        if (j <= i)
          for (size_t k = j; k < d; ++k) g += (GA[i * d + k] + GA[k * d + i]) * double(a[k * d + j]);
        if (j > i) g += GA[i * d + j] - GA[j * d + i];
        dah(i * d + j, b) = static_cast<float>(g);
      }
  }
  Kokkos::deep_copy(da_, dah);
  Kokkos::deep_copy(h_, hh);
  mw_->backward_parameters(da_);
  // grad V's parameter part: d/dtheta <J_p h, p> = one dual pass with tangent h, then reverse.
  potential_->forward_dual(z_, h_, p_, pdot_);
  potential_->backward_dual(pdot_, p_, dx_, dxdot_);
}

}  // namespace macrodyn::closure
