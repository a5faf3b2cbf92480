#include "learn/closure/autoencoder_training.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <optional>
#include <cmath>
#include <fstream>

#include "core/log.hpp"
#include "io/provenance.hpp"
#include "nn/adam.hpp"
#include "nn/data_parallel_trainer.hpp"
#include "nn/gemm.hpp"
#include "nn/jacobian.hpp"
#include "nn/symmetric_eigen.hpp"

namespace macrodyn::closure {

void gather_states(const ClosureData& data, const std::vector<int64_t>& ids, Tensor& x) {
  const size_t N = data.state_dim, B = ids.size();
  nn::ensure_shape(x, "closure_x", N, B);
  auto xh = Kokkos::create_mirror_view(x);
  for (size_t b = 0; b < B; ++b) {
    const float* s = data.state(static_cast<size_t>(ids[b]));
    for (size_t k = 0; k < N; ++k) xh(k, b) = s[k];
  }
  Kokkos::deep_copy(x, xh);
}

AutoencoderTrainingResult train_autoencoder(MPI_Comm comm, ClosureAutoencoder& ae, const ClosureData& data,
                                            const AutoencoderTrainingOptions& o, Timers* timers) {
  const auto t0 = std::chrono::steady_clock::now();
  AutoencoderTrainingResult result;
  auto& model = ae.parameters();
  nn::Adam<float> adam(model.parameters(), o.learning_rate, o.beta1, o.beta2, 1e-8, o.weight_decay);
  if (o.input_learning_rate > 0 && o.input_learning_rate != o.learning_rate)
    adam.set_learning_rate_scale("encoder.0.weight", o.input_learning_rate / o.learning_rate);
  nn::TrainerOptions topt;
  topt.n_samples = static_cast<int64_t>(data.configs);
  topt.batch_size = o.batch_size;
  topt.epochs = o.epochs;
  topt.seed = o.seed;
  topt.lr.lr0 = o.learning_rate;
  topt.checkpoint_path = o.checkpoint;
  topt.progress_interval_s = o.progress_interval_s;
  topt.label = "closure autoencoder";
  topt.log_every_epochs = 0;  // logged below with both loss terms
  nn::DataParallelTrainer<float> trainer(comm, model, adam, topt);
  trainer.broadcast_parameters();
  if (!o.checkpoint.empty() && std::ifstream(o.checkpoint).good()) {
    trainer.load_checkpoint(o.checkpoint);
    log::info("closure autoencoder: resumed from ", o.checkpoint, " at epoch ", trainer.epoch());
  }
  Tensor x;
  double sums[2] = {0, 0};
  const nn::BatchLoss loss = [&](const std::vector<int64_t>& ids, double weight) {
    gather_states(data, ids, x);
    const auto parts = ae.batch_loss(x, 1.0 / weight, o.lambda_cond);
    sums[0] += parts.reconstruction / weight;
    sums[1] += parts.condition / weight;
    return parts.reconstruction + o.lambda_cond * parts.condition;
  };
  const int64_t nb = trainer.batches_per_epoch();
  std::optional<Timers::Scope> scope;
  if (timers) scope.emplace(*timers, "closure_autoencoder");
  while (trainer.epoch() < o.epochs) {
    sums[0] = sums[1] = 0;
    const auto r = trainer.train(loss, (trainer.epoch() + 1) * nb);
    if (r.stopped) {
      result.stopped = true;
      break;
    }
    MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm);
    result.reconstruction.push_back(sums[0] / static_cast<double>(data.configs));
    result.condition.push_back(sums[1] / static_cast<double>(data.configs));
    log::info("closure autoencoder: epoch ", trainer.epoch(), " mse ", result.reconstruction.back(), " cond ",
              result.condition.back());
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

size_t configurations_per_chunk(size_t values_per_config, size_t cap) {
  const size_t budget = size_t(1) << 26;
  return std::max<size_t>(1, std::min(cap, budget / std::max<size_t>(1, values_per_config)));
}

std::vector<float> encode_all(ClosureAutoencoder& ae, const ClosureData& data) {
  const size_t d = ae.latent_dim(), chunk = configurations_per_chunk(data.state_dim, 4096);
  std::vector<float> z(data.configs * d);
  Tensor x, zt;
  std::vector<int64_t> ids;
  for (size_t s0 = 0; s0 < data.configs; s0 += chunk) {
    const size_t s1 = std::min(data.configs, s0 + chunk);
    ids.resize(s1 - s0);
    for (size_t s = s0; s < s1; ++s) ids[s - s0] = static_cast<int64_t>(s);
    gather_states(data, ids, x);
    ae.encode(x, zt);
    auto zh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), zt);
    for (size_t s = s0; s < s1; ++s)
      for (size_t i = 0; i < d; ++i) z[s * d + i] = zh(i, s - s0);
  }
  return z;
}

void set_latent_normalization(ClosureAutoencoder& ae, const ClosureData& data) {
  latent_normalization_of(encode_all(ae, data), ae.latent_dim(), data, ae.normalization());
}

void latent_normalization_of(const std::vector<float>& z, size_t d, const ClosureData& data, LatentNormalization& norm) {
  auto stats = [d](const std::vector<double>& v, std::vector<double>& mean, std::vector<double>& sd) {
    const size_t n = v.size() / d;
    mean.assign(d, 0.0), sd.assign(d, 0.0);
    for (size_t s = 0; s < n; ++s)
      for (size_t i = 0; i < d; ++i) mean[i] += v[s * d + i] / static_cast<double>(n);
    for (size_t s = 0; s < n; ++s)
      for (size_t i = 0; i < d; ++i) sd[i] += std::pow(v[s * d + i] - mean[i], 2) / static_cast<double>(n - 1);
    for (auto& x : sd) x = std::sqrt(x) > 0 ? std::sqrt(x) : 1.0;
  };
  stats(std::vector<double>(z.begin(), z.end()), norm.z_mean, norm.z_std);
  std::vector<double> dz;
  for (size_t k = 0; k < data.trajectories(); ++k) {
    if (!data.whole(k)) continue;
    const size_t s0 = data.trajectory_start[k];
    for (size_t t = 0; t + 1 < data.length(k); ++t)
      for (size_t i = 0; i < d; ++i)
        dz.push_back((z[(s0 + t + 1) * d + i] - z[(s0 + t) * d + i]) / data.snapshot_dt);
  }
  if (dz.size() < 2 * d) fail("closure: latent normalization needs at least one whole trajectory of >= 3 snapshots");
  stats(dz, norm.dz_mean, norm.dz_std);
}

std::vector<double> condition_numbers(ClosureAutoencoder& ae, const ClosureData& data, size_t count,
                                      size_t chunk_cap) {
  count = std::min(count, data.configs);
  const size_t d = ae.condition_dim(), N = data.state_dim;
  const size_t chunk = configurations_per_chunk(N * d, std::min(count, chunk_cap));
  std::vector<double> kappa(count), M, A(d * d);
  std::vector<int64_t> ids;
  Tensor x;
  for (size_t s0 = 0; s0 < count; s0 += chunk) {
    const size_t B = std::min(count, s0 + chunk) - s0;
    ids.resize(B);
    for (size_t b = 0; b < B; ++b) ids[b] = static_cast<int64_t>(s0 + b);
    gather_states(data, ids, x);
    ae.condition_gram(x, M);  // J_b J_b^T (the condition term's rows) in double
    for (size_t b = 0; b < B; ++b) {
      std::copy(M.begin() + b * d * d, M.begin() + (b + 1) * d * d, A.begin());
      const auto e = nn::symmetric_eigen(A, d);
      kappa[s0 + b] = e.values.back() / e.values.front();
    }
  }
  return kappa;
}

double write_autoencoder_file(const std::string& path, const RunContext& ctx,
                              const std::function<void(io::H5File&, const std::string&)>& save_model,
                              const AutoencoderTrainingResult& r, const std::vector<double>& kappa,
                              const std::string& encoder, const ClosureData& data, double lambda_cond) {
  auto file = io::H5File::create(path, ctx.comm);
  io::write_provenance(file, ctx);
  save_model(file, "/autoencoder");
  file.write_replicated("/loss/reconstruction", {r.reconstruction.size()}, r.reconstruction.data());
  file.write_replicated("/loss/condition", {r.condition.size()}, r.condition.data());
  file.write_replicated("/kappa", {kappa.size()}, kappa.data());
  file.set_attr("/", "method", std::string("closure"));
  file.set_attr("/", "phase", std::string("autoencoder"));
  file.set_attr("/", "encoder", encoder);
  file.set_attr("/", "data", data.path);
  file.set_attr("/", "configurations", static_cast<int64_t>(data.configs));
  file.set_attr("/", "lambda_cond", lambda_cond);
  file.set_attr("/", "time_s", r.seconds);
  file.commit();
  return kappa.empty() ? 0.0 : std::accumulate(kappa.begin(), kappa.end(), 0.0) / static_cast<double>(kappa.size());
}

}  // namespace macrodyn::closure
