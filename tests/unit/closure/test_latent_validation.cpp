// Early stopping of latent training on held-out targets: the loss on them is recorded every epoch and
// the model ends with the parameters of the epoch where it was lowest (not those of the last epoch).
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/rng.hpp"
#include "learn/closure/latent_models.hpp"
#include "learn/closure/latent_training.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

namespace {

// L_x targets of a smooth 2-D field; `noise` > 0 adds a per-sample perturbation of the forces that a
// model can memorise (training) but that does not carry over (validation has none).
LatentTargets field_targets(size_t n, uint64_t seed, double noise) {
  LatentTargets t;
  t.d = 2;
  const CounterRng rng(seed, 4);
  for (size_t s = 0; s < n; ++s) {
    const float z[2] = {float(rng.uniform(s, 0)), float(rng.uniform(s, 1))};
    const double J[2 * 3] = {1.0, 0.2, -0.1, 0.0, 0.9, 0.3};
    const double f[3] = {z[1] - 0.5 + noise * (rng.uniform(s, 2) - 0.5), -z[0] + noise * (rng.uniform(s, 3) - 0.5),
                         0.1 * z[0] * z[1]};
    add_sample(t, LatentLoss::Lx, z, J, 3, f);
  }
  return t;
}

}  // namespace

TEST_CASE("latent training keeps the parameters of its best validation epoch", "[closure]") {
  const auto train = field_targets(64, 1, 2.0), held_out = field_targets(200, 2, 0.0);
  LatentNormalization norm;
  norm.z_mean = {0.5, 0.5}, norm.z_std = {0.3, 0.3}, norm.dz_mean = {0, 0}, norm.dz_std = {1, 1};
  LatentModelSpec spec;
  spec.dim = 2;
  spec.hidden = {32, 32};
  LatentTrainingOptions o;
  o.epochs = 60;
  o.batch_size = 16;
  o.learning_rate = 1e-2;
  o.progress_interval_s = 1e9;

  auto model = make_latent_model(spec);
  const auto r = train_latent(MPI_COMM_SELF, *model, train, norm, o, nullptr, &held_out);
  REQUIRE(r.validation_loss.size() == 60);
  const auto best = std::min_element(r.validation_loss.begin(), r.validation_loss.end());
  CHECK(r.best_epoch == 1 + (best - r.validation_loss.begin()));
  // The kept model is the best epoch's: its held-out loss is the minimum of the curve, bit for bit.
  CHECK(latent_loss_value(*model, held_out, norm) == *best);
  // With noisy training targets the curve turns up again, so the best is not simply the last epoch.
  CHECK(r.best_epoch < 60);
  CHECK(r.validation_loss.back() > *best);

  auto plain = make_latent_model(spec);
  const auto q = train_latent(MPI_COMM_SELF, *plain, train, norm, o);
  CHECK(q.validation_loss.empty());
  CHECK(q.best_epoch == 0);
  CHECK(latent_loss_value(*plain, held_out, norm) == r.validation_loss.back());  // same run, last epoch kept
}
