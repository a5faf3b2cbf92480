// Invertible (optionally synchronised) batch normalisation. See the header.
#include "nn/invertible_batch_norm.hpp"

#include <cmath>

#include "core/kokkos_compat.hpp"

namespace macrodyn::nn {

template <class T>
InvertibleBatchNorm<T>::InvertibleBatchNorm(size_t d, double momentum, double eps)
    : d_(d), momentum_(momentum), eps_(eps) {
  if (d == 0) fail("invertible_batch_norm: dimension must be positive");
  if (!(momentum >= 0 && momentum <= 1)) fail("invertible_batch_norm: momentum ", momentum, " not in [0, 1]");
  if (!(eps > 0)) fail("invertible_batch_norm: eps must be positive");
  log_gamma_ = {"log_gamma", Tensor<T>("ibn_log_gamma", d, 1), Tensor<T>("ibn_log_gamma_grad", d, 1)};
  beta_ = {"beta", Tensor<T>("ibn_beta", d, 1), Tensor<T>("ibn_beta_grad", d, 1)};
  running_mean_ = Tensor<T>("ibn_running_mean", d, 1);
  running_var_ = Tensor<T>("ibn_running_var", d, 1);
  Kokkos::deep_copy(running_var_, T(1));
}

template <class T>
std::vector<Parameter<T>> InvertibleBatchNorm<T>::buffers() {
  return {{"running_mean", running_mean_, Tensor<T>()}, {"running_var", running_var_, Tensor<T>()}};
}

template <class T>
void InvertibleBatchNorm<T>::allreduce(std::vector<double>& v) const {
  if (comm_ == MPI_COMM_NULL) return;
  MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_SUM, comm_);
}

namespace {

// out(j, 0) = sum_b f(j, b) for a per-entry functor, in double precision.
template <class T, class F>
std::vector<double> row_sums(size_t d, size_t batch, const F& f) {
  Kokkos::View<double*, MemSpace> s("ibn_row_sums", d);
  const int nb = static_cast<int>(batch);
  Kokkos::parallel_for(
      "nn::ibn_row_sums", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(d)), KOKKOS_LAMBDA(const int j) {
        double acc = 0;
        for (int b = 0; b < nb; ++b) acc += static_cast<double>(f(j, b));
        s(j) = acc;
      });
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s);
  return std::vector<double>(h.data(), h.data() + d);
}

}  // namespace

template <class T>
void InvertibleBatchNorm<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool training) {
  const size_t batch = x.extent(1), d = d_;
  check_shape(x, d, batch, "invertible_batch_norm forward input");
  std::vector<double> mean(d), var(d);
  if (training) {
    std::vector<double> s1 = row_sums<T>(d, batch, KOKKOS_LAMBDA(int j, int b) { return x(j, b); });
    s1.push_back(static_cast<double>(batch));
    allreduce(s1);
    n_global_ = s1[d];
    if (n_global_ < 1) fail("invertible_batch_norm: empty global batch in training mode");
    Kokkos::View<double*, MemSpace> mu("ibn_mu", d);
    auto muh = Kokkos::create_mirror_view(mu);
    for (size_t j = 0; j < d; ++j) muh(j) = mean[j] = s1[j] / n_global_;
    Kokkos::deep_copy(mu, muh);
    std::vector<double> s2 = row_sums<T>(d, batch, KOKKOS_LAMBDA(int j, int b) {
      const double c = static_cast<double>(x(j, b)) - mu(j);
      return c * c;
    });
    allreduce(s2);
    for (size_t j = 0; j < d; ++j) var[j] = s2[j] / n_global_;
    auto rm = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), running_mean_);
    auto rv = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), running_var_);
    for (size_t j = 0; j < d; ++j) {
      rm(j, 0) = static_cast<T>((1 - momentum_) * rm(j, 0) + momentum_ * mean[j]);
      rv(j, 0) = static_cast<T>((1 - momentum_) * rv(j, 0) + momentum_ * var[j]);
    }
    Kokkos::deep_copy(running_mean_, rm);
    Kokkos::deep_copy(running_var_, rv);
  } else {
    auto rm = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), running_mean_);
    auto rv = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), running_var_);
    for (size_t j = 0; j < d; ++j) {
      mean[j] = rm(j, 0);
      var[j] = rv(j, 0);
    }
  }
  trained_batch_ = training;
  // sums_ column 0: mean, column 1: sigma.
  ensure_shape(sums_, "ibn_stats", d, 2);
  auto st = Kokkos::create_mirror_view(sums_);
  auto lg = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), log_gamma_.value);
  double ld = 0;
  for (size_t j = 0; j < d; ++j) {
    const double sigma = std::sqrt(var[j] + eps_);
    st(j, 0) = static_cast<T>(mean[j]);
    st(j, 1) = static_cast<T>(sigma);
    ld += static_cast<double>(lg(j, 0)) - std::log(sigma);
  }
  Kokkos::deep_copy(sums_, st);
  ensure_shape(xhat_, "ibn_xhat", d, batch);
  ensure_shape(y, "ibn_y", d, batch);
  ensure_shape(log_det_, "ibn_log_det", 1, batch);
  Kokkos::deep_copy(log_det_, static_cast<T>(ld));
  auto stats = sums_, xhat = xhat_, yy = y;
  auto lgv = log_gamma_.value, bv = beta_.value;
  const int nd = static_cast<int>(d);
  Kokkos::parallel_for(
      "nn::ibn_forward", Kokkos::RangePolicy<ExecSpace>(0, nd * static_cast<int>(batch)), KOKKOS_LAMBDA(const int k) {
        const int j = k % nd, b = k / nd;
        const T xh = (x(j, b) - stats(j, 0)) / stats(j, 1);
        xhat(j, b) = xh;
        yy(j, b) = kmath::exp(lgv(j, 0)) * xh + bv(j, 0);
      });
}

template <class T>
void InvertibleBatchNorm<T>::backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) {
  const size_t batch = xhat_.extent(1), d = d_;
  check_shape(dy, d, batch, "invertible_batch_norm backward dy");
  check_shape(dlog_det, 1, batch, "invertible_batch_norm backward dlog_det");
  ensure_shape(dx, "ibn_dx", d, batch);
  auto xhat = xhat_, stats = sums_, lgv = log_gamma_.value;
  auto glg = log_gamma_.grad, gb = beta_.grad;
  // Local sums: dy, dy*xhat (per feature) and the log-det weights.
  std::vector<double> a = row_sums<T>(d, batch, KOKKOS_LAMBDA(int j, int b) { return dy(j, b); });
  std::vector<double> c = row_sums<T>(d, batch, KOKKOS_LAMBDA(int j, int b) { return dy(j, b) * xhat(j, b); });
  double wsum = 0;
  Kokkos::parallel_reduce(
      "nn::ibn_wsum", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(batch)),
      KOKKOS_LAMBDA(const int b, double& acc) { acc += static_cast<double>(dlog_det(0, b)); }, wsum);
  auto lg = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), log_gamma_.value);
  {  // parameter gradients (local)
    auto hg = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), glg);
    auto hb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gb);
    for (size_t j = 0; j < d; ++j) {
      hb(j, 0) += static_cast<T>(a[j]);
      hg(j, 0) += static_cast<T>(std::exp(static_cast<double>(lg(j, 0))) * c[j] + wsum);
    }
    Kokkos::deep_copy(glg, hg);
    Kokkos::deep_copy(gb, hb);
  }
  const int nd = static_cast<int>(d);
  auto dxx = dx;
  if (!trained_batch_) {
    Kokkos::parallel_for(
        "nn::ibn_backward_eval", Kokkos::RangePolicy<ExecSpace>(0, nd * static_cast<int>(batch)),
        KOKKOS_LAMBDA(const int k) {
          const int j = k % nd, b = k / nd;
          dxx(j, b) = dy(j, b) * kmath::exp(lgv(j, 0)) / stats(j, 1);
        });
    return;
  }
  // Global means of dxhat = gamma dy and dxhat * xhat, and the global log-det weight.
  std::vector<double> g(2 * d + 1);
  for (size_t j = 0; j < d; ++j) {
    g[j] = a[j];
    g[d + j] = c[j];
  }
  g[2 * d] = wsum;
  allreduce(g);
  Tensor<T> coef("ibn_coef", d, 3);
  auto hc = Kokkos::create_mirror_view(coef);
  for (size_t j = 0; j < d; ++j) {
    const double gamma = std::exp(static_cast<double>(lg(j, 0)));
    hc(j, 0) = static_cast<T>(gamma * g[j] / n_global_);
    hc(j, 1) = static_cast<T>(gamma * g[d + j] / n_global_ + g[2 * d] / n_global_);
    hc(j, 2) = static_cast<T>(gamma);
  }
  Kokkos::deep_copy(coef, hc);
  Kokkos::parallel_for(
      "nn::ibn_backward", Kokkos::RangePolicy<ExecSpace>(0, nd * static_cast<int>(batch)), KOKKOS_LAMBDA(const int k) {
        const int j = k % nd, b = k / nd;
        dxx(j, b) = (coef(j, 2) * dy(j, b) - coef(j, 0) - xhat(j, b) * coef(j, 1)) / stats(j, 1);
      });
}

template <class T>
void InvertibleBatchNorm<T>::inverse(const Tensor<T>& y, Tensor<T>& x) {
  const size_t batch = y.extent(1);
  check_shape(y, d_, batch, "invertible_batch_norm inverse input");
  ensure_shape(x, "ibn_x", d_, batch);
  auto rm = running_mean_, rv = running_var_, lgv = log_gamma_.value, bv = beta_.value;
  auto xx = x;
  const T eps = static_cast<T>(eps_);
  const int nd = static_cast<int>(d_);
  Kokkos::parallel_for(
      "nn::ibn_inverse", Kokkos::RangePolicy<ExecSpace>(0, nd * static_cast<int>(batch)), KOKKOS_LAMBDA(const int k) {
        const int j = k % nd, b = k / nd;
        xx(j, b) = (y(j, b) - bv(j, 0)) * kmath::exp(-lgv(j, 0)) * kmath::sqrt(rv(j, 0) + eps) + rm(j, 0);
      });
}

template class InvertibleBatchNorm<double>;
template class InvertibleBatchNorm<float>;

}  // namespace macrodyn::nn
