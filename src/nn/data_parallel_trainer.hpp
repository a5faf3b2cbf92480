#pragma once
// Data-parallel training over MPI ranks.
//
// - The model's parameters and buffers are broadcast from rank 0 (broadcast_parameters()).
// - Epoch e visits the samples in a global permutation keyed by (seed, e) with CounterRng (sort by
//   uniform(i, e), ties by i): the same on every rank and for every rank count. Global minibatch k
//   is perm[k*M, min((k+1)*M, n)); rank r of P takes its contiguous slice [m r / P, m (r+1) / P).
// - The user's BatchLoss gets the rank's global sample ids and weight = 1 / (global batch size); it
//   returns sum_i weight * loss_i over its samples and ADDS the matching gradients (so the sum over
//   ranks is the gradient of the global-batch mean). Gradients (and the loss, as T) are summed with
//   one MPI_Allreduce per step, clipped
//   by global norm (optional), and every rank applies the identical optimizer step.
//   Result: the parameters after k steps agree for any rank count up to summation round-off.
//   (Layers whose forward couples samples, batch norm / ActNorm init, must use set_comm(comm).)
// - Progress lines (loss, rate, ETA) through Progress, one log line per epoch, Timers scopes
//   "train/step" when timers are given; stop_requested_collective() is polled every stop_poll_every
//   steps (a collective, so not every step): on a stop
//   signal a checkpoint is written (if a path is set) and train() returns with stopped = true.
// - Checkpoints (CheckpointWriter, kind "trainer"): parameters, buffers, optimizer tensors and
//   scalars, epoch / batch / step counters and the running epoch loss. load_checkpoint() into an
//   identically built model + optimizer continues bit-identically.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/timers.hpp"
#include "nn/optimizer.hpp"

namespace macrodyn::nn {

struct TrainerOptions {
  int64_t n_samples = 0;
  int64_t batch_size = 64;
  int64_t epochs = 1;
  uint64_t seed = 0;
  double clip_norm = 0.0;  // 0: no clipping
  StepLR lr;
  std::string checkpoint_path;   // empty: no checkpoints
  int64_t checkpoint_every = 0;  // steps; 0: only on stop / at the end
  double progress_interval_s = 10.0;
  int64_t stop_poll_every = 10;  // steps between (collective) stop-signal polls; 0: never
  std::string label = "train";
  int64_t log_every_epochs = 1;  // one log line per this many epochs (0: none)
};

struct TrainResult {
  int64_t steps = 0;            // global steps done in total
  double last_epoch_loss = 0;   // mean loss of the last completed epoch
  double last_step_loss = 0;
  bool stopped = false;         // a stop signal ended training early
};

using BatchLoss = std::function<double(const std::vector<int64_t>& local_ids, double weight)>;

template <class T>
class DataParallelTrainer {
 public:
  DataParallelTrainer(MPI_Comm comm, Layer<T>& model, Optimizer<T>& optimizer, TrainerOptions options);

  void broadcast_parameters();
  std::vector<int64_t> global_permutation(int64_t epoch) const;
  int64_t batches_per_epoch() const;
  // This rank's ids of global minibatch k of a permutation, and the global batch size.
  std::vector<int64_t> local_batch(const std::vector<int64_t>& perm, int64_t k, int64_t* global_size) const;

  // One step on a given local slice: zero grads, loss, allreduce, clip, update. Returns the global loss.
  double step(const BatchLoss& loss, const std::vector<int64_t>& local_ids, int64_t global_size);
  // Trains until `epochs` are done, `max_steps` total steps are reached (0: no limit) or a stop signal.
  TrainResult train(const BatchLoss& loss, int64_t max_steps = 0, Timers* timers = nullptr);

  void save_checkpoint(const std::string& path);
  void load_checkpoint(const std::string& path);

  int64_t epoch() const { return epoch_; }
  int64_t batch_in_epoch() const { return batch_; }
  int64_t global_step() const { return step_; }
  const TrainerOptions& options() const { return opt_; }

 private:
  double allreduce_grads(double local_loss);  // returns the global loss

  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  Layer<T>& model_;
  Optimizer<T>& optimizer_;
  TrainerOptions opt_;
  int64_t epoch_ = 0, batch_ = 0, step_ = 0;
  double epoch_loss_ = 0;
  std::vector<T> buffer_;
};

extern template class DataParallelTrainer<double>;
extern template class DataParallelTrainer<float>;

}  // namespace macrodyn::nn
