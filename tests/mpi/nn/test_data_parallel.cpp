// Data-parallel training: 20 Adam steps of a RealNVP flow (with synchronised batch norm) on any
// rank count give the parameters of a 1-rank reference computed on every rank (<= 1e-10 relative);
// checkpoint after 10 steps + resume gives bit-identical parameters.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <memory>

#include "core/log.hpp"
#include "core/rng.hpp"
#include "nn/adam.hpp"
#include "nn/data_parallel_trainer.hpp"
#include "nn/dense.hpp"
#include "nn/flow.hpp"
#include "nn/flow_nll.hpp"
#include "nn/invertible_batch_norm.hpp"
#include "nn/invertible_linear.hpp"
#include "nn/realnvp_coupling.hpp"

using namespace macrodyn;
using namespace macrodyn::nn;

namespace {

constexpr int64_t kSamples = 90;  // 6 minibatches of 16, the last one 10

struct Model {
  Flow<double> flow;
  std::vector<std::shared_ptr<InvertibleBatchNorm<double>>> norms;
  explicit Model(MPI_Comm bn_comm) {
    // Batch norm first: anywhere after a coupling it would cancel the coupling's shift bias, whose
    // gradient is then zero up to round-off, which Adam amplifies into full steps of random sign.
    auto bn = std::make_shared<InvertibleBatchNorm<double>>(2);
    bn->set_comm(bn_comm);
    norms.push_back(bn);
    flow.add(bn);
    for (int k = 0; k < 3; ++k) {
      flow.add(std::make_shared<InvertibleLinear<double>>(2, 10 + k, 0));
      auto mask = CouplingMask::halves(2, k % 2);
      flow.add(std::make_shared<RealNVPCoupling<double>>(mask, std::make_shared<Dense<double>>(1, 2, 20 + k, 0)));
    }
  }
};

// Samples of a correlated 2-D Gaussian mixture, a pure function of the sample id.
double sample(int64_t id, int dim) {
  const CounterRng rng(42, 1);
  const double a = rng.normal(id, 0, 0), b = rng.normal(id, 0, 1);
  return dim == 0 ? a + (id % 2 ? 2.0 : -2.0) : 0.5 * a + 0.3 * b;
}

BatchLoss make_loss(Model& m) {
  return [&m](const std::vector<int64_t>& ids, double weight) {
    const size_t n = ids.size();
    Tensor<double> x("x", 2, n), z, dz, dc, dx;
    auto xh = Kokkos::create_mirror_view(x);
    for (size_t b = 0; b < n; ++b)
      for (int i = 0; i < 2; ++i) xh(i, b) = sample(ids[b], i);
    Kokkos::deep_copy(x, xh);
    m.flow.forward(x, z, true);
    const double l = flow_nll(z, m.flow.log_det(), weight, dz, dc);
    m.flow.backward_flow(dz, dc, dx);
    return l;
  };
}

std::vector<double> all_parameters(Model& m) {
  std::vector<double> out;
  for (auto& p : m.flow.parameters()) {
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.value);
    out.insert(out.end(), h.data(), h.data() + p.value.size());
  }
  return out;
}

TrainerOptions options() {
  TrainerOptions o;
  o.n_samples = kSamples;
  o.batch_size = 16;
  o.epochs = 10;
  o.seed = 7;
  o.lr = {1e-2, 8, 0.5};
  o.clip_norm = 5.0;
  o.progress_interval_s = 1e9;
  return o;
}

std::vector<double> train_steps(MPI_Comm comm, int64_t steps) {
  Model m(comm);
  Adam<double> adam(m.flow.parameters(), 1e-2);
  DataParallelTrainer<double> trainer(comm, m.flow, adam, options());
  trainer.broadcast_parameters();
  trainer.train(make_loss(m), steps);
  return all_parameters(m);
}

double max_relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double diff = 0, scale = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::abs(a[i] - b[i]));
    scale = std::max(scale, std::abs(b[i]));
  }
  return diff / scale;
}

}  // namespace

TEST_CASE("Data-parallel training is independent of the rank count", "[nn][mpi][trainer]") {
  const auto reference = train_steps(MPI_COMM_SELF, 20);
  const auto parallel = train_steps(MPI_COMM_WORLD, 20);
  REQUIRE(reference.size() == parallel.size());
  const double rel = max_relative_difference(parallel, reference);
  INFO("max relative difference " << rel);
  log::info("data-parallel vs 1-rank reference after 20 steps: max relative difference ", rel);
  CHECK(rel <= 1e-10);
  if (rel > 1e-10) {  // which entries differ (diagnostics for a failure)
    for (size_t i = 0; i < reference.size(); ++i)
      if (std::abs(parallel[i] - reference[i]) > 1e-11) WARN("entry " << i << " " << reference[i] << " vs " << parallel[i]);
  }
  // The 20 steps moved the parameters (the comparison is not trivially satisfied).
  Model fresh(MPI_COMM_SELF);
  CHECK(max_relative_difference(all_parameters(fresh), reference) > 1e-3);
}

TEST_CASE("Trainer checkpoint and resume continue bit-identically", "[nn][mpi][trainer]") {
  const std::string path = "nn_trainer_resume_test.h5";
  const auto straight = train_steps(MPI_COMM_WORLD, 20);
  {
    Model m(MPI_COMM_WORLD);
    Adam<double> plain(m.flow.parameters(), 1e-2);
    DataParallelTrainer<double> trainer(MPI_COMM_WORLD, m.flow, plain, options());
    trainer.broadcast_parameters();
    trainer.train(make_loss(m), 10);
    trainer.save_checkpoint(path);
  }
  Model m(MPI_COMM_WORLD);
  Adam<double> adam(m.flow.parameters(), 1e-2);
  DataParallelTrainer<double> trainer(MPI_COMM_WORLD, m.flow, adam, options());
  trainer.load_checkpoint(path);
  CHECK(trainer.global_step() == 10);
  trainer.train(make_loss(m), 20);
  const auto resumed = all_parameters(m);
  CHECK(max_relative_difference(resumed, straight) == 0.0);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) std::remove(path.c_str());
}
