#include "learn/closure/pooled_training.hpp"

#include <chrono>
#include <cmath>
#include <optional>

#include "core/log.hpp"
#include "core/runtime.hpp"
#include "learn/closure/reduced_latent_targets.hpp"
#include "nn/adam.hpp"
#include "nn/data_parallel_trainer.hpp"
#include "nn/symmetric_eigen.hpp"

namespace macrodyn::closure {

namespace {
constexpr size_t kConfigBlock = 64;  // configurations per collective pass when encoding a data set

std::vector<int64_t> range_ids(size_t lo, size_t hi) {
  std::vector<int64_t> ids;
  for (size_t s = lo; s < hi; ++s) ids.push_back(static_cast<int64_t>(s));
  return ids;
}

void require_atoms(const ClosureData& data, const PooledAutoencoder& ae) {
  if (data.system != "lj" || data.state_dim != 6 * ae.spec().atoms)
    fail(data.path, ": the pooled autoencoder takes LJ states of ", ae.spec().atoms, " atoms (", data.system, ", ",
         data.state_dim, " values)");
}
}  // namespace

std::vector<LocalConfiguration> local_configurations(const ClosureData& data, const AtomSlice& slice,
                                                     const std::vector<int64_t>& ids) {
  std::vector<LocalConfiguration> out;
  for (int64_t s : ids) {
    const float* x = data.state(static_cast<size_t>(s));
    out.push_back({x + 3 * slice.first, x + 3 * slice.atoms + 3 * slice.first});
  }
  return out;
}

AutoencoderTrainingResult train_pooled_autoencoder(MPI_Comm comm, PooledAutoencoder& ae, const ClosureData& data,
                                                   const AutoencoderTrainingOptions& o, Timers* timers) {
  require_atoms(data, ae);
  const auto& slice = ae.encoder().slice();
  return train_pooled_autoencoder(
      comm, ae, data.configs, [&](const std::vector<int64_t>& ids) { return local_configurations(data, slice, ids); }, o,
      timers);
}

AutoencoderTrainingResult train_pooled_autoencoder(MPI_Comm comm, PooledAutoencoder& ae, size_t configs,
                                                   const ConfigurationSource& source,
                                                   const AutoencoderTrainingOptions& o, Timers* timers) {
  const auto t0 = std::chrono::steady_clock::now();
  {  // standardise the reconstructed moments over the training data
    const size_t M = PooledAutoencoder::kMoments;
    std::vector<double> mean(M, 0.0), sq(M, 0.0);
    for (size_t s0 = 0; s0 < configs; s0 += kConfigBlock) {
      const auto y = ae.moments(source(range_ids(s0, std::min(configs, s0 + kConfigBlock))));
      for (size_t e = 0; e < y.size(); ++e) mean[e % M] += y[e], sq[e % M] += y[e] * y[e];
    }
    const double n = static_cast<double>(configs);
    for (size_t i = 0; i < M; ++i) {
      mean[i] /= n;
      const double var = sq[i] / n - mean[i] * mean[i];
      sq[i] = var > 1e-30 ? std::sqrt(var) : 1.0;
    }
    ae.set_moment_scaling(mean, sq);
  }
  {  // decoder input scaling from the initial encoder
    const size_t d = ae.latent_dim();
    std::vector<double> mean(d, 0.0), sq(d, 0.0);
    for (size_t s0 = 0; s0 < configs; s0 += kConfigBlock) {
      const auto st = ae.encoder().statistics(source(range_ids(s0, std::min(configs, s0 + kConfigBlock))), false);
      for (size_t e = 0; e < st.z.size(); ++e) mean[e % d] += st.z[e], sq[e % d] += st.z[e] * st.z[e];
    }
    const double n = static_cast<double>(configs);
    for (size_t i = 0; i < d; ++i) {
      mean[i] /= n;
      const double var = sq[i] / n - mean[i] * mean[i];
      sq[i] = var > 1e-12 * mean[i] * mean[i] && var > 1e-30 ? std::sqrt(var) : 1.0;
    }
    ae.set_decoder_input_scaling(mean, sq);
  }
  AutoencoderTrainingResult result;
  nn::Adam<float> adam(ae.parameters().parameters(), o.learning_rate, o.beta1, o.beta2, 1e-8, o.weight_decay);
  nn::TrainerOptions topt;
  topt.n_samples = static_cast<int64_t>(configs);
  topt.batch_size = o.batch_size;
  topt.epochs = o.epochs;
  topt.seed = o.seed;
  topt.lr.lr0 = o.learning_rate;
  topt.label = "pooled autoencoder";
  nn::DataParallelTrainer<float> trainer(comm, ae.parameters(), adam, topt);
  trainer.broadcast_parameters();
  const bool root = comm_rank(comm) == 0;
  double sums[2] = {0, 0};
  const nn::BatchLoss loss = [&](const std::vector<int64_t>& ids, double weight) {
    const auto parts = ae.batch_loss(source(ids), 1.0 / weight, o.lambda_cond);
    sums[0] += parts.reconstruction / weight;
    sums[1] += parts.condition / weight;
    return root ? parts.reconstruction + o.lambda_cond * parts.condition : 0.0;  // summed over ranks
  };
  std::optional<Timers::Scope> scope;
  if (timers) scope.emplace(*timers, "closure_pooled_autoencoder");
  const int64_t nb = trainer.batches_per_epoch(), n = static_cast<int64_t>(configs);
  for (long e = 0; e < o.epochs; ++e) {
    const auto te = std::chrono::steady_clock::now();
    sums[0] = sums[1] = 0;
    const auto perm = trainer.global_permutation(e);
    for (int64_t k = 0; k < nb; ++k) {
      const int64_t lo = k * o.batch_size, hi = std::min(n, lo + o.batch_size);
      trainer.step(loss, std::vector<int64_t>(perm.begin() + lo, perm.begin() + hi), hi - lo);
    }
    result.reconstruction.push_back(sums[0] / static_cast<double>(n));
    result.condition.push_back(sums[1] / static_cast<double>(n));
    result.epoch_seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - te).count());
    log::info("pooled autoencoder: epoch ", e + 1, " mse ", result.reconstruction.back(), " cond ",
              result.condition.back());
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

std::vector<float> encode_all_pooled(PooledAutoencoder& ae, const ClosureData& data) {
  require_atoms(data, ae);
  const size_t d = ae.latent_dim();
  std::vector<float> z(data.configs * d);
  for (size_t s0 = 0; s0 < data.configs; s0 += kConfigBlock) {
    const size_t s1 = std::min(data.configs, s0 + kConfigBlock);
    const auto st = ae.encoder().statistics(local_configurations(data, ae.encoder().slice(), range_ids(s0, s1)), false);
    for (size_t e = 0; e < st.z.size(); ++e) z[s0 * d + e] = static_cast<float>(st.z[e]);
  }
  return z;
}

std::vector<double> pooled_condition_numbers(PooledAutoencoder& ae, const ClosureData& data, size_t count) {
  count = std::min(count, data.configs);
  const size_t d = ae.latent_dim();
  std::vector<double> kappa;
  for (size_t s0 = 0; s0 < count; s0 += kConfigBlock) {
    const size_t s1 = std::min(count, s0 + kConfigBlock);
    const auto st = ae.encoder().statistics(local_configurations(data, ae.encoder().slice(), range_ids(s0, s1)), true);
    for (size_t b = 0; b < s1 - s0; ++b) {
      const auto e = nn::symmetric_eigen(std::vector<double>(st.gram.begin() + b * d * d, st.gram.begin() + (b + 1) * d * d), d);
      kappa.push_back(e.values.back() / e.values.front());
    }
  }
  return kappa;
}

JacobianProducts partial_force_products(PooledEncoderT<float>& encoder, const LocalConfiguration& config,
                                        const double* gram, const std::vector<int64_t>& atoms, const double* f) {
  const size_t d = encoder.latent_dim(), m = 6 * atoms.size();
  const auto J = encoder.jacobian_columns(config, atoms);  // d x m
  JacobianProducts p;
  p.gram.assign(gram, gram + d * d);
  p.partial.assign(d * d, 0.0), p.jf.assign(d, 0.0);
  for (size_t i = 0; i < d; ++i) {
    for (size_t q = 0; q < m; ++q) p.jf[i] += J[i * m + q] * f[q];
    for (size_t j = 0; j < d; ++j)
      for (size_t q = 0; q < m; ++q) p.partial[i * d + j] += J[i * m + q] * J[j * m + q];
  }
  for (size_t q = 0; q < m; ++q) p.ff += f[q] * f[q];
  p.count = static_cast<double>(m);
  return p;
}

LatentTargets build_pooled_latent_targets(PooledAutoencoder& ae, const ClosureData& data, LatentLoss loss) {
  require_atoms(data, ae);
  const auto& norm = ae.normalization();
  const size_t d = ae.latent_dim(), A = ae.spec().atoms;
  if (norm.z_mean.size() != d) fail("closure: the pooled autoencoder has no latent normalization");
  const auto& slice = ae.encoder().slice();
  LatentTargets t;
  t.d = d;
  std::vector<float> zn(d);
  std::vector<std::vector<double>> forces;  // this rank's atoms, atom-major (L_z, L_x)
  for (size_t s0 = 0; s0 < data.configs; s0 += kConfigBlock) {
    const size_t s1 = std::min(data.configs, s0 + kConfigBlock);
    const auto configs = local_configurations(data, slice, range_ids(s0, s1));
    const auto st = ae.encoder().statistics(configs, loss != LatentLoss::Lz);
    std::vector<double> jf;
    if (loss != LatentLoss::Lxp) {
      forces.assign(s1 - s0, std::vector<double>(6 * slice.count));
      std::vector<const double*> ptr;
      for (size_t s = s0; s < s1; ++s) {
        const double* f = data.forces.data() + s * data.state_dim;
        auto& fl = forces[s - s0];
        for (size_t a = 0; a < slice.count; ++a)
          for (size_t k = 0; k < 3; ++k)
            fl[6 * a + k] = f[3 * (slice.first + a) + k], fl[6 * a + 3 + k] = f[3 * A + 3 * (slice.first + a) + k];
        ptr.push_back(fl.data());
      }
      jf = ae.encoder().jacobian_times(configs, ptr);
    }
    for (size_t s = s0; s < s1; ++s) {
      const size_t b = s - s0;
      for (size_t i = 0; i < d; ++i) zn[i] = static_cast<float>((st.z[b * d + i] - norm.z_mean[i]) / norm.z_std[i]);
      JacobianProducts p;
      if (loss == LatentLoss::Lxp) {
        const size_t m = data.partial;
        std::vector<int64_t> ids(m / 6);
        for (size_t j = 0; j < m / 6; ++j) ids[j] = data.partial_index[s * m + 6 * j] / 3;
        p = partial_force_products(ae.encoder(), configs[b], st.gram.data() + b * d * d, ids,
                                   data.partial_value.data() + s * m);
      } else {
        if (loss == LatentLoss::Lx) p.gram.assign(st.gram.begin() + b * d * d, st.gram.begin() + (b + 1) * d * d);
        p.jf.assign(jf.begin() + b * d, jf.begin() + (b + 1) * d);
        const double* f = data.forces.data() + s * data.state_dim;
        for (size_t k = 0; k < data.state_dim; ++k) p.ff += f[k] * f[k];
        p.count = static_cast<double>(data.state_dim);
      }
      add_sample_from_products(t, loss, zn.data(), p);
    }
  }
  return t;
}

}  // namespace macrodyn::closure
