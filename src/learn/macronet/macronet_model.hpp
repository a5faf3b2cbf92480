#pragma once
// MacroNet (MacroNet paper sec. 3, Appendix A.2): two invertible networks phi_u, phi_v mapping the
// two microstates of a pair (u, v) to one macrostate; with shared weights (phi_u = phi_v, time
// invariants such as the oscillator's energy) there is one network.
//
// As a Layer (what the data-parallel trainer and model I/O see): parameters "u.<...>" and "v.<...>"
// (only "u." when shared; the shift of each side's last batch norm is held at 0, see the .cpp);
// forward(x) = phi_u(x), the macrostate of u, backward through phi_u.
// macrostate_u/v: eval-mode encodings (batch norm with running statistics), with a noisy kernel's
//   appended dims at their mean 0: the macrostate of a microstate is a function of it alone, not of a
//   noise draw. (With draws, the encoding of one state scatters: near the oscillator's ground state
//   the learned macrostate must depend on the appended dims, since a coordinate of an invertible map
//   cannot have circles as level sets around a critical point. Measured on the oscillator: with
//   draws, re-encoding the conditional samples moved their macrostate by 0.05 (median; at most 2.4),
//   which is ~10% in energy at the lowest target, and Spearman(macrostate, energy) was 0.9957.)
// sample_u: conditional sampling u = phi_u^-1(beta, z), z ~ N(0, temperature^2) keyed by the global
//   sample ids sample_offset + b (rank-count independent). With a noisy kernel the inverse returns
//   (u, eps) with eps off its N(0, sigma^2) law wherever the flow is inexact, and u then lies off the
//   level set {macrostate_u(u) = beta}; so (project = true) each sample is moved to the nearest
//   point of that level set by damped Gauss-Newton steps on u (Jacobian by central differences of
//   step 1e-6 (double) / 3e-3 (float) times max(|u_j|, RMS of feature j over the batch),
//   minimum-norm step J^T (J J^T)^-1 r), to |macrostate_u(u) - beta| <= 1e-9 (double) / 1e-4
//   (float) relative to max(1, |beta|). last_projection_residual() is the largest residual left.
#include <memory>

#include "learn/macronet/macronet_flow.hpp"
#include "nn/layer.hpp"
#include "nn/sequential.hpp"

namespace macrodyn::macronet {

template <class T>
class MacroNet : public nn::Layer<T> {
 public:
  // shared: phi_v = phi_u (v_spec ignored; u and v must have the same dimension).
  // v_spec.network = "cnn": one-sided MacroNet, phi_v a free-form encoder (no NLL_v, no sampling of v).
  MacroNet(const FlowSpec& u_spec, const FlowSpec& v_spec, bool shared);

  std::string kind() const override { return "macronet"; }
  size_t in_features() const override { return size_t(u_.spec.in_dim); }
  size_t out_features() const override { return size_t(u_.spec.keep); }
  void forward(const nn::Tensor<T>& x, nn::Tensor<T>& y, bool training) override;
  void backward(const nn::Tensor<T>& dy, nn::Tensor<T>& dx) override;
  std::vector<nn::Parameter<T>> parameters() override;
  std::vector<nn::Parameter<T>> buffers() override;
  std::vector<double> hyper_parameters() const override;

  bool shared() const { return shared_; }
  bool one_sided() const { return bool(v_net_); }
  nn::Sequential<T>& v_network() { return *v_net_; }
  MacroFlow<T>& phi_u() { return u_; }
  MacroFlow<T>& phi_v() { return shared_ ? u_ : v_; }
  void set_comm(MPI_Comm comm);
  void project_lipschitz();  // residual-flow blocks of both sides

  void macrostate_u(const nn::Tensor<T>& u, nn::Tensor<T>& beta) { encode(phi_u(), u, beta); }
  void macrostate_v(const nn::Tensor<T>& v, nn::Tensor<T>& beta) {
    if (v_net_)
      v_net_->forward(v, beta, false);
    else
      encode(phi_v(), v, beta);
  }
  void sample_u(const nn::Tensor<T>& beta, double temperature, uint64_t sample_offset, nn::Tensor<T>& u,
                bool project = true);
  double last_projection_residual() const { return projection_residual_; }

 private:
  void encode(MacroFlow<T>& phi, const nn::Tensor<T>& x, nn::Tensor<T>& beta);
  void project_to_level_set(const nn::Tensor<T>& beta, nn::Tensor<T>& u);

  bool shared_;
  MacroFlow<T> u_, v_;
  std::shared_ptr<nn::Sequential<T>> v_net_;  // one-sided: free-form phi_v
  nn::Tensor<T> scratch_;
  double projection_residual_ = 0;
};

extern template class MacroNet<double>;
extern template class MacroNet<float>;

}  // namespace macrodyn::macronet
