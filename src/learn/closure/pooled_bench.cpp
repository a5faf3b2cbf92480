#include "learn/closure/pooled_bench.hpp"

#include <sys/resource.h>

#include <chrono>
#include <ctime>

#include "core/log.hpp"
#include "core/rng.hpp"
#include "core/runtime.hpp"
#include "learn/closure/latent_models.hpp"
#include "learn/closure/latent_training.hpp"
#include "learn/closure/pooled_training.hpp"

namespace macrodyn::closure {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Process CPU seconds (this rank's work; ranks sharing cores still count only their own).
double cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double max_over_ranks(double x, MPI_Comm comm) {
  MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, MPI_MAX, comm);
  return x;
}

double peak_rss_mb(MPI_Comm comm) {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  double mb = static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux: kilobytes
  MPI_Allreduce(MPI_IN_PLACE, &mb, 1, MPI_DOUBLE, MPI_MAX, comm);
  return mb;
}

class PooledClosureBench : public Stage {
 public:
  explicit PooledClosureBench(const ConfigTable& t) {
    atoms_ = static_cast<size_t>(t.get_int("atoms", 10000, Range::at_least(2)));
    configs_ = static_cast<size_t>(t.get_int("configurations", 4, Range::at_least(1)));
    epochs_ = t.get_int("epochs", 2, Range::at_least(1));
    partial_ = static_cast<size_t>(t.get_int("partial_atoms", 50, Range::at_least(1)));
    spec_.latent_dim = static_cast<size_t>(t.get_int("latent_dim", 32, Range::at_least(2)));
    spec_.hidden.clear();
    for (long long h : t.get_ints("hidden", {64, 64}, Range::at_least(1))) spec_.hidden.push_back(static_cast<size_t>(h));
    spec_.chunk_atoms = static_cast<size_t>(t.get_int("chunk_atoms", 8192, Range::at_least(1)));
    lambda_ = t.get_double("lambda_cond", 1e-5, Range::non_negative());
    samples_ = static_cast<size_t>(t.get_int("latent_samples", 256, Range::at_least(1)));
    latent_epochs_ = t.get_int("latent_epochs", 20, Range::at_least(1));
  }

  void run(RunContext& ctx) override {
    const MPI_Comm comm = ctx.comm;
    spec_.atoms = atoms_;
    spec_.representation.lj_positions = "displacement";
    PooledAutoencoder ae(spec_, comm);
    const AtomSlice& slice = ae.encoder().slice();
    const size_t d = spec_.latent_dim, n = slice.count;
    // This rank's atoms of every configuration.
    std::vector<std::vector<float>> r(configs_, std::vector<float>(3 * n)), v = r;
    const CounterRng rng(1, 0x504f4f4cull);  // "POOL"
    for (size_t c = 0; c < configs_; ++c)
      for (size_t e = 0; e < 3 * n; ++e) {
        const uint64_t g = 3 * slice.first + e;
        r[c][e] = static_cast<float>(0.3 * rng.normal(g, static_cast<uint32_t>(c), 0));
        v[c][e] = static_cast<float>(rng.normal(g, static_cast<uint32_t>(c), 2));
      }
    const ConfigurationSource source = [&](const std::vector<int64_t>& ids) {
      std::vector<LocalConfiguration> out;
      for (int64_t s : ids) out.push_back({r[s].data(), v[s].data()});
      return out;
    };
    log::info("bench closure_pooled: ", atoms_, " atoms on ", comm_size(comm), " ranks (", n, " here), ", configs_,
              " configurations, d = ", d);

    AutoencoderTrainingOptions o;
    o.epochs = epochs_, o.batch_size = static_cast<long>(configs_), o.learning_rate = 1e-3, o.weight_decay = 0;
    o.lambda_cond = lambda_;
    const double cpu0 = cpu_s();
    const auto ae_result = train_pooled_autoencoder(comm, ae, configs_, source, o);
    const double ae_cpu = cpu_s() - cpu0;

    // L_x,p forms: reduced Gram matrix, partial-force atoms' columns (random atoms, random forces).
    auto t0 = Clock::now();
    const double cpu1 = cpu_s();
    LatentTargets targets;
    targets.d = d;
    const auto all = source([&] {
      std::vector<int64_t> ids(configs_);
      for (size_t s = 0; s < configs_; ++s) ids[s] = static_cast<int64_t>(s);
      return ids;
    }());
    const auto st = ae.encoder().statistics(all, true);
    std::vector<int64_t> ids(partial_);
    std::vector<double> f(6 * partial_);
    std::vector<float> z(d);
    for (size_t s = 0; s < configs_; ++s) {
      for (size_t j = 0; j < partial_; ++j) ids[j] = static_cast<int64_t>(rng.below(atoms_, j, static_cast<uint32_t>(s), 3));
      for (size_t q = 0; q < f.size(); ++q) f[q] = rng.normal(q, static_cast<uint32_t>(s), 4);
      for (size_t i = 0; i < d; ++i) z[i] = static_cast<float>(st.z[s * d + i]);
      add_sample_from_products(targets, LatentLoss::Lxp, z.data(),
                               partial_force_products(ae.encoder(), all[s], st.gram.data() + s * d * d, ids, f.data()));
    }
    const double precompute = since(t0), precompute_cpu = cpu_s() - cpu1;
    LatentTargets cycled;
    cycled.d = d;
    for (size_t s = 0; s < samples_; ++s) cycled.append(targets, s % configs_);
    LatentNormalization norm;
    norm.z_mean.assign(d, 0.0), norm.z_std.assign(d, 1.0), norm.dz_mean.assign(d, 0.0), norm.dz_std.assign(d, 1.0);
    LatentModelSpec ls;
    ls.kind = "mlp", ls.dim = d, ls.hidden = {128, 128};
    auto model = make_latent_model(ls);
    LatentTrainingOptions lo;
    lo.epochs = latent_epochs_;
    lo.progress_interval_s = 1e9;
    const auto lr = train_latent(comm, *model, cycled, norm, lo);

    const double mb = 1.0 / (1024.0 * 1024.0);
    print_bench("closure_pooled", "atoms", static_cast<double>(atoms_), "atoms");
    print_bench("closure_pooled", "ranks", comm_size(comm), "ranks");
    double epoch_s = 0;  // training epochs only (the setup pass over the data is in ae_total_s)
    for (double s : ae_result.epoch_seconds) epoch_s += s / static_cast<double>(ae_result.epoch_seconds.size());
    print_bench("closure_pooled", "ae_epoch_s", epoch_s, "s");
    print_bench("closure_pooled", "ae_total_s", ae_result.seconds, "s");
    print_bench("closure_pooled", "ae_total_cpu_s_max_rank", max_over_ranks(ae_cpu, comm), "s");
    print_bench("closure_pooled", "latent_precompute_s", precompute, "s");
    print_bench("closure_pooled", "latent_precompute_cpu_s_max_rank", max_over_ranks(precompute_cpu, comm), "s");
    print_bench("closure_pooled", "latent_epoch_ms", 1e3 * lr.seconds / static_cast<double>(latent_epochs_), "ms");
    print_bench("closure_pooled", "peak_rss_mb", peak_rss_mb(comm), "MB");
    print_bench("closure_pooled", "states_mb_per_rank", 6.0 * n * configs_ * sizeof(float) * mb, "MB");
    print_bench("closure_pooled", "jacobian_mb_per_rank", ae.encoder().local_jacobian_bytes() * mb, "MB");
    print_bench("closure_pooled", "chunk_mb", ae.encoder().chunk_bytes() * mb, "MB");
    print_bench("closure_pooled", "model_kb", ae.parameter_bytes() / 1024.0, "kB");
    print_bench("closure_pooled", "dense_first_layer_mb",
                6.0 * atoms_ * (spec_.hidden.empty() ? d : spec_.hidden[0]) * sizeof(float) * mb, "MB");
    log::info("bench closure_pooled: autoencoder mse ", ae_result.reconstruction.back(), " cond ",
              ae_result.condition.back(), ", latent loss ", lr.loss.back());
  }

 private:
  size_t atoms_ = 10000, configs_ = 4, partial_ = 50, samples_ = 256;
  long epochs_ = 2, latent_epochs_ = 20;
  double lambda_ = 1e-5;
  PooledAutoencoderSpec spec_;
};

}  // namespace

std::unique_ptr<Stage> make_pooled_closure_bench(const ConfigTable& table) {
  return std::make_unique<PooledClosureBench>(table);
}

}  // namespace macrodyn::closure
