// NICE additive coupling: forward, backward, inverse. See the header.
#include "nn/nice_coupling.hpp"

namespace macrodyn::nn {

template <class T>
NICECoupling<T>::NICECoupling(CouplingMask mask, std::shared_ptr<Layer<T>> conditioner)
    : mask_(std::move(mask)), net_(std::move(conditioner)) {
  if (!net_) fail("nice_coupling: no conditioner network");
  if (net_->in_features() != mask_.n_pass() || net_->out_features() != mask_.n_act())
    fail("nice_coupling: conditioner maps ", net_->in_features(), " -> ", net_->out_features(),
         " features, the mask needs ", mask_.n_pass(), " -> ", mask_.n_act());
}

template <class T>
void NICECoupling<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool training) {
  const size_t batch = x.extent(1);
  check_shape(x, mask_.dim(), batch, "nice_coupling forward input");
  gather_rows(x, mask_.pass, x1_);
  net_->forward(x1_, t_, training);
  ensure_shape(y, "nice_y", mask_.dim(), batch);
  Kokkos::deep_copy(y, x);
  scatter_rows(t_, mask_.act, y, true);
  ensure_shape(log_det_, "nice_log_det", 1, batch);
  Kokkos::deep_copy(log_det_, T(0));
}

template <class T>
void NICECoupling<T>::backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) {
  const size_t batch = dy.extent(1);
  check_shape(dy, mask_.dim(), batch, "nice_coupling backward dy");
  check_shape(dlog_det, 1, batch, "nice_coupling backward dlog_det");
  ensure_shape(dx, "nice_dx", mask_.dim(), batch);
  Kokkos::deep_copy(dx, dy);
  gather_rows(dy, mask_.act, dy2_);
  net_->backward(dy2_, dx1_);
  scatter_rows(dx1_, mask_.pass, dx, true);
}

template <class T>
void NICECoupling<T>::inverse(const Tensor<T>& y, Tensor<T>& x) {
  const size_t batch = y.extent(1);
  check_shape(y, mask_.dim(), batch, "nice_coupling inverse input");
  gather_rows(y, mask_.pass, x1_);
  net_->forward(x1_, t_, false);
  ensure_shape(x, "nice_x", mask_.dim(), batch);
  Kokkos::deep_copy(x, y);
  const int d2 = static_cast<int>(mask_.n_act());
  auto act = mask_.act;
  auto t = t_, xx = x;
  Kokkos::parallel_for(
      "nn::nice_inverse", Kokkos::RangePolicy<ExecSpace>(0, d2 * static_cast<int>(batch)), KOKKOS_LAMBDA(const int k) {
        const int j = k % d2, b = k / d2;
        xx(act(j), b) -= t(j, b);
      });
}

template <class T>
std::vector<double> NICECoupling<T>::hyper_parameters() const {
  std::vector<double> hp{static_cast<double>(mask_.dim())};
  for (int m : mask_.mask) hp.push_back(m);
  return hp;
}

template class NICECoupling<double>;
template class NICECoupling<float>;

}  // namespace macrodyn::nn
