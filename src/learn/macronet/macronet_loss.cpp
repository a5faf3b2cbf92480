// MacroNet training loss. See the header.
#include "learn/macronet/macronet_loss.hpp"

#include "nn/flow_nll.hpp"

namespace macrodyn::macronet {

namespace {

// Adds 2 w (a - b) to da and -2 w (a - b) to db column by column; returns w sum |a - b|^2.
// a, b, da, db may be column ranges [a0, a0 + B) / [b0, b0 + B) of one tensor each.
template <class T>
double prediction_term(const nn::Tensor<T>& a, size_t a0, const nn::Tensor<T>& b, size_t b0, size_t batch,
                       double weight, const nn::Tensor<T>& da, const nn::Tensor<T>& db, bool with_gradient) {
  const int dim = static_cast<int>(a.extent(0));
  double sum = 0;
  Kokkos::parallel_reduce(
      "macronet::prediction_loss", Kokkos::RangePolicy<nn::ExecSpace>(0, static_cast<int>(batch)),
      KOKKOS_LAMBDA(const int c, double& acc) {
        for (int i = 0; i < dim; ++i) {
          const double diff = double(a(i, a0 + c)) - double(b(i, b0 + c));
          acc += diff * diff;
          if (with_gradient) {
            da(i, a0 + c) += static_cast<T>(2 * weight * diff);
            db(i, b0 + c) -= static_cast<T>(2 * weight * diff);
          }
        }
      },
      sum);
  return weight * sum;
}

template <class T>
nn::Tensor<T> columns(const nn::Tensor<T>& t, size_t lo, size_t hi) {
  return Kokkos::subview(t, Kokkos::ALL(), std::make_pair(lo, hi));
}

}  // namespace

template <class T>
PairLoss PairLossEvaluator<T>::operator()(const nn::Tensor<T>& u, const nn::Tensor<T>& v,
                                          const std::vector<uint64_t>& ids, uint64_t id_offset, uint32_t step,
                                          double weight, bool with_gradient) {
  const size_t B = u.extent(1);
  if (v.extent(1) != B || ids.size() != B) fail("macronet loss: u, v and ids must have the same batch size");
  std::vector<uint64_t> v_ids(ids);
  for (auto& g : v_ids) g += id_offset;
  PairLoss r;
  const double gw = gamma_ * weight;
  if (model_.shared()) {
    auto& phi = model_.phi_u();
    nn::ensure_shape(x_, "macronet_uv", u.extent(0), 2 * B);
    Kokkos::deep_copy(columns(x_, 0, B), u);
    Kokkos::deep_copy(columns(x_, B, 2 * B), v);
    std::vector<uint64_t> all(ids);
    all.insert(all.end(), v_ids.begin(), v_ids.end());
    phi.set_noise_keys(all, step);
    phi.flow->forward(x_, z_, true);
    nn::ensure_shape(dz_, "macronet_dz", z_.extent(0), 2 * B);
    nn::ensure_shape(dc_, "macronet_dc", 1, 2 * B);
    auto c = phi.flow->log_det();
    r.nll_u = nn::flow_nll_value(columns(z_, 0, B), nn::Tensor<T>(columns(c, 0, B)), weight);
    r.nll_v = nn::flow_nll_value(columns(z_, B, 2 * B), nn::Tensor<T>(columns(c, B, 2 * B)), weight);
    if (with_gradient) nn::flow_nll(z_, c, gw, dz_, dc_);
    r.prediction = prediction_term(z_, 0, z_, B, B, weight, dz_, dz_, with_gradient);
    if (with_gradient) phi.flow->backward_flow(dz_, dc_, dx_);
  } else if (model_.one_sided()) {
    auto& pu = model_.phi_u();
    auto& pv = model_.v_network();
    pu.set_noise_keys(ids, step);
    pu.flow->forward(u, zu_, true);
    pv.forward(v, zv_, true);
    r.nll_u = nn::flow_nll_value(zu_, pu.flow->log_det(), weight);
    nn::ensure_shape(dzv_, "macronet_dzv", zv_.extent(0), B);
    Kokkos::deep_copy(dzv_, T(0));
    if (with_gradient) nn::flow_nll(zu_, pu.flow->log_det(), gw, dzu_, dcu_);
    r.prediction = prediction_term(zu_, 0, zv_, 0, B, weight, dzu_, dzv_, with_gradient);
    if (with_gradient) {
      pu.flow->backward_flow(dzu_, dcu_, dxu_);
      pv.backward_parameters(dzv_);
    }
  } else {
    auto &pu = model_.phi_u(), &pv = model_.phi_v();
    pu.set_noise_keys(ids, step);
    pv.set_noise_keys(v_ids, step);
    pu.flow->forward(u, zu_, true);
    pv.flow->forward(v, zv_, true);
    r.nll_u = nn::flow_nll_value(zu_, pu.flow->log_det(), weight);
    r.nll_v = nn::flow_nll_value(zv_, pv.flow->log_det(), weight);
    if (with_gradient) {
      nn::flow_nll(zu_, pu.flow->log_det(), gw, dzu_, dcu_);
      nn::flow_nll(zv_, pv.flow->log_det(), gw, dzv_, dcv_);
    }
    r.prediction = prediction_term(zu_, 0, zv_, 0, B, weight, dzu_, dzv_, with_gradient);
    if (with_gradient) {
      pu.flow->backward_flow(dzu_, dcu_, dxu_);
      pv.flow->backward_flow(dzv_, dcv_, dxv_);
    }
  }
  r.total = r.prediction + gamma_ * (r.nll_u + r.nll_v);
  return r;
}

template class PairLossEvaluator<double>;
template class PairLossEvaluator<float>;

}  // namespace macrodyn::macronet
