// design stage, method = "macronet". See the header.
#include "learn/macronet/macronet_design_stage.hpp"

#include <algorithm>
#include <cmath>

#include "core/log.hpp"
#include "core/rng.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "learn/macronet/design_simulators.hpp"
#include "learn/macronet/macronet_model_file.hpp"
#include "learn/macronet/pair_dataset.hpp"

namespace macrodyn::macronet {
namespace {

constexpr uint64_t kRandomDesignStream = 0xDE5;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0.0 : (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]));
}

template <class T>
std::vector<double> host_values(const nn::Tensor<T>& t) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), t);
  std::vector<double> v(t.extent(0) * t.extent(1));
  for (size_t b = 0; b < t.extent(1); ++b)
    for (size_t i = 0; i < t.extent(0); ++i) v[i + t.extent(0) * b] = double(h(i, b));
  return v;
}

template <class T>
nn::Tensor<T> to_tensor(const std::vector<double>& v, size_t rows) {
  nn::Tensor<T> t("macronet_design", rows, v.size() / rows);
  auto h = Kokkos::create_mirror_view(t);
  for (size_t b = 0; b < t.extent(1); ++b)
    for (size_t i = 0; i < rows; ++i) h(i, b) = static_cast<T>(v[i + rows * b]);
  Kokkos::deep_copy(t, h);
  return t;
}

class MacroNetDesignStage : public Stage {
 public:
  explicit MacroNetDesignStage(const ConfigTable& t)
      : system_(t.get_string("system", "linear_ode", {"linear_ode", "gray_scott"})),
        model_(t.get_string("model", "macronet.h5")),
        data_(t.get_string("data", "heldout.h5")),
        examples_(t.get_int("examples", 20, Range::at_least(1))),
        per_example_(t.get_int("samples_per_example", 64, Range::at_least(1))),
        temperature_(t.get_double("temperature", 1.0, Range::non_negative())),
        project_(t.get_bool("project_samples", true)),
        seed_(t.get_int("seed", 1, Range::at_least(0))),
        output_(t.get_string("output", "macronet_design.h5")),
        keep_patterns_(t.get_int("keep_patterns", 8, Range::at_least(0))),
        v_scale_(t.get_string("v_scale", "linear", {"linear", "asinh"})) {
    const auto f = t.get_ints("u_features", {}, Range::at_least(0));
    u_features_.assign(f.begin(), f.end());
    const char* names[4] = {"Da", "Db", "F", "k"};
    const double lo[4] = {0.16, 0.02, 0.01, 0.04}, hi[4] = {0.16, 0.04, 0.08, 0.07};
    for (int q = 0; q < 4; ++q) {
      const auto r = t.get_doubles(names[q], {lo[q], hi[q]}, Range::non_negative());
      if (r.size() != 2 || r[0] > r[1]) t.fail_at(names[q], "expected a range [lo, hi] with lo <= hi");
      lo_[q] = r[0];
      hi_[q] = r[1];
    }
  }

  void run(RunContext& ctx) override {
    if (read_macronet_info(ctx.path(model_), ctx.comm).precision == "float")
      run_typed<float>(ctx);
    else
      run_typed<double>(ctx);
  }

 private:
  template <class T>
  void run_typed(RunContext& ctx) {
    // Encodings and sampling are replicated on every rank (small); Gray-Scott simulations are
    // spread over the ranks. Nothing depends on the rank count.
    ModelFileInfo info;
    auto net = load_macronet<T>(ctx.path(model_), ctx.comm, &info);
    const bool ode = system_ == "linear_ode";
    SampleMatrix V = read_samples(ctx.path(data_), ode ? "/trajectory" : "/patterns", ctx.comm);
    if (!ode) V = gray_scott_channels(V);
    apply_scale(V.values, v_scale_);
    const SampleMatrix X = read_samples(ctx.path(data_), ode ? "/x0" : "/parameters", ctx.comm);
    if (info.v.in_dim != V.d) fail(ctx.path(model_), ": phi_v takes ", info.v.in_dim, " features, data ", V.d);
    const size_t E = size_t(std::min<long>(examples_, V.n)), S = size_t(per_example_), D = size_t(info.u.keep);
    const size_t du = size_t(info.u.in_dim), dv = size_t(V.d);

    nn::Tensor<T> ve, be;
    gather_range(V, 0, long(E), ve);
    net->macrostate_v(ve, be);
    const auto beta_e = host_values(be);
    std::vector<double> targets(D * E * S);
    for (size_t c = 0; c < E * S; ++c)
      for (size_t i = 0; i < D; ++i) targets[i + D * c] = beta_e[i + D * (c / S)];
    nn::Tensor<T> u;
    net->sample_u(to_tensor<T>(targets, D), temperature_, 0, u, project_);
    const auto sampled = host_values(u);

    const CounterRng rng(uint64_t(seed_), kRandomDesignStream);
    std::vector<double> gen_v, rnd_v, designed(4 * E * S), random_u(4 * E * S);
    if (ode) {
      if (du != 4) fail(ctx.path(model_), ": linear_ode designs need phi_u on the 4 entries of M, got ", du);
      std::vector<double> x0(2 * E * S);
      for (size_t c = 0; c < E * S; ++c) {
        x0[2 * c] = X.at(long(c / S), 0);
        x0[2 * c + 1] = X.at(long(c / S), 1);
        for (uint32_t k = 0; k < 4; ++k) random_u[4 * c + k] = rng.normal(c, 0, k);
      }
      designed = sampled;
      const auto times = read_column(ctx.path(data_), "/t", ctx.comm);
      gen_v = linear_ode_trajectories(designed, x0, times);
      rnd_v = linear_ode_trajectories(random_u, x0, times);
    } else {
      const std::vector<long> feats = u_features_.empty() ? std::vector<long>{0, 1, 2, 3} : u_features_;
      if (feats.size() != du) fail("u_features: ", feats.size(), " features but phi_u takes ", du);
      for (size_t c = 0; c < E * S; ++c)
        for (int q = 0; q < 4; ++q) {
          designed[4 * c + q] = X.at(long(c / S), q);
          random_u[4 * c + q] = lo_[q] + (hi_[q] - lo_[q]) * rng.uniform(c, 0, uint32_t(q));
        }
      for (size_t c = 0; c < E * S; ++c)
        for (size_t i = 0; i < du; ++i) {
          const long q = feats[i];
          designed[4 * c + q] = std::min(hi_[q], std::max(lo_[q], sampled[i + du * c]));
        }
      auto f = io::H5File::open_read(ctx.path(data_), ctx.comm);
      GrayScottSetup setup;
      setup.n = f.attr_int("/", "n");
      setup.steps = f.attr_int("/", "steps");
      setup.dt = f.attr_double("/", "dt");
      setup.seed = uint64_t(seed_);
      log::info("macronet design: simulating ", 2 * E * S, " Gray-Scott patterns (", setup.n, "^2, ", setup.steps,
                " steps)");
      gen_v = gray_scott_patterns(designed, setup, 1u << 30, ctx.comm);
      rnd_v = gray_scott_patterns(random_u, setup, (1u << 30) + E * S, ctx.comm);
    }
    apply_scale(gen_v, v_scale_);
    apply_scale(rnd_v, v_scale_);
    nn::Tensor<T> gb, rb;
    net->macrostate_v(to_tensor<T>(gen_v, dv), gb);
    net->macrostate_v(to_tensor<T>(rnd_v, dv), rb);
    const auto gen_beta = host_values(gb), rnd_beta = host_values(rb);
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
    f.write_replicated("/sampled_u", {E, S, du}, sampled.data());
    f.write_replicated("/generated_beta", {E, S, D}, gen_beta.data());
    f.write_replicated("/random_beta", {E, S, D}, rnd_beta.data());
    f.write_replicated("/distance", {E, S}, dist.data());
    f.write_replicated("/random_distance", {E, S}, rdist.data());
    if (!ode) {
      const size_t n = size_t(std::sqrt(double(dv / 3))), K = std::min(S, size_t(keep_patterns_));
      std::vector<double> kept;
      for (size_t e = 0; e < E; ++e)
        for (size_t k = 0; k < K; ++k) kept.insert(kept.end(), &gen_v[dv * (e * S + k)], &gen_v[dv * (e * S + k)] + dv);
      f.write_replicated("/example_patterns", {E, 3, n, n}, &V.values[0]);
      if (K > 0) f.write_replicated("/generated_patterns", {E, K, 3, n, n}, kept.data());
      f.write_replicated("/designed_parameters", {E, S, 4}, designed.data());
      f.write_replicated("/example_parameters", {E, 4}, &X.values[0]);
    }
    f.set_attr("/", "system", system_);
    f.set_attr("/", "design_median_distance", md);
    f.set_attr("/", "random_median_distance", mr);
    f.set_attr("/", "design_ratio", md / mr);
    f.commit();
  }

  std::string system_, model_, data_;
  long examples_, per_example_;
  double temperature_;
  bool project_;
  long seed_;
  std::string output_;
  long keep_patterns_;
  std::string v_scale_;
  std::vector<long> u_features_;
  double lo_[4], hi_[4];
};

}  // namespace

std::unique_ptr<Stage> make_macronet_design_stage(const ConfigTable& table) {
  return std::make_unique<MacroNetDesignStage>(table);
}

}  // namespace macrodyn::macronet
