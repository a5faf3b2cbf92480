// bench nn: one training step (forward + loss + backward + Adam) of the reference models.
//
//   macrodyn bench nn [--cases ["ae40000", "ae4800", ...]] [--precision float|double] [--steps n]
// Cases (shapes chosen to compare with the same steps in PyTorch 1.13, one thread, run side by side):
//   ae40000  MLP autoencoder 40000-256-256-32-256-256-40000, tanh after hidden layers, batch 64, MSE
//   ae4800   the same with 4800-128-128-32-128-128-4800, batch 256
//   conv64   Conv2d regressor 3x64x64 -> 2: four 3x3 convs, stride 2, zero padding 1, channels
//            3-16-32-32-32 (64 -> 32 -> 16 -> 8 -> 4), ReLU after each, Dense 512 -> 2; batch 32, MSE
// Prints "bench nn <case>_ms_per_step <median ms> ms" per case. Each step is timed on its own after
// two warm-up steps; the median is reported. The input layer's dx is not computed
// (backward_parameters), as in PyTorch where the data needs no gradient.
// The log also gives the median process CPU time per step of the MLP/conv cases (a check on wall
// times taken on a loaded machine). OpenBLAS threads follow OPENBLAS_NUM_THREADS (set it to 1 for single-thread figures).
// Other cases are added to case_table() below (name -> function returning the per-step times).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <map>

#include "core/log.hpp"
#include "nn/activations.hpp"
#include "nn/adam.hpp"
#include "nn/conv.hpp"
#include "nn/dense.hpp"
#include "nn/mse_loss.hpp"
#include "nn/parameter_init.hpp"
#include "nn/realnvp_bench.hpp"
#include "nn/nn_bench.hpp"
#include "nn/sequential.hpp"

namespace macrodyn::nn {
namespace {

using Clock = std::chrono::steady_clock;
using CaseFn = std::function<std::vector<double>(bool use_float, long steps)>;

double process_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return 1e3 * t.tv_sec + 1e-6 * t.tv_nsec;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Trains `net` on (x -> target) with MSE + Adam; returns the wall time of every timed step.
template <class T>
std::vector<double> time_training(Layer<T>& net, const Tensor<T>& x, const Tensor<T>& target, long steps) {
  Adam<T> adam(net.parameters(), 1e-4);
  Tensor<T> y, grad;
  std::vector<double> times, cpu;
  for (long s = 0; s < steps + 2; ++s) {
    const auto t0 = Clock::now();
    const double c0 = process_cpu_ms();
    adam.zero_grad();
    net.forward(x, y, true);
    mse_loss(y, target, grad);
    net.backward_parameters(grad);
    adam.step();
    Kokkos::fence();
    if (s >= 2) {
      times.push_back(ms_since(t0));
      cpu.push_back(process_cpu_ms() - c0);
    }
  }
  // CPU time per step: less sensitive than wall time to other jobs on a shared machine.
  std::sort(cpu.begin(), cpu.end());
  log::info("nn bench: median process CPU time per step ", cpu[cpu.size() / 2], " ms");
  return times;
}

template <class T>
std::vector<double> autoencoder_case(size_t n, size_t h, size_t batch, long steps) {
  auto net = make_mlp<T>({n, h, h, 32, h, h, n}, "tanh", 1);
  Tensor<T> x("bench_x", n, batch);
  fill_uniform(x, 2, 0, -1.0, 1.0);
  return time_training<T>(*net, x, x, steps);
}

template <class T>
std::vector<double> conv_case(long steps) {
  Sequential<T> net;
  const int channels[5] = {3, 16, 32, 32, 32};
  int size = 64;
  for (int l = 0; l < 4; ++l) {
    net.add(std::make_shared<Conv<T>>(conv_options(2, channels[l], channels[l + 1], {size, size}, {3}, {2}, {1}), 1, l));
    size /= 2;
    net.add(std::make_shared<Activation<T>>(ActivationKind::Relu, size_t(channels[l + 1]) * size * size));
  }
  net.add(std::make_shared<Dense<T>>(size_t(channels[4]) * size * size, 2, 1, 4));
  const size_t batch = 32;
  Tensor<T> x("bench_x", net.in_features(), batch), target("bench_target", 2, batch);
  fill_uniform(x, 3, 0, -1.0, 1.0);
  fill_uniform(target, 3, 1, -1.0, 1.0);
  return time_training<T>(net, x, target, steps);
}

std::map<std::string, CaseFn> case_table() {
  std::map<std::string, CaseFn> cases;
  cases["ae40000"] = [](bool f, long steps) {
    return f ? autoencoder_case<float>(40000, 256, 64, steps) : autoencoder_case<double>(40000, 256, 64, steps);
  };
  cases["ae4800"] = [](bool f, long steps) {
    return f ? autoencoder_case<float>(4800, 128, 256, steps) : autoencoder_case<double>(4800, 128, 256, steps);
  };
  // realnvp8: RealNVP d=8, 20 affine couplings with 4-64-ReLU-64-ReLU-8 MLPs, batch 256, NLL (realnvp_bench.hpp);
  // realnvp8_dp: the same through DataParallelTrainer on MPI_COMM_WORLD (run under mpirun -n 1, 2 ...).
  cases["realnvp8"] = [](bool f, long steps) {
    RealNVPBenchOptions o;
    o.single_precision = f;
    o.steps = static_cast<int>(steps);
    o.warmup = 2;
    return realnvp_step_times(o);
  };
  cases["realnvp8_dp"] = [](bool f, long steps) {
    RealNVPBenchOptions o;
    o.single_precision = f;
    o.steps = static_cast<int>(steps);
    o.warmup = 2;
    return realnvp_data_parallel_step_times(o, MPI_COMM_WORLD);
  };
  cases["conv64"] = [](bool f, long steps) { return f ? conv_case<float>(steps) : conv_case<double>(steps); };
  return cases;
}

class NNBench : public Stage {
 public:
  explicit NNBench(const ConfigTable& t) {
    const auto table = case_table();
    std::vector<std::string> all;
    for (const auto& kv : table) all.push_back(kv.first);
    cases_ = t.get_strings("cases", all);
    for (const auto& c : cases_)
      if (!table.count(c)) {
        std::string list;
        for (const auto& a : all) list += " " + a;
        t.fail_at("cases", "unknown nn benchmark case '" + c + "' (choices:" + list + ")");
      }
    use_float_ = t.get_string("precision", "float", {"float", "double"}) == "float";
    steps_ = t.get_int("steps", 10, Range::at_least(1));
  }

  void run(RunContext& /*ctx*/) override {
    const auto table = case_table();
    for (const auto& c : cases_) {
      auto times = table.at(c)(use_float_, steps_);
      std::sort(times.begin(), times.end());
      const double median = times[times.size() / 2];
      log::info("nn bench ", c, " (", use_float_ ? "float" : "double", "): min ", times.front(), " ms, median ",
                median, " ms over ", times.size(), " steps");
      print_bench("nn", c + "_ms_per_step", median, "ms");
    }
  }

 private:
  std::vector<std::string> cases_;
  bool use_float_ = true;
  long steps_ = 10;
};

}  // namespace

std::unique_ptr<Stage> make_nn_bench(const ConfigTable& table) { return std::make_unique<NNBench>(table); }

}  // namespace macrodyn::nn
