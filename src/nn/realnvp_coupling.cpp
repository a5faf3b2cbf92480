// RealNVP affine coupling: forward, backward (with log-det weights), inverse. See the header.
#include "nn/realnvp_coupling.hpp"

#include "core/kokkos_compat.hpp"
#include "nn/sample_blocks.hpp"

namespace macrodyn::nn {

template <class T>
RealNVPCoupling<T>::RealNVPCoupling(CouplingMask mask, std::shared_ptr<Layer<T>> conditioner)
    : mask_(std::move(mask)), net_(std::move(conditioner)) {
  if (!net_) fail("realnvp_coupling: no conditioner network");
  if (net_->in_features() != mask_.n_pass() || net_->out_features() != 2 * mask_.n_act())
    fail("realnvp_coupling: conditioner maps ", net_->in_features(), " -> ", net_->out_features(),
         " features, the mask needs ", mask_.n_pass(), " -> ", 2 * mask_.n_act());
}

namespace {

// Forward of sample b: y = coupling(x, h); s, exp(s) kept for backward; log|det| into ld.
template <class T>
KOKKOS_INLINE_FUNCTION void coupling_forward_sample(const Tensor<T>& x, const Tensor<T>& h, const Tensor<T>& s,
                                                    const Tensor<T>& e, const Tensor<T>& ld, const Tensor<T>& y,
                                                    const Kokkos::View<int*, MemSpace>& pass,
                                                    const Kokkos::View<int*, MemSpace>& act, int d1, int d2, int b) {
  for (int i = 0; i < d1; ++i) y(pass(i), b) = x(pass(i), b);
  T sum = 0;
  for (int j = 0; j < d2; ++j) {
    const T sj = kmath::tanh(h(j, b));
    const T ej = kmath::exp(sj);
    s(j, b) = sj;
    e(j, b) = ej;
    y(act(j), b) = x(act(j), b) * ej + h(d2 + j, b);
    sum += sj;
  }
  ld(0, b) = sum;
}

// Backward of sample b up to the conditioner: dx (passive rows = dy1; the conditioner's share is
// added afterwards) and dh, the gradient at the conditioner's output.
template <class T>
KOKKOS_INLINE_FUNCTION void coupling_backward_sample(const Tensor<T>& dy, const Tensor<T>& dlog_det,
                                                     const Tensor<T>& x, const Tensor<T>& s, const Tensor<T>& e,
                                                     const Tensor<T>& dh, const Tensor<T>& dx,
                                                     const Kokkos::View<int*, MemSpace>& pass,
                                                     const Kokkos::View<int*, MemSpace>& act, int d1, int d2, int b) {
  const T dc = dlog_det(0, b);
  for (int j = 0; j < d2; ++j) {
    const T g = dy(act(j), b), sj = s(j, b), ej = e(j, b);
    dx(act(j), b) = g * ej;
    dh(j, b) = (g * x(act(j), b) * ej + dc) * (T(1) - sj * sj);
    dh(d2 + j, b) = g;
  }
  for (int i = 0; i < d1; ++i) dx(pass(i), b) = dy(pass(i), b);
}

}  // namespace

template <class T>
int RealNVPCoupling<T>::block_count(size_t batch) const {
  return flow_in_sample_blocks() ? sample_blocks(batch) : 0;
}

// Sample blocks: each thread gathers its samples' passive rows, runs the conditioner and applies the
// coupling on them (backward: the coupling, the conditioner's input gradient, the scatter-add).
template <class T>
void RealNVPCoupling<T>::shape_forward(const Tensor<T>& x, Tensor<T>& y) {
  const size_t batch = x.extent(1);
  check_shape(x, mask_.dim(), batch, "realnvp_coupling forward input");
  x_ = x;
  ensure_shape(y, "realnvp_y", mask_.dim(), batch);
  ensure_shape(s_, "realnvp_s", mask_.n_act(), batch);
  ensure_shape(e_, "realnvp_e", mask_.n_act(), batch);
  ensure_shape(log_det_, "realnvp_log_det", 1, batch);
}

template <class T>
void RealNVPCoupling<T>::prepare_forward(const Tensor<T>& x, Tensor<T>& y) {
  shape_forward(x, y);
  ensure_shape(x1_, "gathered_rows", mask_.n_pass(), x.extent(1));
  net_->prepare_forward(x1_, h_);
}

template <class T>
void RealNVPCoupling<T>::forward_block(const Tensor<T>& x, const Tensor<T>& y, size_t b0, size_t b1) const {
  const int d1 = static_cast<int>(mask_.n_pass()), d2 = static_cast<int>(mask_.n_act());
  for (size_t c = b0; c < b1; ++c)
    for (int i = 0; i < d1; ++i) x1_(i, c) = x(mask_.pass(i), c);
  net_->forward_block(x1_, h_, b0, b1);
  for (size_t c = b0; c < b1; ++c)
    coupling_forward_sample(x, h_, s_, e_, log_det_, y, mask_.pass, mask_.act, d1, d2, static_cast<int>(c));
}

template <class T>
void RealNVPCoupling<T>::shape_backward(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) {
  check_shape(dy, mask_.dim(), x_.extent(1), "realnvp_coupling backward dy");
  check_shape(dlog_det, 1, x_.extent(1), "realnvp_coupling backward dlog_det");
  ensure_shape(dx, "realnvp_dx", mask_.dim(), x_.extent(1));
  ensure_shape(dh_, "realnvp_dh", 2 * mask_.n_act(), x_.extent(1));
}

template <class T>
void RealNVPCoupling<T>::prepare_backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) {
  shape_backward(dy, dlog_det, dx);
  net_->prepare_backward(dh_, dx1_);
}

template <class T>
void RealNVPCoupling<T>::backward_flow_block(const Tensor<T>& dy, const Tensor<T>& dlog_det, const Tensor<T>& dx,
                                             size_t b0, size_t b1) const {
  const int d1 = static_cast<int>(mask_.n_pass()), d2 = static_cast<int>(mask_.n_act());
  for (size_t c = b0; c < b1; ++c)
    coupling_backward_sample(dy, dlog_det, x_, s_, e_, dh_, dx, mask_.pass, mask_.act, d1, d2, static_cast<int>(c));
  net_->backward_input_block(dh_, dx1_, b0, b1);
  for (size_t c = b0; c < b1; ++c)
    for (int i = 0; i < d1; ++i) dx(mask_.pass(i), c) += dx1_(i, c);
}

template <class T>
void RealNVPCoupling<T>::add_parameter_gradient_part(const Tensor<T>& /*dy*/, int part, int parts) {
  net_->add_parameter_gradient_part(dh_, part, parts);
}

template <class T>
void RealNVPCoupling<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool training) {
  const size_t batch = x.extent(1);
  if (const int blocks = block_count(batch)) {
    prepare_forward(x, y);
    for_each_sample_range("RealNVPCoupling::forward_blocks", blocks, batch, [&](const size_t b0, const size_t b1) {
      forward_block(x, y, b0, b1);
    });
    return;
  }
  shape_forward(x, y);
  const int d1 = static_cast<int>(mask_.n_pass()), d2 = static_cast<int>(mask_.n_act());
  gather_rows(x, mask_.pass, x1_);
  net_->forward(x1_, h_, training);
  auto pass = mask_.pass, act = mask_.act;
  auto h = h_, s = s_, e = e_, ld = log_det_, yy = y;
  Kokkos::parallel_for(
      "nn::realnvp_forward", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(batch)), KOKKOS_LAMBDA(const int b) {
        coupling_forward_sample(x, h, s, e, ld, yy, pass, act, d1, d2, b);
      });
}

template <class T>
void RealNVPCoupling<T>::backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) {
  const size_t batch = x_.extent(1);
  if (const int blocks = block_count(batch)) {
    prepare_backward_flow(dy, dlog_det, dx);
    for_each_sample_range("RealNVPCoupling::backward_blocks", blocks, batch, [&](const size_t b0, const size_t b1) {
      backward_flow_block(dy, dlog_det, dx, b0, b1);
    });
    for_each_sample_block("RealNVPCoupling::parameter_gradient_blocks", blocks,
                          [&](const int p) { add_parameter_gradient_part(dy, p, blocks); });
    return;
  }
  shape_backward(dy, dlog_det, dx);
  const int d1 = static_cast<int>(mask_.n_pass()), d2 = static_cast<int>(mask_.n_act());
  auto pass = mask_.pass, act = mask_.act;
  auto x = x_, s = s_, e = e_, dh = dh_, dxx = dx;
  Kokkos::parallel_for(
      "nn::realnvp_backward", Kokkos::RangePolicy<ExecSpace>(0, static_cast<int>(batch)), KOKKOS_LAMBDA(const int b) {
        coupling_backward_sample(dy, dlog_det, x, s, e, dh, dxx, pass, act, d1, d2, b);
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
