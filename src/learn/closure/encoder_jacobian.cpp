#include "learn/closure/encoder_jacobian.hpp"


#include "nn/dense.hpp"
#include "nn/gemm.hpp"
#include "nn/jacobian.hpp"

namespace macrodyn::closure {

template <class T>
EncoderJacobian<T>::EncoderJacobian(std::shared_ptr<nn::Sequential<T>> net) : net_(std::move(net)) {
  split_ = net_->size() > 1 && dynamic_cast<nn::Dense<T>*>(&net_->layer(0)) != nullptr;
  if (split_)
    for (size_t i = 1; i < net_->size(); ++i) upper_.add(net_->layer_ptr(i));
}

template <class T>
void EncoderJacobian<T>::upper_jacobian(const nn::Tensor<T>& x) {
  auto& dense = static_cast<nn::Dense<T>&>(net_->layer(0));
  dense.forward(x, a1_, false);
  nn::input_jacobian(upper_, a1_, jup_);  // (h, K*B); saves and restores the upper gradients
  last_x_ = x;
  gram_ready_ = false;
}

template <class T>
void EncoderJacobian<T>::jacobian(const nn::Tensor<T>& x, nn::Tensor<T>& J) {
  if (!split_) return nn::input_jacobian(*net_, x, J);
  upper_jacobian(x);
  auto& dense = static_cast<nn::Dense<T>&>(net_->layer(0));
  nn::ensure_shape(J, "encoder_J", x.extent(0), jup_.extent(1));
  nn::gemm("T", "N", T(1), dense.weight().value, jup_, T(0), J);
}

template <class T>
void EncoderJacobian<T>::loss_backward(const nn::Tensor<T>& x, const nn::Tensor<T>& G) {
  if (!split_) return nn::jacobian_loss_backward(*net_, x, G);
  if (last_x_.data() != x.data() || last_x_.extent(1) != x.extent(1)) {
    nn::Tensor<T> J;
    jacobian(x, J);
  }
  auto& dense = static_cast<nn::Dense<T>&>(net_->layer(0));
  const size_t B = x.extent(1), K = upper_.out_features(), h = dense.out_features();
  if (G.extent(0) != x.extent(0) || G.extent(1) != K * B) fail("encoder jacobian: G must be (N, K*B)");
  nn::ensure_shape(g1_, "encoder_G1", h, K * B);
  nn::gemm("N", "N", T(1), dense.weight().value, G, T(0), g1_);
  nn::gemm("N", "T", T(1), jup_, G, T(1), dense.weight().grad);  // Jup G^T
  backward_through_upper(x);
}

template <class T>
void EncoderJacobian<T>::backward_through_upper(const nn::Tensor<T>& x) {
  auto& dense = static_cast<nn::Dense<T>&>(net_->layer(0));
  const size_t B = x.extent(1), K = upper_.out_features();
  // d<G1, Jup>/d(upper params) and /d a1: one dual pass of the upper network, tangents G1.
  upper_.forward_dual(a1_, g1_, y_, ydot_);
  dy_ = nn::Tensor<T>("encoder_dy0", K, B);
  dydot_ = nn::Tensor<T>("encoder_dydot", K, K * B);
  auto dydot = dydot_;
  Kokkos::parallel_for(
      "encoder_jacobian::unit", Kokkos::RangePolicy<nn::ExecSpace>(0, K * B),
      KOKKOS_LAMBDA(const size_t c) { dydot(c / B, c) = T(1); });
  upper_.backward_dual(dy_, dydot_, dx_, dxdot_);               // dx_ = d<G1, Jup>/d a1 (h, B)
  nn::gemm("N", "T", T(1), dx_, x, T(1), dense.weight().grad);  // through a1
  if (ones_.extent(0) != B) {
    ones_ = nn::Tensor<T>("encoder_ones", B, 1);
    Kokkos::deep_copy(ones_, T(1));
  }
  nn::gemm("N", "N", T(1), dx_, ones_, T(1), dense.bias().grad);
}

template <class T>
void EncoderJacobian<T>::gram(const nn::Tensor<T>& x, const nn::Tensor<double>& F, size_t ds,
                             std::vector<double>& M) {
  if (!split_) fail("encoder jacobian: gram() needs an MLP encoder with a hidden layer");
  const size_t N = x.extent(0), B = x.extent(1), fcols = F.extent(1);
  if (F.extent(0) != N || (fcols != ds && fcols != ds * B)) fail("encoder jacobian: F must be (N, ds*B) or (N, ds)");
  // Column of row s of F_b: s * cs + b * cb (shared rows: column s).
  const size_t cs = fcols == ds ? 1 : B, cb = fcols == ds ? 0 : 1;
  upper_jacobian(x);
  auto& dense = static_cast<nn::Dense<T>&>(net_->layer(0));
  const size_t K = upper_.out_features(), h = dense.out_features(), d = ds + K;
  // W1 in double, P = W1 W1^T, U = W1 F: the N-wide work.
  nn::ensure_shape(w1_, "encoder_W1_double", h, N);
  auto w1 = w1_;
  auto W = dense.weight().value;
  Kokkos::parallel_for(
      "encoder_jacobian::w1_double", Kokkos::RangePolicy<nn::ExecSpace>(0, N), KOKKOS_LAMBDA(const size_t k) {
        for (size_t i = 0; i < h; ++i) w1(i, k) = double(W(i, k));
      });
  nn::ensure_shape(p_, "encoder_P", h, h);
  nn::gemm("N", "T", 1.0, w1_, w1_, 0.0, p_);
  nn::ensure_shape(u_, "encoder_U", h, fcols);
  if (ds > 0) nn::gemm("N", "N", 1.0, w1_, F, 0.0, u_);
  // F_b F_b^T: ds * ds dot products of length N per distinct F_b.
  const size_t nf = cb == 0 ? std::min<size_t>(B, 1) : B;
  Kokkos::View<double*, nn::MemSpace> ff("encoder_FF", ds * ds * nf);
  Kokkos::parallel_for(
      "encoder_jacobian::ff", Kokkos::RangePolicy<nn::ExecSpace>(0, ds * ds * nf), KOKKOS_LAMBDA(const size_t c) {
        const size_t b = c / (ds * ds), s = (c / ds) % ds, t = c % ds;
        double sum = 0;
        for (size_t k = 0; k < N; ++k) sum += F(k, s * cs + b * cb) * F(k, t * cs + b * cb);
        ff(c) = sum;
      });
  // Jup in double and Q = P Jup (column j*B + b = P Jup_b[j, :]).
  nn::ensure_shape(jupd_, "encoder_Jup_double", h, K * B);
  nn::ensure_shape(q_, "encoder_Q", h, K * B);
  auto jupd = jupd_;
  auto jup = jup_;
  Kokkos::parallel_for(
      "encoder_jacobian::jup_double", Kokkos::RangePolicy<nn::ExecSpace>(0, K * B), KOKKOS_LAMBDA(const size_t c) {
        for (size_t a = 0; a < h; ++a) jupd(a, c) = double(jup(a, c));
      });
  nn::gemm("N", "N", 1.0, p_, jupd_, 0.0, q_);
  auto ffh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ff);
  auto jh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), jupd_);
  auto qh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), q_);
  auto uh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u_);
  M.assign(d * d * B, 0.0);
  auto dot = [h](const auto& a, size_t col_a, const auto& b, size_t col_b) {
    double sum = 0;
    for (size_t k = 0; k < h; ++k) sum += a(k, col_a) * b(k, col_b);
    return sum;
  };
  for (size_t b = 0; b < B; ++b) {
    double* m = M.data() + b * d * d;
    for (size_t s = 0; s < ds; ++s)
      for (size_t t = 0; t < ds; ++t) m[s * d + t] = ffh(b * cb * ds * ds + s * ds + t);
    for (size_t i = 0; i < K; ++i) {
      for (size_t j = 0; j < K; ++j) m[(ds + i) * d + ds + j] = dot(jh, i * B + b, qh, j * B + b);
      for (size_t s = 0; s < ds; ++s)
        m[(ds + i) * d + s] = m[s * d + ds + i] = dot(jh, i * B + b, uh, s * cs + b * cb);
    }
  }
  gram_ready_ = true;
}

template <class T>
void EncoderJacobian<T>::gram_loss_backward(const nn::Tensor<T>& x, const nn::Tensor<double>& F, size_t ds,
                                            const std::vector<double>& S) {
  if (!gram_ready_ || last_x_.data() != x.data() || last_x_.extent(1) != x.extent(1)) {
    std::vector<double> M;
    gram(x, F, ds, M);
  }
  auto& dense = static_cast<nn::Dense<T>&>(net_->layer(0));
  const size_t N = x.extent(0), B = x.extent(1), K = upper_.out_features(), h = dense.out_features();
  const size_t d = ds + K, fcols = F.extent(1), cs = fcols == ds ? 1 : B, cb = fcols == ds ? 0 : 1;
  if (S.size() != d * d * B) fail("encoder jacobian: S must hold ", B, " blocks of ", d, " x ", d);
  auto jh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), jupd_);
  auto qh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), q_);
  auto uh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u_);
  nn::ensure_shape(g1_, "encoder_G1", h, K * B);
  nn::ensure_shape(r_, "encoder_R", h, K * B);
  nn::ensure_shape(du_, "encoder_dU", h, fcols);
  auto g1h = Kokkos::create_mirror_view(g1_);
  auto rh = Kokkos::create_mirror_view(r_);
  auto duh = Kokkos::create_mirror_view(du_);
  Kokkos::deep_copy(duh, 0.0);
  for (size_t b = 0; b < B; ++b) {
    const double* sb = S.data() + b * d * d;
    auto shh = [&](size_t i, size_t j) { return sb[(ds + i) * d + ds + j]; };
    auto shf = [&](size_t i, size_t s) { return sb[(ds + i) * d + s]; };
    for (size_t i = 0; i < K; ++i)
      for (size_t a = 0; a < h; ++a) {
        double gi = 0, ri = 0;
        for (size_t j = 0; j < K; ++j) {
          gi += shh(i, j) * qh(a, j * B + b);
          ri += shh(i, j) * jh(a, j * B + b);
        }
        for (size_t s = 0; s < ds; ++s) gi += shf(i, s) * uh(a, s * cs + b * cb);
        g1h(a, i * B + b) = static_cast<T>(2 * gi);  // d/dJup_b = 2 S_hh Jup_b P + 2 S_hf U_b^T
        rh(a, i * B + b) = ri;                       // (S_hh Jup_b)[i, :]
      }
    for (size_t s = 0; s < ds; ++s)  // d/dU_b = 2 Jup_b^T S_hf (summed over b for shared rows)
      for (size_t a = 0; a < h; ++a) {
        double sum = 0;
        for (size_t i = 0; i < K; ++i) sum += jh(a, i * B + b) * shf(i, s);
        duh(a, s * cs + b * cb) += 2 * sum;
      }
  }
  Kokkos::deep_copy(g1_, g1h);
  Kokkos::deep_copy(r_, rh);
  Kokkos::deep_copy(du_, duh);
  nn::ensure_shape(dp_, "encoder_dP", h, h);
  nn::gemm("N", "T", 1.0, jupd_, r_, 0.0, dp_);  // d/dP = sum_b Jup_b^T S_hh Jup_b
  nn::ensure_shape(dw1_, "encoder_dW1_double", h, N);
  nn::gemm("N", "N", 2.0, dp_, w1_, 0.0, dw1_);  // P = W1 W1^T, d/dP symmetric
  if (ds > 0) nn::gemm("N", "T", 1.0, du_, F, 1.0, dw1_);
  auto dw1 = dw1_;
  auto gW = dense.weight().grad;
  Kokkos::parallel_for(
      "encoder_jacobian::add_dw1", Kokkos::RangePolicy<nn::ExecSpace>(0, N), KOKKOS_LAMBDA(const size_t k) {
        for (size_t i = 0; i < h; ++i) gW(i, k) += static_cast<T>(dw1(i, k));
      });
  backward_through_upper(x);
}

template class EncoderJacobian<float>;
template class EncoderJacobian<double>;

}  // namespace macrodyn::closure
