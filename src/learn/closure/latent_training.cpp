#include "learn/closure/latent_training.hpp"

#include <chrono>
#include <limits>
#include <optional>
#include <fstream>

#include "core/log.hpp"
#include "core/runtime.hpp"
#include "learn/closure/autoencoder_training.hpp"
#include "nn/adam.hpp"
#include "nn/data_parallel_trainer.hpp"

namespace macrodyn::closure {

namespace {

// Samples [lo, hi) of the targets on this rank.
LatentTargets local_targets(ClosureAutoencoder& ae, const ClosureData& data, LatentLoss loss, size_t lo, size_t hi) {
  const size_t d = ae.latent_dim(), N = data.state_dim, chunk = configurations_per_chunk(N * d, 256);
  const auto& norm = ae.normalization();
  LatentTargets t;
  t.d = d;
  Tensor x, J, z;
  std::vector<int64_t> ids;
  std::vector<double> rows(d * N);
  std::vector<float> zn(d);
  for (size_t s0 = lo; s0 < hi; s0 += chunk) {
    const size_t s1 = std::min(hi, s0 + chunk), B = s1 - s0;
    ids.resize(B);
    for (size_t s = s0; s < s1; ++s) ids[s - s0] = static_cast<int64_t>(s);
    gather_states(data, ids, x);
    ae.jacobian(x, J, &z);
    auto Jh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
    auto zh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), z);
    for (size_t b = 0; b < B; ++b) {
      const size_t s = s0 + b;
      for (size_t i = 0; i < d; ++i) {
        zn[i] = static_cast<float>((zh(i, b) - norm.z_mean[i]) / norm.z_std[i]);
        for (size_t k = 0; k < N; ++k) rows[i * N + k] = Jh(k, i * B + b);
      }
      if (loss == LatentLoss::Lxp)
        add_sample(t, loss, zn.data(), rows.data(), N, data.partial_value.data() + s * data.partial,
                   data.partial_index.data() + s * data.partial, data.partial);
      else
        add_sample(t, loss, zn.data(), rows.data(), N, data.forces.data() + s * N);
    }
  }
  return t;
}

}  // namespace

LatentTargets build_latent_targets(MPI_Comm comm, ClosureAutoencoder& ae, const ClosureData& data, LatentLoss loss) {
  if (ae.normalization().z_mean.size() != ae.latent_dim()) fail("closure: the autoencoder has no latent normalization");
  const int P = comm_size(comm), r = comm_rank(comm);
  const size_t n = data.configs, d = ae.latent_dim(), rec = d + d * d + d + 2;
  auto lo = [&](int q) { return n * static_cast<size_t>(q) / static_cast<size_t>(P); };
  const LatentTargets mine = local_targets(ae, data, loss, lo(r), lo(r + 1));
  std::vector<double> send(mine.size() * rec);
  for (size_t s = 0; s < mine.size(); ++s) {
    double* p = send.data() + s * rec;
    for (size_t i = 0; i < d; ++i) p[i] = mine.z[s * d + i];
    std::copy(mine.Q.begin() + s * d * d, mine.Q.begin() + (s + 1) * d * d, p + d);
    std::copy(mine.b.begin() + s * d, mine.b.begin() + (s + 1) * d, p + d + d * d);
    p[rec - 2] = mine.c[s];
    p[rec - 1] = mine.scale[s];
  }
  std::vector<int> counts(P), displs(P);
  for (int q = 0; q < P; ++q) {
    counts[q] = static_cast<int>((lo(q + 1) - lo(q)) * rec);
    displs[q] = static_cast<int>(lo(q) * rec);
  }
  std::vector<double> all(n * rec);
  MPI_Allgatherv(send.data(), counts[r], MPI_DOUBLE, all.data(), counts.data(), displs.data(), MPI_DOUBLE, comm);
  LatentTargets t;
  t.d = d;
  t.z.resize(n * d), t.Q.resize(n * d * d), t.b.resize(n * d), t.c.resize(n), t.scale.resize(n);
  for (size_t s = 0; s < n; ++s) {
    const double* p = all.data() + s * rec;
    for (size_t i = 0; i < d; ++i) t.z[s * d + i] = static_cast<float>(p[i]);
    std::copy(p + d, p + d + d * d, t.Q.begin() + s * d * d);
    std::copy(p + d + d * d, p + d + d * d + d, t.b.begin() + s * d);
    t.c[s] = p[rec - 2];
    t.scale[s] = p[rec - 1];
  }
  return t;
}

double latent_batch_loss(nn::Layer<float>& model, const LatentTargets& t, const LatentNormalization& norm,
                         const std::vector<int64_t>& ids, double weight, bool backprop, LatentBatchBuffers& buf) {
  Tensor &zin = buf.z, &gout = buf.g, &dg = buf.dg;
  const size_t d = t.d, B = ids.size();
  if (B == 0) return 0.0;
  nn::ensure_shape(zin, "latent_z", d, B);
  auto zh = Kokkos::create_mirror_view(zin);
  for (size_t b = 0; b < B; ++b)
    for (size_t i = 0; i < d; ++i) zh(i, b) = t.z[static_cast<size_t>(ids[b]) * d + i];
  Kokkos::deep_copy(zin, zh);
  model.forward(zin, gout, backprop);
  auto gh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gout);
  nn::ensure_shape(dg, "latent_dg", d, B);
  auto dgh = Kokkos::create_mirror_view(dg);
  std::vector<double> g(d), grad(d);
  double total = 0;
  for (size_t b = 0; b < B; ++b) {
    for (size_t i = 0; i < d; ++i) g[i] = gh(i, b) * norm.dz_std[i] + norm.dz_mean[i];
    total += weight * t.loss(static_cast<size_t>(ids[b]), g.data(), grad.data());
    for (size_t i = 0; i < d; ++i) dgh(i, b) = static_cast<float>(weight * grad[i] * norm.dz_std[i]);
  }
  if (backprop) {
    Kokkos::deep_copy(dg, dgh);
    model.backward_parameters(dg);
  }
  return total;
}

double latent_loss_value(nn::Layer<float>& model, const LatentTargets& t, const LatentNormalization& norm) {
  LatentBatchBuffers buf;
  std::vector<int64_t> ids;
  double total = 0;
  const size_t chunk = 4096;
  for (size_t s0 = 0; s0 < t.size(); s0 += chunk) {
    ids.clear();
    for (size_t s = s0; s < std::min(t.size(), s0 + chunk); ++s) ids.push_back(static_cast<int64_t>(s));
    total += latent_batch_loss(model, t, norm, ids, 1.0 / static_cast<double>(t.size()), false, buf);
  }
  return total;
}

LatentTrainingResult train_latent(MPI_Comm comm, nn::Layer<float>& model, const LatentTargets& t,
                                  const LatentNormalization& norm, const LatentTrainingOptions& o, Timers* timers,
                                  const LatentTargets* validation) {
  const auto t0 = std::chrono::steady_clock::now();
  LatentTrainingResult result;
  auto adam = std::make_unique<nn::Adam<float>>(model.parameters(), o.learning_rate, 0.9, 0.999, 1e-8,
                                                o.weight_decay, false, true);
  PlateauOptimizer<float> opt(std::move(adam), o.learning_rate, o.plateau);
  nn::TrainerOptions topt;
  topt.n_samples = static_cast<int64_t>(t.size());
  topt.batch_size = o.batch_size;
  topt.epochs = o.epochs;
  topt.seed = o.seed;
  topt.lr.lr0 = o.learning_rate;
  topt.checkpoint_path = o.checkpoint;
  topt.progress_interval_s = o.progress_interval_s;
  topt.stop_poll_every = 50;
  topt.label = "closure latent";
  topt.log_every_epochs = 0;  // logged below with the effective learning rate
  nn::DataParallelTrainer<float> trainer(comm, model, opt, topt);
  trainer.broadcast_parameters();
  if (!o.checkpoint.empty() && std::ifstream(o.checkpoint).good()) {
    trainer.load_checkpoint(o.checkpoint);
    log::info("closure latent: resumed from ", o.checkpoint, " at epoch ", trainer.epoch());
  }
  LatentBatchBuffers buf;
  const nn::BatchLoss loss = [&](const std::vector<int64_t>& ids, double weight) {
    return latent_batch_loss(model, t, norm, ids, weight, true, buf);
  };
  const int64_t nb = trainer.batches_per_epoch();
  std::optional<Timers::Scope> scope;
  if (timers) scope.emplace(*timers, "closure_latent");
  // Best parameters on the validation targets (every rank holds the same model and targets).
  std::vector<Tensor> best;
  double best_loss = std::numeric_limits<double>::infinity();
  while (trainer.epoch() < o.epochs) {
    const auto r = trainer.train(loss, (trainer.epoch() + 1) * nb);
    if (r.stopped) {
      result.stopped = true;
      break;
    }
    result.loss.push_back(r.last_epoch_loss);
    result.learning_rate.push_back(opt.effective_learning_rate());
    opt.end_epoch(r.last_epoch_loss);
    if (validation) {
      result.validation_loss.push_back(latent_loss_value(model, *validation, norm));
      if (result.validation_loss.back() < best_loss) {
        best_loss = result.validation_loss.back();
        result.best_epoch = trainer.epoch();
        best.clear();
        for (auto& p : model.parameters()) {
          best.emplace_back(Kokkos::view_alloc(Kokkos::WithoutInitializing, "latent_best"), p.value.extent(0),
                            p.value.extent(1));
          Kokkos::deep_copy(best.back(), p.value);
        }
      }
    }
    if (trainer.epoch() % std::max<long>(1, o.epochs / 10) == 0 || trainer.epoch() == o.epochs)
      log::info("closure latent: epoch ", trainer.epoch(), "/", o.epochs, "  loss ", r.last_epoch_loss, "  lr ",
                result.learning_rate.back());
  }
  if (!result.stopped && !best.empty()) {
    auto params = model.parameters();
    for (size_t i = 0; i < params.size(); ++i) Kokkos::deep_copy(params[i].value, best[i]);
    log::info("closure latent: validation loss lowest at epoch ", result.best_epoch, " (", best_loss,
              "): those parameters kept");
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace macrodyn::closure
