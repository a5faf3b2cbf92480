// LU-parametrised invertible linear layer. See the header for the equations.
#include "nn/invertible_linear.hpp"

#include "nn/gemm.hpp"
#include <cmath>

#include "core/rng.hpp"

namespace macrodyn::nn {

template <class T>
struct InvertibleLinear<T>::Factors {
  size_t d;
  std::vector<double> L, U;  // row-major d*d: unit lower, upper with diagonal sign*exp(log_s)
  std::vector<int> q;        // (W v)_r = (L U v)_{q[r]}
  std::vector<double> s;     // diagonal of U
  double m(size_t i, size_t j) const {  // (L U)_{ij}
    double acc = 0;
    for (size_t k = 0; k <= std::min(i, j); ++k) acc += L[i * d + k] * U[k * d + j];
    return acc;
  }
};

namespace {

template <class T>
typename Tensor<T>::HostMirror host_copy(const Tensor<T>& t) {
  return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), t);
}

}  // namespace

template <class T>
InvertibleLinear<T>::InvertibleLinear(size_t d, uint64_t seed, uint64_t stream) : d_(d) {
  if (d == 0) fail("invertible_linear: dimension must be positive");
  lower_ = {"lower", Tensor<T>("invlin_lower", d, d), Tensor<T>("invlin_lower_grad", d, d)};
  upper_ = {"upper", Tensor<T>("invlin_upper", d, d), Tensor<T>("invlin_upper_grad", d, d)};
  log_s_ = {"log_s", Tensor<T>("invlin_log_s", d, 1), Tensor<T>("invlin_log_s_grad", d, 1)};
  perm_ = Tensor<T>("invlin_perm", d, 1);
  sign_ = Tensor<T>("invlin_sign", d, 1);

  // Random orthogonal matrix: Gram-Schmidt (twice, for orthogonality to round-off) on Gaussian columns.
  const CounterRng rng(seed, stream);
  std::vector<double> a(d * d);  // row-major
  for (size_t i = 0; i < d * d; ++i) a[i] = rng.normal(i, 0, 0);
  for (size_t c = 0; c < d; ++c) {
    for (int pass = 0; pass < 2; ++pass)
      for (size_t p = 0; p < c; ++p) {
        double dot = 0;
        for (size_t r = 0; r < d; ++r) dot += a[r * d + c] * a[r * d + p];
        for (size_t r = 0; r < d; ++r) a[r * d + c] -= dot * a[r * d + p];
      }
    double norm = 0;
    for (size_t r = 0; r < d; ++r) norm += a[r * d + c] * a[r * d + c];
    norm = std::sqrt(norm);
    for (size_t r = 0; r < d; ++r) a[r * d + c] /= norm;
  }
  // LU with partial pivoting: row i of the factorised matrix is row piv[i] of the original.
  std::vector<int> piv(d);
  for (size_t i = 0; i < d; ++i) piv[i] = static_cast<int>(i);
  for (size_t k = 0; k < d; ++k) {
    size_t p = k;
    for (size_t i = k + 1; i < d; ++i)
      if (std::abs(a[i * d + k]) > std::abs(a[p * d + k])) p = i;
    if (p != k) {
      for (size_t j = 0; j < d; ++j) std::swap(a[k * d + j], a[p * d + j]);
      std::swap(piv[k], piv[p]);
    }
    for (size_t i = k + 1; i < d; ++i) {
      a[i * d + k] /= a[k * d + k];
      for (size_t j = k + 1; j < d; ++j) a[i * d + j] -= a[i * d + k] * a[k * d + j];
    }
  }
  auto lo = Kokkos::create_mirror_view(lower_.value), up = Kokkos::create_mirror_view(upper_.value);
  auto ls = Kokkos::create_mirror_view(log_s_.value), pm = Kokkos::create_mirror_view(perm_),
       sg = Kokkos::create_mirror_view(sign_);
  for (size_t i = 0; i < d; ++i) {
    for (size_t j = 0; j < d; ++j) {
      lo(i, j) = static_cast<T>(i > j ? a[i * d + j] : 0.0);
      up(i, j) = static_cast<T>(i < j ? a[i * d + j] : 0.0);
    }
    const double diag = a[i * d + i];
    ls(i, 0) = static_cast<T>(std::log(std::abs(diag)));
    sg(i, 0) = static_cast<T>(diag < 0 ? -1.0 : 1.0);
    pm(static_cast<size_t>(piv[i]), 0) = static_cast<T>(i);  // q = piv^-1
  }
  Kokkos::deep_copy(lower_.value, lo);
  Kokkos::deep_copy(upper_.value, up);
  Kokkos::deep_copy(log_s_.value, ls);
  Kokkos::deep_copy(perm_, pm);
  Kokkos::deep_copy(sign_, sg);
  Kokkos::deep_copy(lower_.grad, T(0));
  Kokkos::deep_copy(upper_.grad, T(0));
  Kokkos::deep_copy(log_s_.grad, T(0));
}

template <class T>
typename InvertibleLinear<T>::Factors InvertibleLinear<T>::factors() const {
  const size_t d = d_;
  Factors f{d, std::vector<double>(d * d, 0.0), std::vector<double>(d * d, 0.0), std::vector<int>(d),
            std::vector<double>(d)};
  auto lo = host_copy(lower_.value), up = host_copy(upper_.value), ls = host_copy(log_s_.value);
  auto pm = host_copy(perm_), sg = host_copy(sign_);
  for (size_t i = 0; i < d; ++i) {
    for (size_t j = 0; j < d; ++j) {
      if (i > j) f.L[i * d + j] = lo(i, j);
      if (i < j) f.U[i * d + j] = up(i, j);
    }
    f.L[i * d + i] = 1.0;
    f.s[i] = static_cast<double>(sg(i, 0)) * std::exp(static_cast<double>(ls(i, 0)));
    f.U[i * d + i] = f.s[i];
    f.q[i] = static_cast<int>(std::lround(static_cast<double>(pm(i, 0))));
  }
  return f;
}

template <class T>
std::vector<double> InvertibleLinear<T>::weight_matrix() const {
  const Factors f = factors();
  std::vector<double> w(d_ * d_);
  for (size_t r = 0; r < d_; ++r)
    for (size_t c = 0; c < d_; ++c) w[r * d_ + c] = f.m(static_cast<size_t>(f.q[r]), c);
  return w;
}

template <class T>
std::vector<double> InvertibleLinear<T>::inverse_matrix() const {
  const Factors f = factors();
  const size_t d = d_;
  // Minv column i solves L U x = e_i (forward then back substitution).
  std::vector<double> winv(d * d), z(d), x(d);
  for (size_t i = 0; i < d; ++i) {
    for (size_t r = 0; r < d; ++r) {
      double acc = (r == i) ? 1.0 : 0.0;
      for (size_t k = 0; k < r; ++k) acc -= f.L[r * d + k] * z[k];
      z[r] = acc;
    }
    for (size_t r = d; r-- > 0;) {
      double acc = z[r];
      for (size_t k = r + 1; k < d; ++k) acc -= f.U[r * d + k] * x[k];
      x[r] = acc / f.U[r * d + r];
    }
    // Winv_{c, r} = Minv_{c, q[r]}: column i of Minv goes to the columns r with q[r] = i.
    for (size_t r = 0; r < d; ++r)
      if (static_cast<size_t>(f.q[r]) == i)
        for (size_t c = 0; c < d; ++c) winv[c * d + r] = x[c];
  }
  return winv;
}

namespace {

template <class T>
void upload_matrix(const std::vector<double>& m, size_t d, Tensor<T>& dst, const char* label) {
  ensure_shape(dst, label, d, d);
  auto h = Kokkos::create_mirror_view(dst);
  for (size_t r = 0; r < d; ++r)
    for (size_t c = 0; c < d; ++c) h(r, c) = static_cast<T>(m[r * d + c]);
  Kokkos::deep_copy(dst, h);
}

}  // namespace

template <class T>
void InvertibleLinear<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool /*training*/) {
  const size_t batch = x.extent(1);
  check_shape(x, d_, batch, "invertible_linear forward input");
  x_ = x;
  upload_matrix(weight_matrix(), d_, w_, "invlin_w");
  ensure_shape(y, "invlin_y", d_, batch);
  gemm("N", "N", T(1), w_, x, T(0), y);
  auto ls = host_copy(log_s_.value);
  double sum = 0;
  for (size_t i = 0; i < d_; ++i) sum += ls(i, 0);
  ensure_shape(log_det_, "invlin_log_det", 1, batch);
  Kokkos::deep_copy(log_det_, static_cast<T>(sum));
}

template <class T>
void InvertibleLinear<T>::backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) {
  const size_t batch = x_.extent(1), d = d_;
  check_shape(dy, d, batch, "invertible_linear backward dy");
  check_shape(dlog_det, 1, batch, "invertible_linear backward dlog_det");
  ensure_shape(dx, "invlin_dx", d, batch);
  gemm("T", "N", T(1), w_, dy, T(0), dx);
  ensure_shape(g_, "invlin_g", d, d);
  gemm("N", "T", T(1), dy, x_, T(0), g_);
  T dc_sum = 0;
  Kokkos::parallel_reduce(
      "nn::invlin_dc_sum", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(batch)),
      KOKKOS_LAMBDA(const int b, T& acc) { acc += dlog_det(0, b); }, dc_sum);

  const Factors f = factors();
  auto g = host_copy(g_);
  std::vector<double> dm(d * d);
  for (size_t r = 0; r < d; ++r)
    for (size_t c = 0; c < d; ++c) dm[static_cast<size_t>(f.q[r]) * d + c] = g(r, c);
  auto glo = host_copy(lower_.grad), gup = host_copy(upper_.grad), gls = host_copy(log_s_.grad);
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j) {
      if (i > j) {  // dL = dM U^T
        double acc = 0;
        for (size_t k = j; k < d; ++k) acc += dm[i * d + k] * f.U[j * d + k];
        glo(i, j) += static_cast<T>(acc);
      } else {  // dU = L^T dM
        double acc = 0;
        for (size_t k = i; k < d; ++k) acc += f.L[k * d + i] * dm[k * d + j];
        if (i < j)
          gup(i, j) += static_cast<T>(acc);
        else
          gls(i, 0) += static_cast<T>(acc * f.s[i] + static_cast<double>(dc_sum));
      }
    }
  Kokkos::deep_copy(lower_.grad, glo);
  Kokkos::deep_copy(upper_.grad, gup);
  Kokkos::deep_copy(log_s_.grad, gls);
}

template <class T>
void InvertibleLinear<T>::inverse(const Tensor<T>& y, Tensor<T>& x) {
  const size_t batch = y.extent(1);
  check_shape(y, d_, batch, "invertible_linear inverse input");
  upload_matrix(inverse_matrix(), d_, winv_, "invlin_winv");
  ensure_shape(x, "invlin_x", d_, batch);
  gemm("N", "N", T(1), winv_, y, T(0), x);
}

template <class T>
std::vector<Parameter<T>> InvertibleLinear<T>::buffers() {
  return {{"perm", perm_, Tensor<T>()}, {"sign", sign_, Tensor<T>()}};
}

template class InvertibleLinear<double>;
template class InvertibleLinear<float>;

}  // namespace macrodyn::nn
