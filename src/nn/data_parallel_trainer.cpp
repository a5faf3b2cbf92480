// Data-parallel trainer: permutation, minibatch split, gradient allreduce, checkpoints. See the header.
#include "nn/data_parallel_trainer.hpp"

#include <algorithm>
#include <numeric>

#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/rng.hpp"
#include "core/signals.hpp"
#include "io/checkpoint.hpp"

namespace macrodyn::nn {

namespace {

template <class T>
MPI_Datatype mpi_type();
template <>
MPI_Datatype mpi_type<double>() {
  return MPI_DOUBLE;
}
template <>
MPI_Datatype mpi_type<float>() {
  return MPI_FLOAT;
}

// Copies a tensor to / from a flat host range in its memory order (LayoutLeft, contiguous).
template <class T>
void pack(const Tensor<T>& t, T* dst) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), t);
  std::copy(h.data(), h.data() + t.size(), dst);
}
template <class T>
void unpack(const T* src, const Tensor<T>& t) {
  auto h = Kokkos::create_mirror_view(t);
  std::copy(src, src + t.size(), h.data());
  Kokkos::deep_copy(t, h);
}

}  // namespace

template <class T>
DataParallelTrainer<T>::DataParallelTrainer(MPI_Comm comm, Layer<T>& model, Optimizer<T>& optimizer,
                                            TrainerOptions options)
    : comm_(comm), model_(model), optimizer_(optimizer), opt_(std::move(options)) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  if (opt_.n_samples <= 0) fail("trainer: n_samples must be positive");
  if (opt_.batch_size <= 0) fail("trainer: batch_size must be positive");
}

template <class T>
void DataParallelTrainer<T>::broadcast_parameters() {
  auto send = [&](std::vector<Parameter<T>> list) {
    for (auto& p : list) {
      buffer_.resize(p.value.size());
      pack(p.value, buffer_.data());
      MPI_Bcast(buffer_.data(), static_cast<int>(buffer_.size()), mpi_type<T>(), 0, comm_);
      unpack(buffer_.data(), p.value);
    }
  };
  send(model_.parameters());
  send(model_.buffers());
}

template <class T>
std::vector<int64_t> DataParallelTrainer<T>::global_permutation(int64_t epoch) const {
  const CounterRng rng(opt_.seed, 0x5348554646ull);  // stream "SHUFF"
  std::vector<std::pair<double, int64_t>> keys(static_cast<size_t>(opt_.n_samples));
  for (int64_t i = 0; i < opt_.n_samples; ++i)
    keys[static_cast<size_t>(i)] = {rng.uniform(static_cast<uint64_t>(i), static_cast<uint32_t>(epoch)), i};
  std::sort(keys.begin(), keys.end());
  std::vector<int64_t> perm(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) perm[i] = keys[i].second;
  return perm;
}

template <class T>
int64_t DataParallelTrainer<T>::batches_per_epoch() const {
  return (opt_.n_samples + opt_.batch_size - 1) / opt_.batch_size;
}

template <class T>
std::vector<int64_t> DataParallelTrainer<T>::local_batch(const std::vector<int64_t>& perm, int64_t k,
                                                         int64_t* global_size) const {
  const int64_t start = k * opt_.batch_size;
  const int64_t m = std::min(opt_.batch_size, static_cast<int64_t>(perm.size()) - start);
  if (m <= 0) fail("trainer: minibatch ", k, " is past the end of the epoch");
  const int64_t lo = m * rank_ / size_, hi = m * (rank_ + 1) / size_;
  if (global_size) *global_size = m;
  return std::vector<int64_t>(perm.begin() + start + lo, perm.begin() + start + hi);
}

template <class T>
double DataParallelTrainer<T>::allreduce_grads(double local_loss) {
  // One Allreduce per step: all gradients and the loss (as T) in one buffer.
  auto& params = optimizer_.params();
  size_t total = 0;
  for (auto& p : params) total += p.grad.size();
  buffer_.resize(total + 1);
  size_t off = 0;
  for (auto& p : params) {
    pack(p.grad, buffer_.data() + off);
    off += p.grad.size();
  }
  buffer_[total] = static_cast<T>(local_loss);
  if (size_ == 1) return local_loss;
  MPI_Allreduce(MPI_IN_PLACE, buffer_.data(), static_cast<int>(total + 1), mpi_type<T>(), MPI_SUM, comm_);
  off = 0;
  for (auto& p : params) {
    unpack(buffer_.data() + off, p.grad);
    off += p.grad.size();
  }
  return static_cast<double>(buffer_[total]);
}

template <class T>
double DataParallelTrainer<T>::step(const BatchLoss& loss, const std::vector<int64_t>& local_ids, int64_t global_size) {
  optimizer_.zero_grad();
  const double local = loss(local_ids, 1.0 / static_cast<double>(global_size));
  const double global = allreduce_grads(local);
  if (opt_.clip_norm > 0) clip_grad_norm(optimizer_.params(), opt_.clip_norm);
  optimizer_.set_learning_rate(opt_.lr.at(optimizer_.steps()));
  optimizer_.step();
  return global;
}

template <class T>
TrainResult DataParallelTrainer<T>::train(const BatchLoss& loss, int64_t max_steps, Timers* timers) {
  TrainResult result;
  const int64_t nb = batches_per_epoch();
  Progress progress(opt_.label, opt_.epochs * nb, opt_.progress_interval_s);
  while (epoch_ < opt_.epochs) {
    const auto perm = global_permutation(epoch_);
    while (batch_ < nb) {
      if (max_steps > 0 && step_ >= max_steps) {
        result.steps = step_;
        return result;
      }
      int64_t gsize = 0;
      const auto ids = local_batch(perm, batch_, &gsize);
      double l;
      if (timers) {
        auto scope = timers->scope("train_step");
        l = step(loss, ids, gsize);
      } else {
        l = step(loss, ids, gsize);
      }
      epoch_loss_ += l * static_cast<double>(gsize);
      result.last_step_loss = l;
      ++batch_;
      ++step_;
      progress.update(epoch_ * nb + batch_);
      if (!opt_.checkpoint_path.empty() && opt_.checkpoint_every > 0 && step_ % opt_.checkpoint_every == 0)
        save_checkpoint(opt_.checkpoint_path);
      const bool poll = opt_.stop_poll_every > 0 && step_ % opt_.stop_poll_every == 0;
      if (poll && stop_requested_collective(comm_)) {
        if (!opt_.checkpoint_path.empty()) save_checkpoint(opt_.checkpoint_path);
        log::info(opt_.label, ": stop requested at step ", step_, ", checkpoint written");
        result.steps = step_;
        result.stopped = true;
        return result;
      }
    }
    result.last_epoch_loss = epoch_loss_ / static_cast<double>(opt_.n_samples);
    if (opt_.log_every_epochs > 0 && (epoch_ + 1) % opt_.log_every_epochs == 0)
      log::info(opt_.label, ": epoch ", epoch_ + 1, "/", opt_.epochs, "  loss ", result.last_epoch_loss, "  lr ",
                optimizer_.learning_rate());
    epoch_loss_ = 0;
    batch_ = 0;
    ++epoch_;
  }
  progress.finish();
  if (!opt_.checkpoint_path.empty()) save_checkpoint(opt_.checkpoint_path);
  result.steps = step_;
  return result;
}

template <class T>
void DataParallelTrainer<T>::save_checkpoint(const std::string& path) {
  io::CheckpointWriter w(path, comm_, "trainer");
  auto write_list = [&](const std::string& prefix, std::vector<Parameter<T>> list) {
    w.counter(prefix + "_count", list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      std::vector<T> data(list[i].value.size());
      pack(list[i].value, data.data());
      w.replicated_array(prefix + "_" + std::to_string(i), {list[i].value.extent(1), list[i].value.extent(0)},
                         data.data());
    }
  };
  write_list("param", model_.parameters());
  write_list("buffer", model_.buffers());
  write_list("optimizer", optimizer_.state_tensors());
  w.text("optimizer_kind", optimizer_.kind());
  for (const auto& kv : optimizer_.state_scalars()) w.scalar("optimizer_" + kv.first, kv.second);
  w.counter("epoch", static_cast<uint64_t>(epoch_));
  w.counter("batch", static_cast<uint64_t>(batch_));
  w.counter("step", static_cast<uint64_t>(step_));
  w.scalar("epoch_loss_sum", epoch_loss_);
  w.commit();
}

template <class T>
void DataParallelTrainer<T>::load_checkpoint(const std::string& path) {
  io::CheckpointReader r(path, comm_, "trainer");
  auto read_list = [&](const std::string& prefix, std::vector<Parameter<T>> list) {
    if (r.counter(prefix + "_count") != list.size())
      fail(path, ": checkpoint has ", r.counter(prefix + "_count"), " ", prefix, " tensors, the model has ",
           list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      const auto data = r.replicated_array<T>(prefix + "_" + std::to_string(i));
      if (data.size() != list[i].value.size())
        fail(path, ": ", prefix, "_", i, " (", list[i].name, ") has ", data.size(), " values, expected ",
             list[i].value.size());
      unpack(data.data(), list[i].value);
    }
  };
  if (r.text("optimizer_kind") != optimizer_.kind())
    fail(path, ": checkpoint optimizer '", r.text("optimizer_kind"), "' but training uses '", optimizer_.kind(), "'");
  read_list("param", model_.parameters());
  read_list("buffer", model_.buffers());
  read_list("optimizer", optimizer_.state_tensors());
  std::map<std::string, double> scalars;
  for (const auto& kv : optimizer_.state_scalars()) scalars[kv.first] = r.scalar("optimizer_" + kv.first);
  optimizer_.set_state_scalars(scalars);
  epoch_ = static_cast<int64_t>(r.counter("epoch"));
  batch_ = static_cast<int64_t>(r.counter("batch"));
  step_ = static_cast<int64_t>(r.counter("step"));
  epoch_loss_ = r.scalar("epoch_loss_sum");
}

template class DataParallelTrainer<double>;
template class DataParallelTrainer<float>;

}  // namespace macrodyn::nn
