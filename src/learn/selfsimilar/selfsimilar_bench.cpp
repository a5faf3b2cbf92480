// bench selfsimilar: one training step (forward + loss + backward + Adam) of the self-similar learners
// at the sizes of the decks, on fixed random data (no gather, no data-parallel reduction).
//
//   macrodyn bench selfsimilar [--cases ["vicsek_coarse", ...]] [--precision float|double] [--steps n]
// Cases:
//   vicsek_coarse    stage 2 of the Vicsek pipeline, L = 64, (T, S) = (4, 2), batch 32: P (Conv3d 3 -> 3,
//                    kernel = stride = (4, 2, 2)) -> frozen f at 32 x 32 -> P' (Conv2d 3 -> 48, kernel 1),
//                    MSE to the next block, plus the autoencoding term |X_{t+1} - P'(P(X_{t+1}))|^2 as in
//                    training (vicsek_pipeline.hpp); Adam on P and P'
//   vicsek_dynamics  stage 1 of the Vicsek pipeline: f (Conv2d 3 -> 8, 2x2 periodic -> ReLU -> Conv2d
//                    8 -> 3, 2x2) at L = 64, batch 32, MSE
//   ca_dynamics      the CA learner (Conv1d 1 -> 5, kernel 3, circular -> ReLU -> Dense 5 -> 2 -> softmax
//                    NLL) on 90 rows of 120 cells, in its per-site GEMM form (ca_networks.hpp)
// Prints "bench selfsimilar <case>_ms_per_step <median ms> ms" per case, after two warm-up steps.
// One thread: Kokkos Serial; set OPENBLAS_NUM_THREADS=1.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <map>

#include "core/log.hpp"
#include "learn/selfsimilar/ca_networks.hpp"
#include "learn/selfsimilar/macro_pipeline.hpp"
#include "learn/selfsimilar/selfsimilar_bench.hpp"
#include "learn/selfsimilar/two_class_softmax.hpp"
#include "learn/selfsimilar/vicsek_networks.hpp"
#include "nn/adam.hpp"
#include "nn/mse_loss.hpp"
#include "nn/parameter_init.hpp"

namespace macrodyn::selfsimilar {
namespace {

using Clock = std::chrono::steady_clock;
using CaseFn = std::function<std::vector<double>(bool use_float, long steps)>;

double process_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return 1e3 * t.tv_sec + 1e-6 * t.tv_nsec;
}

// Times `steps` calls of step() after two warm-up calls (ms each); logs the median process CPU time
// per step (a check on wall times taken on a loaded machine).
std::vector<double> time_steps(long steps, const std::function<void()>& step) {
  std::vector<double> times, cpu;
  for (long s = 0; s < steps + 2; ++s) {
    const auto t0 = Clock::now();
    const double c0 = process_cpu_ms();
    step();
    Kokkos::fence();
    if (s >= 2) {
      times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      cpu.push_back(process_cpu_ms() - c0);
    }
  }
  std::sort(cpu.begin(), cpu.end());
  log::info("selfsimilar bench: median process CPU time per step ", cpu[cpu.size() / 2], " ms");
  return times;
}

template <class T>
std::vector<double> vicsek_coarse_case(long steps) {
  const int L = 64, TT = 4, S = 2, M = L / S, batch = 32;
  MacroPipeline<T> pipeline(make_vicsek_coarse_grainer<T>(TT, S, L, 0, 1), make_vicsek_dynamics<T>(M, 8, 2),
                            make_vicsek_decoder<T>(TT, S, M, 0, 3), false);
  nn::Tensor<T> x_now("x_now", pipeline.in_features(), batch), x_next("x_next", pipeline.in_features(), batch);
  nn::Tensor<T> target("target", pipeline.out_features(), batch), y, dy;
  nn::fill_uniform(x_now, 4, 0, 0.0, 2.0);
  nn::fill_uniform(x_next, 4, 1, 0.0, 2.0);
  nn::fill_uniform(target, 4, 2, 0.0, 2.0);
  nn::Adam<T> adam(pipeline.parameters(), 1e-3);
  const double features = static_cast<double>(pipeline.out_features()) * batch;
  return time_steps(steps, [&] {
    adam.zero_grad();
    pipeline.forward(x_now, y, true);
    nn::mse_loss(y, target, dy, features);
    pipeline.backward_parameters(dy);
    pipeline.autoencode_step(x_next, target, 1.0, features);
    adam.step();
  });
}

template <class T>
std::vector<double> vicsek_dynamics_case(long steps) {
  const int L = 64, batch = 32;
  auto f = make_vicsek_dynamics<T>(L, 8, 1);
  nn::Tensor<T> x("x", f->in_features(), batch), target("target", f->out_features(), batch), y, dy;
  nn::fill_uniform(x, 5, 0, 0.0, 2.0);
  nn::fill_uniform(target, 5, 1, 0.0, 2.0);
  nn::Adam<T> adam(f->parameters(), 1e-3);
  return time_steps(steps, [&] {
    adam.zero_grad();
    f->forward(x, y, true);
    nn::mse_loss(y, target, dy);
    f->backward_parameters(dy);
    adam.step();
  });
}

template <class T>
std::vector<double> ca_dynamics_case(long steps) {
  const long W = 120, batch = 90;
  auto f = make_ca_site_dynamics<T>(1);
  nn::Tensor<T> x("x", 3, W * batch), target("target", 1, W * batch), logits, dlogits;
  nn::fill_uniform(x, 6, 0, 0.0, 1.0);
  auto h = Kokkos::create_mirror_view(target);
  for (long i = 0; i < W * batch; ++i) h(0, i) = static_cast<T>((i * 7919) % 3 == 0 ? 1 : 0);
  Kokkos::deep_copy(target, h);
  nn::Adam<T> adam(f->parameters(), 1e-3, 0.9, 0.999, 1e-8, 5e-4);
  return time_steps(steps, [&] {
    adam.zero_grad();
    f->forward(x, logits, true);
    two_class_nll(logits, target, 1.0 / static_cast<double>(W * batch), dlogits);
    f->backward_parameters(dlogits);
    adam.step();
  });
}

std::map<std::string, CaseFn> case_table() {
  std::map<std::string, CaseFn> cases;
  cases["vicsek_coarse"] = [](bool f, long n) { return f ? vicsek_coarse_case<float>(n) : vicsek_coarse_case<double>(n); };
  cases["vicsek_dynamics"] = [](bool f, long n) {
    return f ? vicsek_dynamics_case<float>(n) : vicsek_dynamics_case<double>(n);
  };
  cases["ca_dynamics"] = [](bool f, long n) { return f ? ca_dynamics_case<float>(n) : ca_dynamics_case<double>(n); };
  return cases;
}

class SelfSimilarBench : public Stage {
 public:
  explicit SelfSimilarBench(const ConfigTable& t) {
    const auto table = case_table();
    std::vector<std::string> all;
    for (const auto& kv : table) all.push_back(kv.first);
    cases_ = t.get_strings("cases", all);
    for (const auto& c : cases_)
      if (!table.count(c)) {
        std::string list;
        for (const auto& a : all) list += " " + a;
        t.fail_at("cases", "unknown selfsimilar benchmark case '" + c + "' (choices:" + list + ")");
      }
    use_float_ = t.get_string("precision", "float", {"float", "double"}) == "float";
    steps_ = t.get_int("steps", 20, Range::at_least(1));
  }

  void run(RunContext& /*ctx*/) override {
    const auto table = case_table();
    for (const auto& c : cases_) {
      auto times = table.at(c)(use_float_, steps_);
      std::sort(times.begin(), times.end());
      const double median = times[times.size() / 2];
      log::info("selfsimilar bench ", c, " (", use_float_ ? "float" : "double", "): min ", times.front(),
                " ms, median ", median, " ms over ", times.size(), " steps");
      print_bench("selfsimilar", c + "_ms_per_step", median, "ms");
    }
  }

 private:
  std::vector<std::string> cases_;
  bool use_float_ = true;
  long steps_ = 20;
};

}  // namespace

std::unique_ptr<Stage> make_selfsimilar_bench(const ConfigTable& table) {
  return std::make_unique<SelfSimilarBench>(table);
}

}  // namespace macrodyn::selfsimilar
