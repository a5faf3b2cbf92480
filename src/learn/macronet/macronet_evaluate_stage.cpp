// evaluate stage, method = "macronet". See the header.
#include "learn/macronet/macronet_evaluate_stage.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/log.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "learn/macronet/macronet_model_file.hpp"
#include "learn/macronet/pair_dataset.hpp"
#include "learn/macronet/rank_correlation.hpp"
#include "sim/oscillator/harmonic_oscillator.hpp"

namespace macrodyn::macronet {
namespace {

template <class T>
std::vector<double> host_values(const nn::Tensor<T>& t) {  // feature-major: v[i + rows * b]
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), t);
  std::vector<double> v(t.extent(0) * t.extent(1));
  for (size_t b = 0; b < t.extent(1); ++b)
    for (size_t i = 0; i < t.extent(0); ++i) v[i + t.extent(0) * b] = double(h(i, b));
  return v;
}

std::vector<double> row(const std::vector<double>& m, size_t rows, size_t i) {
  std::vector<double> r;
  for (size_t b = 0; b * rows + i < m.size(); ++b) r.push_back(m[i + rows * b]);
  return r;
}

double quantile(std::vector<double> x, double q) {
  std::sort(x.begin(), x.end());
  const double pos = q * double(x.size() - 1);
  const size_t lo = size_t(pos);
  const double f = pos - double(lo);
  return lo + 1 < x.size() ? x[lo] * (1 - f) + x[lo + 1] * f : x[lo];
}

class MacroNetEvaluateStage : public Stage {
 public:
  explicit MacroNetEvaluateStage(const ConfigTable& t)
      : model_(t.get_string("model", "macronet.h5")),
        data_(t.get_string("data", "heldout.h5")),
        pairs_(PairData::from_config(t)),
        samples_(t.get_int("samples", 0, Range::at_least(0))),
        observable_(t.get_string("observable", "")),
        system_(t.get_string("system", "pairs")),
        output_(t.get_string("output", "macronet_eval.h5")),
        targets_(t.get_int("targets", 5, Range::at_least(1))),
        per_target_(t.get_int("samples_per_target", 256, Range::at_least(2))),
        temperature_(t.get_double("temperature", 1.0, Range::non_negative())),
        project_(t.get_bool("project_samples", true)),
        grid_(t.get_int("grid", 0, Range::at_least(0))),
        grid_half_width_(t.get_double("grid_half_width", 1.5, Range::positive())) {}

  void run(RunContext& ctx) override {
    if (read_macronet_info(ctx.path(model_), ctx.comm).precision == "float")
      run_typed<float>(ctx);
    else
      run_typed<double>(ctx);
  }

 private:
  template <class T>
  void run_typed(RunContext& ctx) {
    // Every rank evaluates the same (replicated) data: the results do not depend on the rank count.
    ModelFileInfo info;
    auto net = load_macronet<T>(ctx.path(model_), ctx.comm, &info);
    SampleMatrix U, V;
    pairs_.load(ctx.path(data_), ctx.comm, U, V);
    const long n = samples_ > 0 ? std::min<long>(samples_, U.n) : U.n;
    const size_t D = size_t(info.u.keep), du = size_t(U.d);
    std::map<std::string, double> metrics;

    nn::Tensor<T> u, v, alpha_t, beta_t;
    gather_range(U, 0, n, u);
    gather_range(V, 0, n, v);
    net->macrostate_u(u, alpha_t);
    net->macrostate_v(v, beta_t);
    const auto alpha = host_values(alpha_t), beta = host_values(beta_t);
    double mse = 0;
    for (size_t k = 0; k < alpha.size(); ++k) mse += (alpha[k] - beta[k]) * (alpha[k] - beta[k]);
    metrics["prediction_mse"] = mse / double(n);
    for (size_t i = 0; i < D; ++i)
      metrics["r2_dim" + std::to_string(i)] = r_squared_linear(row(alpha, D, i), row(beta, D, i));

    std::vector<double> obs;
    if (!observable_.empty()) {
      obs = read_column(ctx.path(data_), observable_, ctx.comm);
      obs.resize(size_t(n));
      const std::string key = "spearman_" + observable_.substr(observable_.find_last_of('/') + 1);
      metrics[key] = std::fabs(spearman(row(alpha, D, 0), obs));
    }

    // Conditional sampling at K target macrostates.
    const size_t K = size_t(targets_), S = size_t(per_target_);
    std::vector<double> targets(K * D);
    for (size_t k = 0; k < K; ++k)
      for (size_t i = 0; i < D; ++i)
        targets[i + D * k] = D == 1 ? quantile(row(alpha, 1, 0), (double(k) + 0.5) / double(K))
                                    : beta[i + D * std::min<size_t>(k, size_t(n) - 1)];
    nn::Tensor<T> tb("macronet_targets", D, K * S), samples, back;
    {
      auto h = Kokkos::create_mirror_view(tb);
      for (size_t c = 0; c < K * S; ++c)
        for (size_t i = 0; i < D; ++i) h(i, c) = static_cast<T>(targets[i + D * (c / S)]);
      Kokkos::deep_copy(tb, h);
    }
    net->sample_u(tb, temperature_, 0, samples, project_);
    net->macrostate_u(samples, back);
    const auto sample_v = host_values(samples), back_v = host_values(back);
    double back_err = 0;
    for (size_t c = 0; c < K * S; ++c)
      for (size_t i = 0; i < D; ++i) back_err = std::max(back_err, std::fabs(back_v[i + D * c] - targets[i + D * (c / S)]));
    metrics["sample_macrostate_error"] = back_err;

    std::vector<double> sample_energy;
    if (system_ == "oscillator") {
      if (du != 2) fail(ctx.path(data_), ": oscillator samples must have 2 features, got ", du);
      sample_energy.resize(K * S);
      double worst = 0;
      for (size_t k = 0; k < K; ++k) {
        double s1 = 0, s2 = 0;
        for (size_t s = 0; s < S; ++s) {
          const size_t c = k * S + s;
          const double e = oscillator::sho_energy(sample_v[2 * c], sample_v[2 * c + 1]);
          sample_energy[c] = e;
          s1 += e;
          s2 += e * e;
        }
        const double mean = s1 / double(S), var = std::max(0.0, s2 / double(S) - mean * mean);
        const double spread = std::sqrt(var) / std::fabs(mean);
        log::info("macronet ", system_, ": target ", k, " macrostate ", targets[D * k], " sample energy mean ", mean,
                  " std/mean ", spread);
        worst = std::max(worst, spread);
      }
      metrics["sample_energy_rel_spread_max"] = worst;
    }

    std::vector<double> grid_field, axis;
    if (grid_ > 0 && du == 2) {
      const size_t G = size_t(grid_);
      for (size_t a = 0; a < G; ++a) axis.push_back(-grid_half_width_ + 2 * grid_half_width_ * double(a) / double(G - 1));
      nn::Tensor<T> pts("macronet_grid", 2, G * G), gb;
      auto h = Kokkos::create_mirror_view(pts);
      for (size_t a = 0; a < G; ++a)  // row a: p = axis[a]; column b: x = axis[b]
        for (size_t b = 0; b < G; ++b) {
          h(0, a * G + b) = static_cast<T>(axis[b]);
          h(1, a * G + b) = static_cast<T>(axis[a]);
        }
      Kokkos::deep_copy(pts, h);
      net->macrostate_u(pts, gb);
      grid_field = row(host_values(gb), D, 0);
    }

    for (const auto& [name, value] : metrics) log::info("macronet ", system_, " ", name, " ", value);
    write(ctx, n, D, du, K, S, alpha, beta, obs, targets, sample_v, back_v, sample_energy, axis, grid_field, metrics);
  }

  void write(const RunContext& ctx, long n, size_t D, size_t du, size_t K, size_t S, const std::vector<double>& alpha,
             const std::vector<double>& beta, const std::vector<double>& obs, const std::vector<double>& targets,
             const std::vector<double>& samples, const std::vector<double>& back, const std::vector<double>& energy,
             const std::vector<double>& axis, const std::vector<double>& grid,
             const std::map<std::string, double>& metrics) const {
    auto f = io::H5File::create(ctx.path(output_), ctx.comm);
    io::write_provenance(f, ctx);
    const hsize_t N = hsize_t(n);
    f.write_replicated("/alpha", {N, D}, alpha.data());
    f.write_replicated("/beta", {N, D}, beta.data());
    if (!obs.empty()) f.write_replicated("/observable", {N}, obs.data());
    f.write_replicated("/targets", {K, D}, targets.data());
    f.write_replicated("/samples", {K, S, du}, samples.data());
    f.write_replicated("/sample_macrostates", {K, S, D}, back.data());
    if (!energy.empty()) f.write_replicated("/sample_energy", {K, S}, energy.data());
    if (!grid.empty()) {
      f.write_replicated("/grid_axis", {axis.size()}, axis.data());
      f.write_replicated("/grid_macrostate", {axis.size(), axis.size()}, grid.data());
    }
    f.set_attr("/", "system", system_);
    f.set_attr("/", "model", model_);
    for (const auto& [name, value] : metrics) f.set_attr("/", name, value);
    f.commit();
  }

  std::string model_, data_;
  PairData pairs_;
  long samples_;
  std::string observable_, system_, output_;
  long targets_, per_target_;
  double temperature_;
  bool project_;
  long grid_;
  double grid_half_width_;
};

}  // namespace

std::unique_ptr<Stage> make_macronet_evaluate_stage(const ConfigTable& table) {
  return std::make_unique<MacroNetEvaluateStage>(table);
}

}  // namespace macrodyn::macronet
