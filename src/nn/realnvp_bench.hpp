#pragma once
// The realnvp8 benchmark of `macrodyn bench nn`: a RealNVP flow on
// `dim` features with `blocks` affine coupling blocks (alternating halves), each conditioner an MLP
// dim/2 - hidden - ReLU - hidden - ReLU - dim (s = tanh, t), standard-normal NLL, batch `batch`.
// One step = zero grads + forward + NLL + backward + Adam.
//
// realnvp_step_times: wall time (ms) of each of `steps` timed steps after `warmup` steps, this rank.
// realnvp_data_parallel_step_times: the same model trained by DataParallelTrainer over `comm`, the
//   global minibatch `batch` split across the ranks (gradient Allreduce included); it returns the
//   mean step time of the timed run (wall time between two barriers / steps) for every step. The *_ms_per_step forms return the median.
// `macrodyn bench nn` runs them as cases realnvp8 and realnvp8_dp (nn_bench.cpp).
#include <mpi.h>

#include <cstdint>
#include <vector>

namespace macrodyn::nn {

struct RealNVPBenchOptions {
  int dim = 8;
  int blocks = 20;
  int hidden = 64;
  int batch = 256;
  int warmup = 5;
  int steps = 50;
  bool single_precision = true;  // float32 like the PyTorch anchor
  uint64_t seed = 1;
};

std::vector<double> realnvp_step_times(const RealNVPBenchOptions& options);
std::vector<double> realnvp_data_parallel_step_times(const RealNVPBenchOptions& options, MPI_Comm comm);
double realnvp_ms_per_step(const RealNVPBenchOptions& options);
double realnvp_data_parallel_ms_per_step(const RealNVPBenchOptions& options, MPI_Comm comm);

}  // namespace macrodyn::nn
