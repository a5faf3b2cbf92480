#pragma once
// One side of MacroNet (phi_u or phi_v): an invertible network from a microstate to its macrostate
// (MacroNet paper, "Relational macrostate theory ...", sec. 3 and Appendix A.2-A.3, Tables A4/A5).
//
//   x (in_dim, B) -> [noisy kernel: append noise_dims dims ~ N(0, noise_sigma^2)]
//                 -> blocks x [invertible linear (LU) -> coupling -> invertible batch norm]
//                 -> dimension split keeping `keep` outputs = macrostate
// (so a batch norm is the last layer before the split, the paper's "batch norm at the last layer")
// coupling = "realnvp" (affine, tanh-bounded log-scale, conditioner MLP width `hidden`, depth 2)
//          | "resflow" (residual flow block x + g(x), Lipschitz(g) <= lipschitz, see nn/residual_flow.hpp)
// The flow's log-density term includes the split's log N(z) of the discarded dims and the noisy
// kernel's -log q(eps), so flow_nll(macrostate, log_det) is the NLL of the whole latent.
// Sampling (inverse): macrostate beta (keep, B) -> x, the discarded latent z ~ N(0, temperature^2).
//
// FlowSpec is read from a deck sub-table (keys below, all with defaults) and stored as attributes
// of the trained model file so that evaluate/design stages rebuild the same network.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "io/h5file.hpp"
#include "nn/dimension_split.hpp"
#include "nn/flow.hpp"
#include "nn/invertible_batch_norm.hpp"
#include "nn/noisy_kernel.hpp"
#include "nn/residual_flow.hpp"

namespace macrodyn::macronet {

struct FlowSpec {
  long in_dim = 2;         // microstate dimension (taken from the data, not a deck key)
  long noise_dims = 0;     // noise_dims: dims appended by the noisy kernel (0: none)
  double noise_sigma = 1e-3;
  long blocks = 20;        // blocks
  long hidden = 64;        // hidden: width of the conditioner / residual MLP
  long keep = 1;           // macro_dims (set by the stage, shared by both sides)
  std::string coupling = "realnvp";  // coupling: "realnvp" | "resflow"
  std::string activation = "relu";   // activation of the conditioner MLP (resflow uses its own)
  double lipschitz = 0.9;            // resflow only: bound on Lip(g)
  // resflow only: log-det by the power series of logdet_terms terms with logdet_probes Hutchinson
  // probes (nn/residual_flow.hpp); 0 = exact (at most 16 features), the default up to 16 features,
  // else 8 terms.
  long logdet_terms = 0;
  long logdet_probes = 1;
  long seed = 1;
  // network = "flow" (invertible, above) | "cnn": a free-form encoder for a side that is never
  // sampled (the paper's one-sided MacroNet, phi_v of Turing patterns): stride-2 3x3 periodic convs
  // with `channels` output channels each, softplus, then Dense to `keep` (macronet_encoder.hpp).
  std::string network = "flow";
  std::vector<long> channels = {16, 32, 32, 32};
  std::vector<long> shape;  // per-sample data shape (e.g. C, H, W), from the data

  long width() const { return in_dim + noise_dims; }
  // Reads the sub-table keys: network, noise_dims, noise_sigma, blocks, hidden, coupling, activation,
  // lipschitz, logdet_terms, logdet_probes, channels.
  static FlowSpec from_config(const ConfigTable& table, long in_dim, long keep, long seed,
                              const std::vector<long>& shape = {});
  void write_attrs(io::H5File& file, const std::string& object, const std::string& prefix) const;
  static FlowSpec read_attrs(const io::H5File& file, const std::string& object, const std::string& prefix);
};

template <class T>
struct MacroFlow {
  FlowSpec spec;
  std::shared_ptr<nn::Flow<T>> flow;
  std::shared_ptr<nn::NoisyKernel<T>> noise;  // null without a noisy kernel
  std::shared_ptr<nn::DimensionSplit<T>> split;
  std::vector<std::shared_ptr<nn::InvertibleBatchNorm<T>>> norms;
  std::vector<std::shared_ptr<nn::ResidualFlowBlock<T>>> residual_blocks;  // coupling = "resflow"

  // Synchronised batch statistics over `comm` (data-parallel training).
  void set_comm(MPI_Comm comm);
  // Noise of the next forward keyed by global sample ids (host vector) and a step counter.
  void set_noise_keys(const std::vector<uint64_t>& ids, uint32_t step);
  // Enforces Lip(g) <= lipschitz in every residual block (after each optimizer step).
  void project_lipschitz();
};

// Builds phi from `spec`; `stream` separates the parameter streams of phi_u and phi_v.
template <class T>
MacroFlow<T> build_macro_flow(const FlowSpec& spec, uint64_t stream);

extern template MacroFlow<double> build_macro_flow<double>(const FlowSpec&, uint64_t);
extern template MacroFlow<float> build_macro_flow<float>(const FlowSpec&, uint64_t);

}  // namespace macrodyn::macronet
