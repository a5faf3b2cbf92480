// design stage, method = "macronet". See the header.
#include "learn/macronet/macronet_design_stage.hpp"

#include <algorithm>
#include <cmath>

#include "core/log.hpp"
#include "core/rng.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "learn/macronet/macronet_model_file.hpp"
#include "learn/macronet/pair_dataset.hpp"
#include "sim/linear_ode/matrix_exponential_2x2.hpp"

namespace macrodyn::macronet {
namespace {

constexpr uint64_t kRandomDesignStream = 0xDE5;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0.0 : (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]));
}

// Trajectories (points x 2 per column) of dx/dt = M x from x0 for the matrices in m (4 per column).
template <class T>
void linear_ode_trajectories(const std::vector<double>& m, const std::vector<double>& x0, const std::vector<double>& t,
                             nn::Tensor<T>& v) {
  const size_t n = m.size() / 4, P = t.size();
  nn::ensure_shape(v, "macronet_design_v", 2 * P, n);
  auto h = Kokkos::create_mirror_view(v);
  for (size_t c = 0; c < n; ++c)
    for (size_t j = 0; j < P; ++j) {
      double e[4];
      linear_ode::expm_2x2(&m[4 * c], t[j], e);
      h(2 * j, c) = static_cast<T>(e[0] * x0[2 * c] + e[1] * x0[2 * c + 1]);
      h(2 * j + 1, c) = static_cast<T>(e[2] * x0[2 * c] + e[3] * x0[2 * c + 1]);
    }
  Kokkos::deep_copy(v, h);
}

template <class T>
std::vector<double> host_values(const nn::Tensor<T>& t) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), t);
  std::vector<double> v(t.extent(0) * t.extent(1));
  for (size_t b = 0; b < t.extent(1); ++b)
    for (size_t i = 0; i < t.extent(0); ++i) v[i + t.extent(0) * b] = double(h(i, b));
  return v;
}

class MacroNetDesignStage : public Stage {
 public:
  explicit MacroNetDesignStage(const ConfigTable& t)
      : system_(t.get_string("system", "linear_ode", {"linear_ode"})),
        model_(t.get_string("model", "macronet.h5")),
        data_(t.get_string("data", "heldout.h5")),
        examples_(t.get_int("examples", 20, Range::at_least(1))),
        per_example_(t.get_int("samples_per_example", 64, Range::at_least(1))),
        temperature_(t.get_double("temperature", 1.0, Range::non_negative())),
        seed_(t.get_int("seed", 1, Range::at_least(0))),
        output_(t.get_string("output", "macronet_design.h5")) {}

  void run(RunContext& ctx) override {
    if (read_macronet_info(ctx.path(model_), ctx.comm).precision == "float")
      run_typed<float>(ctx);
    else
      run_typed<double>(ctx);
  }

 private:
  template <class T>
  void run_typed(RunContext& ctx) {
    // Replicated on every rank (small), so the result does not depend on the rank count.
    ModelFileInfo info;
    auto net = load_macronet<T>(ctx.path(model_), ctx.comm, &info);
    const auto V = read_samples(ctx.path(data_), "/trajectory", ctx.comm);
    const auto X0 = read_samples(ctx.path(data_), "/x0", ctx.comm);
    const auto times = read_column(ctx.path(data_), "/t", ctx.comm);
    if (info.u.in_dim != 4 || info.v.in_dim != V.d)
      fail(ctx.path(model_), ": model dims (", info.u.in_dim, ", ", info.v.in_dim,
           ") do not match linear_ode (4, ", V.d, ")");
    const size_t E = size_t(std::min<long>(examples_, V.n)), S = size_t(per_example_), D = size_t(info.u.keep);

    nn::Tensor<T> ve, be;
    gather_range(V, 0, long(E), ve);
    net->macrostate_v(ve, be);
    const auto beta_e = host_values(be);

    // Sampled designs: u = phi_u^-1(beta_e, z), simulated from the example's x0.
    nn::Tensor<T> targets("macronet_design_targets", D, E * S), u;
    {
      auto h = Kokkos::create_mirror_view(targets);
      for (size_t c = 0; c < E * S; ++c)
        for (size_t i = 0; i < D; ++i) h(i, c) = static_cast<T>(beta_e[i + D * (c / S)]);
      Kokkos::deep_copy(targets, h);
    }
    net->sample_u(targets, temperature_, 0, u);
    const auto m_design = host_values(u);
    std::vector<double> x0(2 * E * S), m_random(4 * E * S);
    const CounterRng rng(uint64_t(seed_), kRandomDesignStream);
    for (size_t c = 0; c < E * S; ++c) {
      x0[2 * c] = X0.at(long(c / S), 0);
      x0[2 * c + 1] = X0.at(long(c / S), 1);
      for (uint32_t k = 0; k < 4; ++k) m_random[4 * c + k] = rng.normal(c, 0, k);
    }
    const auto gen_beta = encode_designs(*net, m_design, x0, times);
    const auto rnd_beta = encode_designs(*net, m_random, x0, times);
    std::vector<double> dist(E * S), rdist(E * S);
    for (size_t c = 0; c < E * S; ++c) {
      double a = 0, b = 0;
      for (size_t i = 0; i < D; ++i) {
        const double e = beta_e[i + D * (c / S)];
        a += (gen_beta[i + D * c] - e) * (gen_beta[i + D * c] - e);
        b += (rnd_beta[i + D * c] - e) * (rnd_beta[i + D * c] - e);
      }
      dist[c] = std::sqrt(a);
      rdist[c] = std::sqrt(b);
    }
    const double md = median(dist), mr = median(rdist);
    log::info("macronet ", system_, " design_median_distance ", md);
    log::info("macronet ", system_, " random_median_distance ", mr);
    log::info("macronet ", system_, " design_ratio ", md / mr);

    auto f = io::H5File::create(ctx.path(output_), ctx.comm);
    io::write_provenance(f, ctx);
    f.write_replicated("/example_beta", {E, D}, beta_e.data());
    f.write_replicated("/sampled_u", {E, S, size_t(info.u.in_dim)}, m_design.data());
    f.write_replicated("/generated_beta", {E, S, D}, gen_beta.data());
    f.write_replicated("/random_beta", {E, S, D}, rnd_beta.data());
    f.write_replicated("/distance", {E, S}, dist.data());
    f.write_replicated("/random_distance", {E, S}, rdist.data());
    f.set_attr("/", "system", system_);
    f.set_attr("/", "design_median_distance", md);
    f.set_attr("/", "random_median_distance", mr);
    f.set_attr("/", "design_ratio", md / mr);
    f.commit();
  }

  template <class T>
  std::vector<double> encode_designs(MacroNet<T>& net, const std::vector<double>& m, const std::vector<double>& x0,
                                     const std::vector<double>& times) {
    nn::Tensor<T> v, beta;
    linear_ode_trajectories(m, x0, times, v);
    net.macrostate_v(v, beta);
    return host_values(beta);
  }

  std::string system_, model_, data_;
  long examples_, per_example_;
  double temperature_;
  long seed_;
  std::string output_;
};

}  // namespace

std::unique_ptr<Stage> make_macronet_design_stage(const ConfigTable& table) {
  return std::make_unique<MacroNetDesignStage>(table);
}

}  // namespace macrodyn::macronet
