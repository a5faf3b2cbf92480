// realnvp8 benchmark: one training step of a RealNVP flow, timed. See the header.
#include "nn/realnvp_bench.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include "nn/adam.hpp"
#include "nn/data_parallel_trainer.hpp"
#include "nn/flow.hpp"
#include "nn/flow_nll.hpp"
#include "nn/parameter_init.hpp"
#include "nn/realnvp_coupling.hpp"
#include "nn/sequential.hpp"

namespace macrodyn::nn {

namespace {

template <class T>
std::unique_ptr<Flow<T>> build_flow(const RealNVPBenchOptions& o) {
  auto flow = std::make_unique<Flow<T>>();
  for (int k = 0; k < o.blocks; ++k) {
    auto mask = CouplingMask::halves(static_cast<size_t>(o.dim), k % 2);
    auto net = make_mlp<T>({mask.n_pass(), size_t(o.hidden), size_t(o.hidden), 2 * mask.n_act()}, "relu",
                           o.seed * 1000 + static_cast<uint64_t>(k));
    flow->add(std::make_shared<RealNVPCoupling<T>>(mask, net));
  }
  return flow;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

template <class T>
std::vector<double> single_rank(const RealNVPBenchOptions& o) {
  auto flow = build_flow<T>(o);
  Adam<T> adam(flow->parameters(), 1e-4);
  Tensor<T> x("bench_x", static_cast<size_t>(o.dim), static_cast<size_t>(o.batch)), z, dz, dc, dx;
  fill_normal(x, o.seed, 99);
  std::vector<double> times;
  for (int s = 0; s < o.warmup + o.steps; ++s) {
    const auto t0 = std::chrono::steady_clock::now();
    adam.zero_grad();
    flow->forward(x, z, true);
    flow_nll(z, flow->log_det(), 1.0 / o.batch, dz, dc);
    flow->backward_flow(dz, dc, dx);
    adam.step();
    Kokkos::fence();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (s >= o.warmup) times.push_back(ms);
  }
  return times;
}

template <class T>
std::vector<double> data_parallel(const RealNVPBenchOptions& o, MPI_Comm comm) {
  auto flow = build_flow<T>(o);
  Adam<T> adam(flow->parameters(), 1e-4);
  const int64_t n = int64_t(o.batch) * (o.warmup + o.steps);
  TrainerOptions topt;
  topt.n_samples = n;
  topt.batch_size = o.batch;
  topt.epochs = 1;
  topt.seed = o.seed;
  topt.lr = {1e-4, 0, 1.0};
  DataParallelTrainer<T> trainer(comm, *flow, adam, topt);
  trainer.broadcast_parameters();
  Tensor<T> x, z, dz, dc, dx;
  const CounterRng rng(o.seed, 98);
  const int dim = o.dim;
  BatchLoss loss = [&](const std::vector<int64_t>& ids, double weight) {
    ensure_shape(x, "bench_x", size_t(dim), ids.size());
    auto h = Kokkos::create_mirror_view(x);
    for (size_t b = 0; b < ids.size(); ++b)
      for (int i = 0; i < dim; ++i) h(i, b) = static_cast<T>(rng.normal(uint64_t(ids[b]), 0, uint32_t(i)));
    Kokkos::deep_copy(x, h);
    flow->forward(x, z, true);
    const double l = flow_nll(z, flow->log_det(), weight, dz, dc);
    flow->backward_flow(dz, dc, dx);
    return l;
  };
  // Throughput: one barrier before and after the timed steps (per-step barriers would time the
  // scheduler on a loaded machine); every step's share is the mean, returned `steps` times.
  const auto perm = trainer.global_permutation(0);
  std::vector<double> times;
  std::chrono::steady_clock::time_point t0;
  for (int s = 0; s < o.warmup + o.steps; ++s) {
    if (s == o.warmup) {
      MPI_Barrier(comm);
      t0 = std::chrono::steady_clock::now();
    }
    int64_t gsize = 0;
    const auto ids = trainer.local_batch(perm, s, &gsize);
    trainer.step(loss, ids, gsize);
  }
  MPI_Barrier(comm);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  MPI_Allreduce(MPI_IN_PLACE, &ms, 1, MPI_DOUBLE, MPI_MAX, comm);
  times.assign(static_cast<size_t>(o.steps), ms / o.steps);
  return times;
}

}  // namespace

std::vector<double> realnvp_step_times(const RealNVPBenchOptions& options) {
  return options.single_precision ? single_rank<float>(options) : single_rank<double>(options);
}

std::vector<double> realnvp_data_parallel_step_times(const RealNVPBenchOptions& options, MPI_Comm comm) {
  return options.single_precision ? data_parallel<float>(options, comm) : data_parallel<double>(options, comm);
}

double realnvp_ms_per_step(const RealNVPBenchOptions& options) { return median(realnvp_step_times(options)); }

double realnvp_data_parallel_ms_per_step(const RealNVPBenchOptions& options, MPI_Comm comm) {
  return median(realnvp_data_parallel_step_times(options, comm));
}

}  // namespace macrodyn::nn
