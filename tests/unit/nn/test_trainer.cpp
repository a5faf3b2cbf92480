// DataParallelTrainer bookkeeping on one rank: the epoch permutation, minibatch slicing, the LR
// schedule, and a stop signal that writes a checkpoint and ends training cleanly.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>

#include "core/signals.hpp"
#include "nn/dense.hpp"
#include "nn/sgd.hpp"
#include "nn/data_parallel_trainer.hpp"

using namespace macrodyn;
using namespace macrodyn::nn;

TEST_CASE("Trainer permutation, minibatches, LR schedule and stop signal", "[nn][trainer]") {
  Dense<double> model(2, 1, 3, 0);
  SGD<double> sgd(model.parameters(), 0.1);
  TrainerOptions opt;
  opt.n_samples = 10;
  opt.batch_size = 4;
  opt.epochs = 3;
  opt.seed = 5;
  opt.lr = {0.1, 2, 0.5};
  opt.progress_interval_s = 1e9;
  opt.stop_poll_every = 1;
  opt.checkpoint_path = "nn_trainer_stop_test.h5";
  DataParallelTrainer<double> trainer(MPI_COMM_SELF, model, sgd, opt);

  const auto p0 = trainer.global_permutation(0), p1 = trainer.global_permutation(1);
  auto sorted = p0;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 10; ++i) CHECK(sorted[static_cast<size_t>(i)] == i);
  CHECK(p0 != p1);                               // a new shuffle every epoch
  CHECK(p0 == trainer.global_permutation(0));    // ... that is a pure function of (seed, epoch)
  CHECK(trainer.batches_per_epoch() == 3);
  int64_t gsize = 0;
  const auto last = trainer.local_batch(p0, 2, &gsize);
  CHECK(gsize == 2);  // the last minibatch holds the remainder
  CHECK(last == std::vector<int64_t>(p0.begin() + 8, p0.end()));

  std::vector<double> weights;
  BatchLoss loss = [&](const std::vector<int64_t>& ids, double weight) {
    weights.push_back(weight);
    return weight * static_cast<double>(ids.size());
  };
  Timers timers;
  auto r = trainer.train(loss, 5, &timers);
  CHECK(r.steps == 5);
  CHECK(timers.calls("train_step") == 5);  // one timed scope per optimizer step
  CHECK(weights == std::vector<double>{0.25, 0.25, 0.5, 0.25, 0.25});
  CHECK(sgd.learning_rate() == Approx(0.025).epsilon(1e-15));  // step 4: 0.1 * 0.5^2
  CHECK(trainer.epoch() == 1);
  CHECK(trainer.batch_in_epoch() == 2);

  set_stop_requested(true);
  r = trainer.train(loss);
  set_stop_requested(false);
  CHECK(r.stopped);
  CHECK(r.steps == 6);
  CHECK(std::ifstream(opt.checkpoint_path).good());
  std::remove(opt.checkpoint_path.c_str());
}
