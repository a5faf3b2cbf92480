// MacroNet pair of flows. See the header.
#include "learn/macronet/macronet_model.hpp"

#include <numeric>

#include "nn/realnvp_coupling.hpp"

namespace macrodyn::macronet {

template <class T>
MacroNet<T>::MacroNet(const FlowSpec& u_spec, const FlowSpec& v_spec, bool shared) : shared_(shared) {
  if (u_spec.keep != v_spec.keep)
    fail("macronet: phi_u keeps ", u_spec.keep, " dims but phi_v keeps ", v_spec.keep);
  if (shared && u_spec.in_dim != v_spec.in_dim)
    fail("macronet: shared weights need u and v of the same dimension, got ", u_spec.in_dim, " and ", v_spec.in_dim);
  u_ = build_macro_flow<T>(u_spec, 1);
  if (!shared) v_ = build_macro_flow<T>(v_spec, 2);
}

template <class T>
void MacroNet<T>::forward(const nn::Tensor<T>& x, nn::Tensor<T>& y, bool training) {
  u_.flow->forward(x, y, training);
}

template <class T>
void MacroNet<T>::backward(const nn::Tensor<T>& dy, nn::Tensor<T>& dx) {
  u_.flow->backward(dy, dx);
}

template <class T>
std::vector<nn::Parameter<T>> MacroNet<T>::parameters() {
  auto all = nn::prefixed(u_.flow->parameters(), "u.");
  if (!shared_)
    for (auto& p : nn::prefixed(v_.flow->parameters(), "v.")) all.push_back(p);
  return all;
}

template <class T>
std::vector<nn::Parameter<T>> MacroNet<T>::buffers() {
  auto all = nn::prefixed(u_.flow->buffers(), "u.");
  if (!shared_)
    for (auto& p : nn::prefixed(v_.flow->buffers(), "v.")) all.push_back(p);
  return all;
}

template <class T>
std::vector<double> MacroNet<T>::hyper_parameters() const {
  const auto& a = u_.spec;
  std::vector<double> h = {shared_ ? 1.0 : 0.0, double(a.in_dim), double(a.noise_dims), double(a.blocks),
                           double(a.hidden), double(a.keep)};
  if (!shared_)
    for (double x : {double(v_.spec.in_dim), double(v_.spec.noise_dims), double(v_.spec.blocks),
                     double(v_.spec.hidden)})
      h.push_back(x);
  return h;
}

template <class T>
void MacroNet<T>::set_comm(MPI_Comm comm) {
  u_.set_comm(comm);
  if (!shared_) v_.set_comm(comm);
}

template <class T>
void MacroNet<T>::encode(MacroFlow<T>& phi, const nn::Tensor<T>& x, nn::Tensor<T>& beta) {
  if (phi.noise) {
    // Eval-mode noise keyed by the column index (deterministic, independent of the rank count
    // as long as callers pass whole, replicated batches).
    std::vector<uint64_t> ids(x.extent(1));
    std::iota(ids.begin(), ids.end(), uint64_t(0));
    phi.set_noise_keys(ids, 0xFFFFFFFFu);
  }
  phi.flow->forward(x, beta, false);
}

template <class T>
void MacroNet<T>::sample_u(const nn::Tensor<T>& beta, double temperature, uint64_t sample_offset, nn::Tensor<T>& u) {
  u_.split->set_sampling(temperature, sample_offset);
  u_.flow->inverse(beta, u);
}

template class MacroNet<double>;
template class MacroNet<float>;

}  // namespace macrodyn::macronet
