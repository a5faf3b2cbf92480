#include "learn/closure/gfinn.hpp"

#include <cmath>

#include "core/error.hpp"

namespace macrodyn::closure {

namespace {

using Mat = std::vector<double>;  // d x d row-major

// A = U - U^T from the strict upper triangle of r; K = T T^T with T = lower triangle of r2 (incl. diagonal).
void raw_operators(const float* r, const float* r2, size_t d, Mat& A, Mat& K) {
  A.assign(d * d, 0.0), K.assign(d * d, 0.0);
  for (size_t i = 0; i < d; ++i)
    for (size_t j = i + 1; j < d; ++j) A[i * d + j] = r[i * d + j], A[j * d + i] = -double(r[i * d + j]);
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j) {
      double s = 0;
      for (size_t k = 0; k <= std::min(i, j); ++k) s += double(r2[i * d + k]) * double(r2[j * d + k]);
      K[i * d + j] = s;
    }
}

// P = I - v v^T / |v|^2 (identity when v = 0).
Mat projector(const double* v, size_t d) {
  double n2 = 0;
  for (size_t i = 0; i < d; ++i) n2 += v[i] * v[i];
  Mat P(d * d, 0.0);
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j) P[i * d + j] = (i == j ? 1.0 : 0.0) - (n2 > 0 ? v[i] * v[j] / n2 : 0.0);
  return P;
}

Mat mul(const Mat& X, const Mat& Y, size_t d) {
  Mat Z(d * d, 0.0);
  for (size_t i = 0; i < d; ++i)
    for (size_t k = 0; k < d; ++k)
      for (size_t j = 0; j < d; ++j) Z[i * d + j] += X[i * d + k] * Y[k * d + j];
  return Z;
}

std::vector<double> apply(const Mat& X, const double* v, size_t d) {
  std::vector<double> y(d, 0.0);
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j) y[i] += X[i * d + j] * v[j];
  return y;
}

double dot(const double* a, const double* b, size_t d) {
  double s = 0;
  for (size_t i = 0; i < d; ++i) s += a[i] * b[i];
  return s;
}

// Reverse mode of u = P(v) x with P(v) = I - v v^T/|v|^2, given du: adds to dx and dv.
void projection_backward(const double* v, const double* x, const double* du, size_t d, double* dx, double* dv) {
  const double n2 = dot(v, v, d);
  if (!(n2 > 0)) {
    for (size_t i = 0; i < d; ++i) dx[i] += du[i];
    return;
  }
  const double vx = dot(v, x, d), vdu = dot(v, du, d);
  // u = x - v (v.x) / n2
  for (size_t i = 0; i < d; ++i) {
    dx[i] += du[i] - v[i] * vdu / n2;
    dv[i] += -(vdu * x[i] + vx * du[i]) / n2 + 2.0 * vx * vdu * v[i] / (n2 * n2);
  }
}

}  // namespace

Gfinn::Gfinn(size_t d, size_t hidden, uint64_t seed) : d_(d), hidden_(hidden) {
  energy_ = nn::make_mlp<float>({d, hidden, hidden, 1}, "tanh", seed * 13 + 1);
  entropy_ = nn::make_mlp<float>({d, hidden, hidden, 1}, "tanh", seed * 13 + 2);
  skew_ = nn::make_mlp<float>({d, hidden, hidden, d * d}, "tanh", seed * 13 + 3);
  friction_ = nn::make_mlp<float>({d, hidden, hidden, d * d}, "tanh", seed * 13 + 4);
}

std::vector<nn::Parameter<float>> Gfinn::parameters() {
  std::vector<nn::Parameter<float>> out;
  const std::pair<const char*, nn::Sequential<float>*> nets[] = {
      {"energy.", energy_.get()}, {"entropy.", entropy_.get()}, {"skew.", skew_.get()}, {"friction.", friction_.get()}};
  for (const auto& [prefix, net] : nets)
    for (auto p : net->parameters()) {
      p.name = prefix + p.name;
      out.push_back(p);
    }
  return out;
}

void Gfinn::forward(const TensorF& x, TensorF& y, bool /*training*/) {
  const size_t d = d_, B = x.extent(1);
  z_ = x;
  nn::ensure_shape(tangents_, "gfinn_tangents", d, d * B);
  auto th = Kokkos::create_mirror_view(tangents_);
  for (size_t c = 0; c < d * B; ++c)
    for (size_t i = 0; i < d; ++i) th(i, c) = (i == c / B) ? 1.0f : 0.0f;
  Kokkos::deep_copy(tangents_, th);
  energy_->forward_dual(x, tangents_, e_, edot_);
  entropy_->forward_dual(x, tangents_, s_, sdot_);
  skew_->forward(x, a_, true);
  friction_->forward(x, m_, true);
  auto edh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), edot_);
  auto sdh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), sdot_);
  grad_e_.assign(d * B, 0.0), grad_s_.assign(d * B, 0.0);
  for (size_t b = 0; b < B; ++b)
    for (size_t k = 0; k < d; ++k) grad_e_[b * d + k] = edh(0, k * B + b), grad_s_[b * d + k] = sdh(0, k * B + b);
  nn::ensure_shape(y, "gfinn_y", d, B);
  auto yh = Kokkos::create_mirror_view(y);
  std::vector<double> L, M, ge, gs;
  for (size_t b = 0; b < B; ++b) {
    operators(b, L, M, ge, gs);
    const auto g1 = apply(L, ge.data(), d), g2 = apply(M, gs.data(), d);
    for (size_t i = 0; i < d; ++i) yh(i, b) = static_cast<float>(g1[i] + g2[i]);
  }
  Kokkos::deep_copy(y, yh);
}

void Gfinn::operators(size_t b, std::vector<double>& L, std::vector<double>& M, std::vector<double>& gradE,
                      std::vector<double>& gradS) const {
  const size_t d = d_;
  auto ah = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a_);
  auto mh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), m_);
  std::vector<float> r(d * d), r2(d * d);
  for (size_t e = 0; e < d * d; ++e) r[e] = ah(e, b), r2[e] = mh(e, b);
  Mat A, K;
  raw_operators(r.data(), r2.data(), d, A, K);
  gradE.assign(grad_e_.begin() + b * d, grad_e_.begin() + (b + 1) * d);
  gradS.assign(grad_s_.begin() + b * d, grad_s_.begin() + (b + 1) * d);
  const Mat PS = projector(gradS.data(), d), PE = projector(gradE.data(), d);
  L = mul(mul(PS, A, d), PS, d);
  M = mul(mul(PE, K, d), PE, d);
}

void Gfinn::backward(const TensorF& /*dy*/, TensorF& /*dx*/) {
  fail("gfinn: the input gradient is not implemented (latent models train with backward_parameters)");
}

void Gfinn::backward_parameters(const TensorF& dy) {
  const size_t d = d_, B = dy.extent(1);
  auto dyh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), dy);
  auto ah = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a_);
  auto mh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), m_);
  nn::ensure_shape(da_, "gfinn_da", d * d, B);
  nn::ensure_shape(dm_, "gfinn_dm", d * d, B);
  nn::ensure_shape(he_, "gfinn_he", d, B);
  nn::ensure_shape(hs_, "gfinn_hs", d, B);
  auto dah = Kokkos::create_mirror_view(da_);
  auto dmh = Kokkos::create_mirror_view(dm_);
  auto heh = Kokkos::create_mirror_view(he_);
  auto hsh = Kokkos::create_mirror_view(hs_);
  std::vector<float> r(d * d), r2(d * d);
  std::vector<double> g(d), zero(d, 0.0);
  for (size_t b = 0; b < B; ++b) {
    for (size_t e = 0; e < d * d; ++e) r[e] = ah(e, b), r2[e] = mh(e, b);
    Mat A, K;
    raw_operators(r.data(), r2.data(), d, A, K);
    const double* e = grad_e_.data() + b * d;
    const double* s = grad_s_.data() + b * d;
    for (size_t i = 0; i < d; ++i) g[i] = dyh(i, b);
    const Mat PS = projector(s, d), PE = projector(e, d);
    std::vector<double> de(d, 0.0), ds(d, 0.0), du(d, 0.0), dw(d, 0.0);
    // g1 = P_S v, v = A u, u = P_S e.
    const auto u = apply(PS, e, d);
    const auto v = apply(A, u.data(), d);
    std::vector<double> dv(d, 0.0);
    projection_backward(s, v.data(), g.data(), d, dv.data(), ds.data());
    Mat dA(d * d);
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) dA[i * d + j] = dv[i] * u[j];
    for (size_t j = 0; j < d; ++j)
      for (size_t i = 0; i < d; ++i) du[j] += A[i * d + j] * dv[i];
    projection_backward(s, e, du.data(), d, de.data(), ds.data());
    // g2 = P_E q, q = K w, w = P_E s.
    const auto w = apply(PE, s, d);
    const auto q = apply(K, w.data(), d);
    std::vector<double> dq(d, 0.0);
    projection_backward(e, q.data(), g.data(), d, dq.data(), de.data());
    Mat dK(d * d);
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) dK[i * d + j] = dq[i] * w[j];
    for (size_t j = 0; j < d; ++j)
      for (size_t i = 0; i < d; ++i) dw[j] += K[i * d + j] * dq[i];
    projection_backward(e, s, dw.data(), d, ds.data(), de.data());
    // Raw network outputs: A from the strict upper triangle, K = T T^T from the lower one.
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) {
        dah(i * d + j, b) = static_cast<float>(j > i ? dA[i * d + j] - dA[j * d + i] : 0.0);
        double gt = 0;
        if (j <= i)
          for (size_t k = j; k < d; ++k) gt += (dK[i * d + k] + dK[k * d + i]) * double(r2[k * d + j]);
        dmh(i * d + j, b) = static_cast<float>(gt);
      }
    for (size_t i = 0; i < d; ++i) heh(i, b) = static_cast<float>(de[i]), hsh(i, b) = static_cast<float>(ds[i]);
  }
  Kokkos::deep_copy(da_, dah), Kokkos::deep_copy(dm_, dmh), Kokkos::deep_copy(he_, heh), Kokkos::deep_copy(hs_, hsh);
  skew_->backward_parameters(da_);
  friction_->backward_parameters(dm_);
  // d/dtheta <h, grad E> = dual pass with tangent h, reverse with dy = 0 and dydot = 1 (same for S).
  dy0_ = TensorF("gfinn_dy0", 1, B);
  ones_ = TensorF("gfinn_ones", 1, B);
  Kokkos::deep_copy(ones_, 1.0f);
  energy_->forward_dual(z_, he_, e_, edot_);
  energy_->backward_dual(dy0_, ones_, dx_, dxdot_);
  entropy_->forward_dual(z_, hs_, s_, sdot_);
  entropy_->backward_dual(dy0_, ones_, dx_, dxdot_);
}

}  // namespace macrodyn::closure
