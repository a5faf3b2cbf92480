// Residual flow block (invertible ResNet). See the header.
#include "nn/residual_flow.hpp"

#include <cmath>

#include "core/rng.hpp"
#include "nn/activations.hpp"
#include "nn/dense.hpp"
#include "nn/parameter_init.hpp"
#include "nn/symmetric_eigen.hpp"

namespace macrodyn::nn {

namespace {

template <class T>
Dense<T>& dense_layer(Sequential<T>& g, size_t l) {
  return static_cast<Dense<T>&>(g.layer(2 * l));
}

}  // namespace

template <class T>
ResidualFlowBlock<T>::ResidualFlowBlock(size_t d, size_t hidden, double lipschitz, uint64_t seed, uint64_t stream,
                                        ResidualLogDet logdet)
    : d_(d), hidden_(hidden), lipschitz_(lipschitz), logdet_(logdet) {
  if (d < 1) fail("residual_flow: dimension must be positive");
  if (logdet.terms < 0) fail("residual_flow: power-series terms must be >= 0, got ", logdet.terms);
  if (logdet.terms == 0 && d > kMaxExactDim)
    fail("residual_flow: dimension ", d, " is above ", kMaxExactDim,
         " for the exact log-det; use the power series (terms > 0)");
  if (logdet.terms > 0 && !logdet.basis_probes && logdet.probes < 1)
    fail("residual_flow: probes must be >= 1, got ", logdet.probes);
  if (!(lipschitz > 0 && lipschitz < 1)) fail("residual_flow: lipschitz must be in (0, 1), got ", lipschitz);
  g_ = std::make_shared<Sequential<T>>();
  const size_t sizes[4] = {d, hidden, hidden, d};
  for (size_t l = 0; l < 3; ++l) {
    g_->add(std::make_shared<Dense<T>>(sizes[l], sizes[l + 1], seed, stream * 8 + l));
    if (l < 2) g_->add(std::make_shared<Activation<T>>(ActivationKind::Tanh, sizes[l + 1]));
    Parameter<T> v{"power." + std::to_string(l), Tensor<T>("residual_power", sizes[l], 1), Tensor<T>()};
    fill_normal(v.value, seed, stream * 8 + 4 + l);
    power_vectors_.push_back(v);
  }
  project_lipschitz();
}

template <class T>
std::vector<Parameter<T>> ResidualFlowBlock<T>::prefixed_params() {
  auto p = g_->parameters();
  for (auto& q : p) q.name = "g." + q.name;
  return p;
}

template <class T>
std::vector<Parameter<T>> ResidualFlowBlock<T>::buffers() {
  return power_vectors_;
}

template <class T>
void ResidualFlowBlock<T>::project_lipschitz() {
  const double target = std::cbrt(lipschitz_);
  for (size_t l = 0; l < 3; ++l) {
    auto& W = dense_layer(*g_, l).weight().value;
    auto wh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), W);
    auto vh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), power_vectors_[l].value);
    const size_t rows = W.extent(0), cols = W.extent(1);
    std::vector<double> v(cols), u(rows);
    double norm = 0;
    for (size_t j = 0; j < cols; ++j) norm += double(vh(j, 0)) * double(vh(j, 0));
    norm = std::sqrt(norm);
    for (size_t j = 0; j < cols; ++j) v[j] = norm > 0 ? double(vh(j, 0)) / norm : 1.0 / std::sqrt(double(cols));
    double sigma = 0;
    for (int it = 0; it < 500; ++it) {
      double un = 0;
      for (size_t i = 0; i < rows; ++i) {
        double s = 0;
        for (size_t j = 0; j < cols; ++j) s += double(wh(i, j)) * v[j];
        u[i] = s;
        un += s * s;
      }
      un = std::sqrt(un);
      if (un == 0) break;
      for (auto& x : u) x /= un;
      double vn = 0;
      for (size_t j = 0; j < cols; ++j) {
        double s = 0;
        for (size_t i = 0; i < rows; ++i) s += double(wh(i, j)) * u[i];
        v[j] = s;
        vn += s * s;
      }
      vn = std::sqrt(vn);  // = u^T W v after normalisation: the current sigma estimate
      for (auto& x : v) x /= vn;
      const bool done = std::fabs(vn - sigma) <= 1e-10 * vn;
      sigma = vn;
      if (done) break;
    }
    for (size_t j = 0; j < cols; ++j) vh(j, 0) = static_cast<T>(v[j]);
    Kokkos::deep_copy(power_vectors_[l].value, vh);
    if (sigma > target) {
      const double s = target / sigma;
      for (size_t i = 0; i < rows; ++i)
        for (size_t j = 0; j < cols; ++j) wh(i, j) = static_cast<T>(double(wh(i, j)) * s);
      Kokkos::deep_copy(W, wh);
    }
  }
}

template <class T>
std::vector<double> ResidualFlowBlock<T>::spectral_norms() const {
  std::vector<double> out;
  for (size_t l = 0; l < 3; ++l) {
    auto wh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), dense_layer(*g_, l).weight().value);
    const size_t rows = wh.extent(0), cols = wh.extent(1);
    std::vector<double> gram(cols * cols, 0.0);
    for (size_t a = 0; a < cols; ++a)
      for (size_t b = 0; b < cols; ++b)
        for (size_t i = 0; i < rows; ++i) gram[a * cols + b] += double(wh(i, a)) * double(wh(i, b));
    out.push_back(std::sqrt(std::max(0.0, symmetric_eigen(gram, cols).values.back())));
  }
  return out;
}

template <class T>
void ResidualFlowBlock<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool /*training*/) {
  check_shape(x, d_, x.extent(1), "residual_flow input");
  const size_t B = x.extent(1);
  const int d = static_cast<int>(d_), nb = static_cast<int>(B);
  if (logdet_.terms > 0) {
    forward_series(x);
    ensure_shape(y, "residual_y", d_, B);
    auto yy = y, gx = gx_;
    Kokkos::parallel_for(
        "nn::residual_series_y", Kokkos::RangePolicy<ExecSpace>(0, d * nb),
        KOKKOS_LAMBDA(const int c) { yy(c % d, c / d) = x(c % d, c / d) + gx(c % d, c / d); });
    return;
  }
  ensure_shape(tangents_, "residual_tangents", d_, d_ * B);
  auto tan = tangents_;
  Kokkos::parallel_for(
      "nn::residual_tangents", Kokkos::RangePolicy<ExecSpace>(0, d * nb), KOKKOS_LAMBDA(const int c) {
        const int k = c / nb;
        for (int i = 0; i < d; ++i) tan(i, c) = T(i == k ? 1 : 0);
      });
  g_->forward_dual(x, tangents_, gx_, gdot_);
  ensure_shape(y, "residual_y", d_, B);
  ensure_shape(log_det_, "residual_log_det", 1, B);
  ensure_shape(jac_inv_t_, "residual_jac_inv", d_ * d_, B);
  auto yy = y, gx = gx_, gdot = gdot_, ld = log_det_, inv = jac_inv_t_;
  Kokkos::parallel_for(
      "nn::residual_forward", Kokkos::RangePolicy<ExecSpace>(0, nb), KOKKOS_LAMBDA(const int b) {
        constexpr int M = int(kMaxExactDim);
        double a[M * M], e[M * M];
        int piv[M];
        for (int i = 0; i < d; ++i) {
          yy(i, b) = x(i, b) + gx(i, b);
          for (int k = 0; k < d; ++k) {
            a[i * M + k] = double(gdot(i, k * nb + b)) + (i == k ? 1.0 : 0.0);  // J(i, k)
            e[i * M + k] = i == k ? 1.0 : 0.0;
          }
        }
        double s = 0;
        for (int k = 0; k < d; ++k) {  // LU with partial pivoting, applied to e as well (Gauss-Jordan)
          int p = k;
          for (int i = k + 1; i < d; ++i)
            if (kmath::fabs(a[i * M + k]) > kmath::fabs(a[p * M + k])) p = i;
          piv[k] = p;
          if (p != k)
            for (int j = 0; j < d; ++j) {
              const double t = a[k * M + j];
              a[k * M + j] = a[p * M + j];
              a[p * M + j] = t;
              const double t2 = e[k * M + j];
              e[k * M + j] = e[p * M + j];
              e[p * M + j] = t2;
            }
          const double pivot = a[k * M + k];
          s += kmath::log(kmath::fabs(pivot));
          for (int j = 0; j < d; ++j) {
            a[k * M + j] /= pivot;
            e[k * M + j] /= pivot;
          }
          for (int i = 0; i < d; ++i)
            if (i != k) {
              const double f = a[i * M + k];
              for (int j = 0; j < d; ++j) {
                a[i * M + j] -= f * a[k * M + j];
                e[i * M + j] -= f * e[k * M + j];
              }
            }
        }
        (void)piv;
        ld(0, b) = T(s);
        for (int i = 0; i < d; ++i)
          for (int k = 0; k < d; ++k) inv(i + d * k, b) = T(e[i * M + k]);  // inv(i + d k) = J^{-1}(i, k)
      });
}

template <class T>
void ResidualFlowBlock<T>::forward_series(const Tensor<T>& x) {
  const size_t B = x.extent(1);
  const size_t P = logdet_.basis_probes ? d_ : size_t(logdet_.probes);
  const int d = static_cast<int>(d_), nb = static_cast<int>(B), np = static_cast<int>(P);
  ensure_shape(probe_, "residual_probe", d_, P * B);
  ensure_shape(power_, "residual_power", d_, P * B);
  ensure_shape(neumann_, "residual_neumann", d_, P * B);
  ensure_shape(log_det_, "residual_log_det", 1, B);
  auto v = probe_;
  const bool basis = logdet_.basis_probes;
  const CounterRng rng(logdet_.seed, logdet_.stream);
  const uint32_t call = series_forwards_++;
  Kokkos::parallel_for(
      "nn::residual_probes", Kokkos::RangePolicy<ExecSpace>(0, np * nb), KOKKOS_LAMBDA(const int c) {
        const int p = c / nb, b = c % nb;
        for (int i = 0; i < d; ++i)
          v(i, c) = basis ? T(i == p ? 1 : 0) : T(rng.normal(uint64_t(b), call, uint32_t(p * d + i)));
      });
  Kokkos::deep_copy(power_, probe_);
  Kokkos::deep_copy(neumann_, probe_);
  Kokkos::deep_copy(log_det_, T(0));
  auto ld = log_det_, w = power_, s = neumann_;
  for (int k = 1; k <= logdet_.terms; ++k) {
    g_->forward_dual(x, power_, gx_, gdot_);  // gdot = J w_{k-1} = J^k v
    auto jw = gdot_;
    // Gaussian probes: the mean over P probes; basis probes: the sum over the d basis vectors.
    const double coef = ((k % 2) ? 1.0 : -1.0) / (double(k) * (basis ? 1.0 : double(P)));
    Kokkos::parallel_for(
        "nn::residual_series_term", Kokkos::RangePolicy<ExecSpace>(0, nb), KOKKOS_LAMBDA(const int b) {
          double t = 0;
          for (int p = 0; p < np; ++p)
            for (int i = 0; i < d; ++i) t += double(v(i, p * nb + b)) * double(jw(i, p * nb + b));
          ld(0, b) += T(coef * t);
        });
    if (k == logdet_.terms) break;
    const T sign = (k % 2) ? T(-1) : T(1);
    Kokkos::parallel_for(
        "nn::residual_series_power", Kokkos::RangePolicy<ExecSpace>(0, d * np * nb), KOKKOS_LAMBDA(const int c) {
          const int i = c % d, col = c / d;
          w(i, col) = jw(i, col);
          s(i, col) += sign * jw(i, col);
        });
  }
  // The pass whose cached state backward_flow differentiates: tangent = the Neumann sum s.
  g_->forward_dual(x, neumann_, gx_, gdot_);
}

template <class T>
void ResidualFlowBlock<T>::backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) {
  const size_t B = dy.extent(1);
  const int d = static_cast<int>(d_), nb = static_cast<int>(B);
  if (logdet_.terms > 0) {
    const size_t P = logdet_.basis_probes ? d_ : size_t(logdet_.probes);
    ensure_shape(dgx_, "residual_dgdot", d_, P * B);
    auto cot = dgx_, v = probe_;
    auto dc = dlog_det;
    const T inv_p = logdet_.basis_probes ? T(1) : T(1.0 / double(P));
    Kokkos::parallel_for(
        "nn::residual_series_cotangent", Kokkos::RangePolicy<ExecSpace>(0, d * int(P) * nb),
        KOKKOS_LAMBDA(const int c) {
          const int i = c % d, col = c / d;
          cot(i, col) = dc(0, col % nb) * inv_p * v(i, col);
        });
    g_->backward_dual(dy, dgx_, dx, dtan_);
    auto out = dx;
    Kokkos::parallel_for(
        "nn::residual_series_dx", Kokkos::RangePolicy<ExecSpace>(0, d * nb),
        KOKKOS_LAMBDA(const int c) { out(c % d, c / d) += dy(c % d, c / d); });
    return;
  }
  ensure_shape(dgx_, "residual_dgdot", d_, d_ * B);
  auto cot = dgx_, inv = jac_inv_t_;
  auto dc = dlog_det;
  // d/dJ of dc_b log|det J_b| = dc_b J_b^{-T}: the cotangent of tangent k (column k of dg/dx) is
  // row k of J_b^{-1}, times dc_b.
  Kokkos::parallel_for(
      "nn::residual_logdet_cotangent", Kokkos::RangePolicy<ExecSpace>(0, d * nb), KOKKOS_LAMBDA(const int c) {
        const int k = c / nb, b = c % nb;
        for (int i = 0; i < d; ++i) cot(i, c) = dc(0, b) * inv(k + d * i, b);
      });
  g_->backward_dual(dy, dgx_, dx, dtan_);
  auto out = dx;
  Kokkos::parallel_for(
      "nn::residual_dx", Kokkos::RangePolicy<ExecSpace>(0, d * nb),
      KOKKOS_LAMBDA(const int c) { out(c % d, c / d) += dy(c % d, c / d); });
}

template <class T>
void ResidualFlowBlock<T>::inverse(const Tensor<T>& y, Tensor<T>& x) {
  const size_t B = y.extent(1);
  ensure_shape(x, "residual_x", d_, B);
  Kokkos::deep_copy(x, y);
  const double tol = sizeof(T) == sizeof(double) ? 1e-13 : 1e-6;
  const int n = static_cast<int>(d_ * B), d = static_cast<int>(d_);
  auto xx = x;
  for (inverse_iterations_ = 1; inverse_iterations_ <= 200; ++inverse_iterations_) {
    g_->forward(x, gx_, false);
    auto gx = gx_;
    double change = 0;
    Kokkos::parallel_reduce(
        "nn::residual_fixed_point", Kokkos::RangePolicy<ExecSpace>(0, n),
        KOKKOS_LAMBDA(const int c, double& m) {
          const T next = y(c % d, c / d) - gx(c % d, c / d);
          const double diff = kmath::fabs(double(next - xx(c % d, c / d)));
          if (diff > m) m = diff;
          xx(c % d, c / d) = next;
        },
        Kokkos::Max<double>(change));
    if (change <= tol) break;
  }
}

template class ResidualFlowBlock<double>;
template class ResidualFlowBlock<float>;

}  // namespace macrodyn::nn
