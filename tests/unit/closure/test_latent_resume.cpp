// Latent training stopped by a signal writes a checkpoint (model, AdamW moments, plateau state,
// counters); training again from it ends with exactly the parameters of an uninterrupted run.
#include <catch2/catch.hpp>

#include <fstream>

#include "core/rng.hpp"
#include "core/signals.hpp"
#include "learn/closure/latent_models.hpp"
#include "learn/closure/latent_training.hpp"
#include "nn/gradient_check.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

namespace {

LatentTargets toy_targets(size_t n) {
  LatentTargets t;
  t.d = 2;
  const CounterRng rng(4, 4);
  for (size_t s = 0; s < n; ++s) {
    const float z[2] = {float(rng.uniform(s, 0)), float(rng.uniform(s, 1))};
    const double J[2 * 3] = {1.0, 0.2, -0.1, 0.0, 0.9, 0.3};
    const double f[3] = {z[1] - 0.5, -z[0], 0.1 * z[0] * z[1]};
    add_sample(t, LatentLoss::Lx, z, J, 3, f);
  }
  return t;
}

std::vector<double> train(const LatentTargets& t, const std::string& checkpoint, bool interrupt, size_t* epochs_run) {
  LatentNormalization norm;
  norm.z_mean = {0.5, 0.5}, norm.z_std = {0.3, 0.3}, norm.dz_mean = {0, 0}, norm.dz_std = {1, 1};
  LatentModelSpec spec;
  spec.dim = 2;
  spec.hidden = {8, 8};
  LatentTrainingOptions o;
  o.epochs = 12;
  o.batch_size = 16;
  o.plateau.patience = 1;
  o.checkpoint = checkpoint;
  o.progress_interval_s = 1e9;
  auto model = make_latent_model(spec);
  if (interrupt) {
    set_stop_requested(true);
    const auto r = train_latent(MPI_COMM_SELF, *model, t, norm, o);
    set_stop_requested(false);
    REQUIRE(r.stopped);
    REQUIRE(std::ifstream(checkpoint).good());
    spec.seed = 99;  // a different initialisation: the resumed run must take everything from the checkpoint
    model = make_latent_model(spec);  // a fresh process: everything comes from the checkpoint
  }
  const auto r = train_latent(MPI_COMM_SELF, *model, t, norm, o);
  REQUIRE_FALSE(r.stopped);
  *epochs_run = r.loss.size();
  std::vector<double> all;
  for (auto& p : model->parameters()) {
    const auto v = nn::gradcheck::to_vector(p.value);
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

}  // namespace

TEST_CASE("latent training resumes bit-identically from its checkpoint", "[closure]") {
  const auto t = toy_targets(300);  // 19 steps per epoch: the stop poll (every 50 steps) falls mid-epoch
  const test::ScratchDir dir("closure_resume");
  const std::string ckpt = dir.path() + "/latent.ckpt";
  size_t full = 0, rest = 0;
  const auto reference = train(t, "", false, &full);
  const auto resumed = train(t, ckpt, true, &rest);
  CHECK(full == 12);
  CHECK(rest == 10);  // stopped at step 50, in epoch 3: epochs 3..12 run after the resume
  REQUIRE(reference.size() == resumed.size());
  CHECK(reference == resumed);
}
