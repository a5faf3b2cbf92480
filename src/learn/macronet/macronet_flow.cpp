// One side of MacroNet: construction of the invertible stack. See the header.
#include "learn/macronet/macronet_flow.hpp"

#include "nn/activations.hpp"
#include "nn/coupling_mask.hpp"
#include "nn/invertible_linear.hpp"
#include "nn/realnvp_coupling.hpp"
#include "nn/sequential.hpp"

namespace macrodyn::macronet {

FlowSpec FlowSpec::from_config(const ConfigTable& t, long in_dim, long keep, long seed,
                               const std::vector<long>& shape) {
  FlowSpec s;
  s.in_dim = in_dim;
  s.keep = keep;
  s.seed = seed;
  s.shape = shape.empty() ? std::vector<long>{in_dim} : shape;
  s.network = t.get_string("network", "flow", {"flow", "cnn"});
  const auto ch = t.get_ints("channels", {16, 32, 32, 32}, Range::at_least(1));
  s.channels.assign(ch.begin(), ch.end());
  if (s.network == "cnn") {
    if (!shape.empty() && shape.size() != 3)
      t.fail_at("network", "a cnn side needs data of shape (samples, channels, height, width)");
    if (!shape.empty() && ((shape[1] >> ch.size()) << ch.size()) != shape[1])
      t.fail_at("channels", "each conv halves the grid: height must be divisible by 2^" + std::to_string(ch.size()));
  }
  s.noise_dims = t.get_int("noise_dims", 0, Range::at_least(0));
  s.noise_sigma = t.get_double("noise_sigma", 1e-3, Range::positive());
  s.blocks = t.get_int("blocks", 20, Range::at_least(1));
  s.hidden = t.get_int("hidden", 64, Range::at_least(1));
  s.coupling = t.get_string("coupling", "realnvp", {"realnvp", "resflow"});
  s.activation = t.get_string("activation", "relu", {"tanh", "relu", "softplus", "silu", "sigmoid"});
  s.lipschitz = t.get_double("lipschitz", 0.9, Range{0.0, 1.0, true, true});
  if (s.network == "cnn") return s;
  if (s.width() < 2) t.fail_at("noise_dims", "a flow needs at least 2 features (input + noise dims)");
  const bool exact_fits = s.width() <= long(nn::ResidualFlowBlock<double>::kMaxExactDim);
  s.logdet_terms = t.get_int("logdet_terms", exact_fits ? 0 : 8, Range::at_least(0));
  s.logdet_probes = t.get_int("logdet_probes", 1, Range::at_least(1));
  if (s.coupling == "resflow" && s.logdet_terms == 0 && !exact_fits)
    t.fail_at("logdet_terms", "the exact log-det supports at most " +
                                  std::to_string(nn::ResidualFlowBlock<double>::kMaxExactDim) +
                                  " features: give the power series a number of terms");
  if (keep >= s.width())
    t.fail_at("noise_dims", "the macrostate must keep fewer dims than the flow width " + std::to_string(s.width()));
  return s;
}

void FlowSpec::write_attrs(io::H5File& f, const std::string& o, const std::string& p) const {
  f.set_attr(o, p + "in_dim", int64_t(in_dim));
  f.set_attr(o, p + "noise_dims", int64_t(noise_dims));
  f.set_attr(o, p + "noise_sigma", noise_sigma);
  f.set_attr(o, p + "blocks", int64_t(blocks));
  f.set_attr(o, p + "hidden", int64_t(hidden));
  f.set_attr(o, p + "keep", int64_t(keep));
  f.set_attr(o, p + "coupling", coupling);
  f.set_attr(o, p + "activation", activation);
  f.set_attr(o, p + "lipschitz", lipschitz);
  f.set_attr(o, p + "logdet_terms", int64_t(logdet_terms));
  f.set_attr(o, p + "logdet_probes", int64_t(logdet_probes));
  f.set_attr(o, p + "seed", int64_t(seed));
  f.set_attr(o, p + "network", network);
  f.set_attr(o, p + "channels", std::vector<double>(channels.begin(), channels.end()));
  f.set_attr(o, p + "shape", shape.empty() ? std::vector<double>{double(in_dim)}
                                           : std::vector<double>(shape.begin(), shape.end()));
}

FlowSpec FlowSpec::read_attrs(const io::H5File& f, const std::string& o, const std::string& p) {
  FlowSpec s;
  s.in_dim = f.attr_int(o, p + "in_dim");
  s.noise_dims = f.attr_int(o, p + "noise_dims");
  s.noise_sigma = f.attr_double(o, p + "noise_sigma");
  s.blocks = f.attr_int(o, p + "blocks");
  s.hidden = f.attr_int(o, p + "hidden");
  s.keep = f.attr_int(o, p + "keep");
  s.coupling = f.attr_string(o, p + "coupling");
  s.activation = f.attr_string(o, p + "activation");
  s.lipschitz = f.attr_double(o, p + "lipschitz");
  if (f.has_attr(o, p + "logdet_terms")) {  // files written before the power series: exact
    s.logdet_terms = f.attr_int(o, p + "logdet_terms");
    s.logdet_probes = f.attr_int(o, p + "logdet_probes");
  }
  s.seed = f.attr_int(o, p + "seed");
  s.shape = {s.in_dim};
  if (!f.has_attr(o, p + "network")) return s;  // files written before one-sided models: flows
  s.network = f.attr_string(o, p + "network");
  s.channels.clear();
  for (double c : f.attr_doubles(o, p + "channels")) s.channels.push_back(long(c));
  s.shape.clear();
  for (double c : f.attr_doubles(o, p + "shape")) s.shape.push_back(long(c));
  return s;
}

template <class T>
void MacroFlow<T>::set_comm(MPI_Comm comm) {
  for (auto& bn : norms) bn->set_comm(comm);
}

template <class T>
void MacroFlow<T>::set_noise_keys(const std::vector<uint64_t>& ids, uint32_t step) {
  if (!noise) return;
  Kokkos::View<uint64_t*, nn::MemSpace> v("macronet_noise_ids", ids.size());
  auto h = Kokkos::create_mirror_view(v);
  for (size_t i = 0; i < ids.size(); ++i) h(i) = ids[i];
  Kokkos::deep_copy(v, h);
  noise->set_noise_keys(v, step);
}

template <class T>
void MacroFlow<T>::project_lipschitz() {
  for (auto& r : residual_blocks) r->project_lipschitz();
}

template <class T>
MacroFlow<T> build_macro_flow(const FlowSpec& spec, uint64_t stream) {
  MacroFlow<T> m;
  m.spec = spec;
  m.flow = std::make_shared<nn::Flow<T>>();
  const uint64_t seed = static_cast<uint64_t>(spec.seed);
  const size_t d = static_cast<size_t>(spec.width()), hidden = static_cast<size_t>(spec.hidden);
  if (spec.noise_dims > 0) {
    m.noise = std::make_shared<nn::NoisyKernel<T>>(size_t(spec.in_dim), size_t(spec.noise_dims), spec.noise_sigma,
                                                   seed, stream * 1000 + 999);
    m.flow->add(m.noise);
  }
  for (long k = 0; k < spec.blocks; ++k) {
    const uint64_t s = stream * 1000 + static_cast<uint64_t>(k) * 4;
    m.flow->add(std::make_shared<nn::InvertibleLinear<T>>(d, seed, s));
    if (spec.coupling == "resflow") {
      nn::ResidualLogDet ld;
      ld.terms = int(spec.logdet_terms);
      ld.probes = int(spec.logdet_probes);
      ld.seed = seed;
      ld.stream = s + 3;
      m.residual_blocks.push_back(
          std::make_shared<nn::ResidualFlowBlock<T>>(d, hidden, spec.lipschitz, seed, s + 1, ld));
      m.flow->add(m.residual_blocks.back());
    } else {
      auto mask = nn::CouplingMask::halves(d, static_cast<int>(k % 2));
      auto net = nn::make_mlp<T>({mask.n_pass(), hidden, hidden, 2 * mask.n_act()}, spec.activation,
                                 seed * 7919 + s + 1);
      m.flow->add(std::make_shared<nn::RealNVPCoupling<T>>(mask, net));
    }
    m.norms.push_back(std::make_shared<nn::InvertibleBatchNorm<T>>(d));
    m.flow->add(m.norms.back());
  }
  // The last block ends with a batch norm: it is the flow's last layer before the split. (A second
  // batch norm here would make the previous one's shift and scale exactly gradient-free, which Adam
  // turns into rank-count-dependent round-off steps.)
  m.split = std::make_shared<nn::DimensionSplit<T>>(d, size_t(spec.keep), seed, stream * 1000 + 998);
  m.flow->add(m.split);
  return m;
}

template struct MacroFlow<double>;
template struct MacroFlow<float>;
template MacroFlow<double> build_macro_flow<double>(const FlowSpec&, uint64_t);
template MacroFlow<float> build_macro_flow<float>(const FlowSpec&, uint64_t);

}  // namespace macrodyn::macronet
