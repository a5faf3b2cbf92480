#include "learn/closure/closure_bench.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>

#include "core/log.hpp"
#include "core/rng.hpp"
#include "learn/closure/closure_autoencoder.hpp"
#include "learn/closure/latent_models.hpp"
#include "learn/closure/latent_training.hpp"
#include "nn/adam.hpp"
#include "nn/parameter_init.hpp"

namespace macrodyn::closure {
namespace {

using Clock = std::chrono::steady_clock;

double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return 1e3 * t.tv_sec + 1e-6 * t.tv_nsec;
}

// Median wall ms per call of `step` over `steps` calls after 2 warm-ups (CPU median logged).
double median_ms(const std::string& name, long steps, const std::function<void()>& step) {
  std::vector<double> wall, cpu;
  for (long s = 0; s < steps + 2; ++s) {
    const auto t0 = Clock::now();
    const double c0 = cpu_ms();
    step();
    Kokkos::fence();
    if (s >= 2) {
      wall.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      cpu.push_back(cpu_ms() - c0);
    }
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  log::info("closure bench ", name, ": median ", wall[wall.size() / 2], " ms wall, ", cpu[cpu.size() / 2],
            " ms process CPU per step (min wall ", wall.front(), ")");
  return wall[wall.size() / 2];
}

double autoencoder_step(const std::string& system, size_t N, size_t d, size_t hidden, size_t batch, long steps) {
  AutoencoderSpec spec;
  spec.system = system;
  spec.state_dim = N;
  spec.latent_dim = d;
  spec.hidden = {hidden, hidden};
  ClosureAutoencoder ae(spec);
  Tensor x("bench_x", N, batch);
  nn::fill_uniform(x, 5, 0, 0.2, 0.8);
  nn::Adam<float> adam(ae.parameters().parameters(), 1e-4, 0.9, 0.95, 1e-8, 1e-4);
  return median_ms("ae " + system + " N=" + std::to_string(N), steps, [&] {
    adam.zero_grad();
    ae.batch_loss(x, static_cast<double>(batch), 1e-6);
    adam.step();
  });
}

// L_x,p forms of n samples from random d x N Jacobians (rows of I drawn uniformly).
LatentTargets random_targets(size_t n, size_t d, size_t N, size_t m) {
  LatentTargets t;
  t.d = d;
  const CounterRng rng(9, N);
  std::vector<double> J(d * N), f(m);
  std::vector<int64_t> idx(m);
  std::vector<float> z(d);
  for (size_t s = 0; s < n; ++s) {
    for (size_t e = 0; e < J.size(); ++e) J[e] = rng.uniform(e, static_cast<uint32_t>(s)) - 0.5;
    for (size_t q = 0; q < m; ++q) {
      idx[q] = static_cast<int64_t>(rng.below(N, q, static_cast<uint32_t>(s), 1));
      f[q] = rng.uniform(q, static_cast<uint32_t>(s), 2) - 0.5;
    }
    for (size_t i = 0; i < d; ++i) z[i] = static_cast<float>(rng.uniform(i, static_cast<uint32_t>(s), 3));
    add_sample(t, LatentLoss::Lxp, z.data(), J.data(), N, f.data(), idx.data(), m);
  }
  return t;
}

double latent_step(size_t n, size_t N, long steps, const std::string& kind = "mlp") {
  const size_t d = 4, batch = 256;
  const LatentTargets t = random_targets(n, d, N, 20);
  LatentNormalization norm;
  norm.z_mean.assign(d, 0.0), norm.z_std.assign(d, 1.0), norm.dz_mean.assign(d, 0.0), norm.dz_std.assign(d, 1.0);
  LatentModelSpec spec;
  spec.kind = kind;
  spec.dim = d;
  if (kind == "onsager") spec.hidden = {32, 64};
  auto model = make_latent_model(spec);
  nn::Adam<float> adam(model->parameters(), 5e-3, 0.9, 0.999, 1e-8, 0.0, false, true);
  LatentBatchBuffers buf;
  std::vector<int64_t> ids(batch);
  long k = 0;
  return median_ms("latent " + kind + " N=" + std::to_string(N), steps, [&] {
    for (size_t b = 0; b < batch; ++b) ids[b] = static_cast<int64_t>((k * batch + b * 7919) % n);
    ++k;
    adam.zero_grad();
    latent_batch_loss(*model, t, norm, ids, 1.0 / batch, true, buf);
    adam.step();
  });
}

class ClosureBench : public Stage {
 public:
  explicit ClosureBench(const ConfigTable& t) {
    steps_ = t.get_int("steps", 20, Range::at_least(1));
    for (long long n : t.get_ints("latent_state_dims", {}, Range::at_least(4))) dims_.push_back(static_cast<size_t>(n));
  }
  void run(RunContext&) override {
    print_bench("closure", "ae_predator_prey_ms_per_step", autoencoder_step("predator_prey", 100, 4, 32, 256, steps_),
                "ms");
    print_bench("closure", "ae_allen_cahn_ms_per_step",
                autoencoder_step("state_mean", 40000, 16, 64, 32, std::max(3L, steps_ / 4)), "ms");
    print_bench("closure", "latent_ms_per_step", latent_step(15000, 100, steps_ * 10), "ms");
    print_bench("closure", "latent_onsager_ms_per_step", latent_step(15000, 100, steps_ * 5, "onsager"), "ms");
    for (size_t N : dims_)
      print_bench("closure", "latent_ms_per_step_N" + std::to_string(N), latent_step(256, N, steps_ * 10), "ms");
  }

 private:
  long steps_ = 20;
  std::vector<size_t> dims_;
};

}  // namespace

std::unique_ptr<Stage> make_closure_bench(const ConfigTable& table) { return std::make_unique<ClosureBench>(table); }

}  // namespace macrodyn::closure
