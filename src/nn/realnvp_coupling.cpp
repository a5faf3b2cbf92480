// RealNVP affine coupling: forward, backward (with log-det weights), inverse. See the header.
#include "nn/realnvp_coupling.hpp"

#include "core/kokkos_compat.hpp"

namespace macrodyn::nn {

template <class T>
RealNVPCoupling<T>::RealNVPCoupling(CouplingMask mask, std::shared_ptr<Layer<T>> conditioner)
    : mask_(std::move(mask)), net_(std::move(conditioner)) {
  if (!net_) fail("realnvp_coupling: no conditioner network");
  if (net_->in_features() != mask_.n_pass() || net_->out_features() != 2 * mask_.n_act())
    fail("realnvp_coupling: conditioner maps ", net_->in_features(), " -> ", net_->out_features(),
         " features, the mask needs ", mask_.n_pass(), " -> ", 2 * mask_.n_act());
}

template <class T>
void RealNVPCoupling<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool training) {
  const size_t batch = x.extent(1);
  check_shape(x, mask_.dim(), batch, "realnvp_coupling forward input");
  x_ = x;
  gather_rows(x, mask_.pass, x1_);
  net_->forward(x1_, h_, training);
  const int d1 = static_cast<int>(mask_.n_pass()), d2 = static_cast<int>(mask_.n_act());
  ensure_shape(y, "realnvp_y", mask_.dim(), batch);
  ensure_shape(s_, "realnvp_s", d2, batch);
  ensure_shape(e_, "realnvp_e", d2, batch);
  ensure_shape(log_det_, "realnvp_log_det", 1, batch);
  auto pass = mask_.pass, act = mask_.act;
  auto h = h_, s = s_, e = e_, ld = log_det_, yy = y;
  Kokkos::parallel_for(
      "nn::realnvp_forward", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(batch)), KOKKOS_LAMBDA(const int b) {
        for (int i = 0; i < d1; ++i) yy(pass(i), b) = x(pass(i), b);
        T sum = 0;
        for (int j = 0; j < d2; ++j) {
          const T sj = kmath::tanh(h(j, b));
          const T ej = kmath::exp(sj);
          s(j, b) = sj;
          e(j, b) = ej;
          yy(act(j), b) = x(act(j), b) * ej + h(d2 + j, b);
          sum += sj;
        }
        ld(0, b) = sum;
      });
}

template <class T>
void RealNVPCoupling<T>::backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) {
  const size_t batch = x_.extent(1);
  check_shape(dy, mask_.dim(), batch, "realnvp_coupling backward dy");
  check_shape(dlog_det, 1, batch, "realnvp_coupling backward dlog_det");
  const int d1 = static_cast<int>(mask_.n_pass()), d2 = static_cast<int>(mask_.n_act());
  ensure_shape(dx, "realnvp_dx", mask_.dim(), batch);
  ensure_shape(dh_, "realnvp_dh", 2 * d2, batch);
  auto pass = mask_.pass, act = mask_.act;
  auto x = x_, s = s_, e = e_, dh = dh_, dxx = dx;
  Kokkos::parallel_for(
      "nn::realnvp_backward", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(batch)), KOKKOS_LAMBDA(const int b) {
        const T dc = dlog_det(0, b);
        for (int j = 0; j < d2; ++j) {
          const T g = dy(act(j), b), sj = s(j, b), ej = e(j, b);
          dxx(act(j), b) = g * ej;
          dh(j, b) = (g * x(act(j), b) * ej + dc) * (T(1) - sj * sj);
          dh(d2 + j, b) = g;
        }
        for (int i = 0; i < d1; ++i) dxx(pass(i), b) = dy(pass(i), b);
      });
  net_->backward(dh_, dx1_);
  scatter_rows(dx1_, mask_.pass, dx, true);
}

template <class T>
void RealNVPCoupling<T>::inverse(const Tensor<T>& y, Tensor<T>& x) {
  const size_t batch = y.extent(1);
  check_shape(y, mask_.dim(), batch, "realnvp_coupling inverse input");
  gather_rows(y, mask_.pass, x1_);
  net_->forward(x1_, h_, false);
  const int d1 = static_cast<int>(mask_.n_pass()), d2 = static_cast<int>(mask_.n_act());
  ensure_shape(x, "realnvp_x", mask_.dim(), batch);
  auto pass = mask_.pass, act = mask_.act;
  auto h = h_, xx = x;
  Kokkos::parallel_for(
      "nn::realnvp_inverse", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(batch)), KOKKOS_LAMBDA(const int b) {
        for (int i = 0; i < d1; ++i) xx(pass(i), b) = y(pass(i), b);
        for (int j = 0; j < d2; ++j)
          xx(act(j), b) = (y(act(j), b) - h(d2 + j, b)) * kmath::exp(-kmath::tanh(h(j, b)));
      });
}

template <class T>
std::vector<Parameter<T>> RealNVPCoupling<T>::parameters() {
  return prefixed(net_->parameters(), "conditioner.");
}

template <class T>
std::vector<Parameter<T>> RealNVPCoupling<T>::buffers() {
  return prefixed(net_->buffers(), "conditioner.");
}

template <class T>
std::vector<double> RealNVPCoupling<T>::hyper_parameters() const {
  std::vector<double> hp{static_cast<double>(mask_.dim())};
  for (int m : mask_.mask) hp.push_back(m);
  return hp;
}

template class RealNVPCoupling<double>;
template class RealNVPCoupling<float>;

}  // namespace macrodyn::nn
