// MacroNet pair of flows. See the header.
#include "learn/macronet/macronet_model.hpp"

#include <numeric>

#include "learn/macronet/macronet_encoder.hpp"
#include "nn/realnvp_coupling.hpp"

namespace macrodyn::macronet {

template <class T>
MacroNet<T>::MacroNet(const FlowSpec& u_spec, const FlowSpec& v_spec, bool shared) : shared_(shared) {
  if (u_spec.keep != v_spec.keep)
    fail("macronet: phi_u keeps ", u_spec.keep, " dims but phi_v keeps ", v_spec.keep);
  if (shared && u_spec.in_dim != v_spec.in_dim)
    fail("macronet: shared weights need u and v of the same dimension, got ", u_spec.in_dim, " and ", v_spec.in_dim);
  if (u_spec.network != "flow") fail("macronet: phi_u must be a flow (it is sampled)");
  u_ = build_macro_flow<T>(u_spec, 1);
  if (!shared && v_spec.network == "cnn")
    v_net_ = build_cnn_encoder<T>(v_spec, 2);
  else if (!shared)
    v_ = build_macro_flow<T>(v_spec, 2);
}

template <class T>
void MacroNet<T>::forward(const nn::Tensor<T>& x, nn::Tensor<T>& y, bool training) {
  u_.flow->forward(x, y, training);
}

template <class T>
void MacroNet<T>::backward(const nn::Tensor<T>& dy, nn::Tensor<T>& dx) {
  u_.flow->backward(dy, dx);
}

namespace {

// The trainable parameters of one side without the shift of its last batch norm: that shift moves
// every output by the same amount, so it cancels in |phi_u - phi_v|^2 and the NLL gradient is the
// shift itself (training-mode outputs have batch mean = shift): it stays at its initial 0. As a free
// parameter its gradient is pure round-off, which Adam would scale up to lr-sized, rank-count-
// dependent steps; so it is held fixed.
template <class T>
std::vector<nn::Parameter<T>> trainable(MacroFlow<T>& phi, const std::string& prefix) {
  const std::string fixed = std::to_string(phi.flow->size() - 2) + ".beta";
  std::vector<nn::Parameter<T>> out;
  for (auto& p : phi.flow->parameters())
    if (p.name != fixed) out.push_back(p);
  return nn::prefixed(out, prefix);
}

}  // namespace

template <class T>
std::vector<nn::Parameter<T>> MacroNet<T>::parameters() {
  auto all = trainable(u_, "u.");
  if (v_net_)
    for (auto& p : nn::prefixed(v_net_->parameters(), "v.")) all.push_back(p);
  else if (!shared_)
    for (auto& p : trainable(v_, "v.")) all.push_back(p);
  return all;
}

template <class T>
std::vector<nn::Parameter<T>> MacroNet<T>::buffers() {
  auto all = nn::prefixed(u_.flow->buffers(), "u.");
  if (!shared_ && !v_net_)
    for (auto& p : nn::prefixed(v_.flow->buffers(), "v.")) all.push_back(p);
  return all;
}

template <class T>
std::vector<double> MacroNet<T>::hyper_parameters() const {
  const auto& a = u_.spec;
  std::vector<double> h = {shared_ ? 1.0 : 0.0, double(a.in_dim), double(a.noise_dims), double(a.blocks),
                           double(a.hidden), double(a.keep)};
  if (v_net_)
    h.push_back(-1.0);  // one-sided: free-form phi_v
  else if (!shared_)
    for (double x : {double(v_.spec.in_dim), double(v_.spec.noise_dims), double(v_.spec.blocks),
                     double(v_.spec.hidden)})
      h.push_back(x);
  return h;
}

template <class T>
void MacroNet<T>::set_comm(MPI_Comm comm) {
  u_.set_comm(comm);
  if (!shared_ && !v_net_) v_.set_comm(comm);
}

template <class T>
void MacroNet<T>::project_lipschitz() {
  u_.project_lipschitz();
  if (!shared_ && !v_net_) v_.project_lipschitz();
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
