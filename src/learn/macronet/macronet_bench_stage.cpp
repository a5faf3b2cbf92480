// bench stage, case = "macronet". See the header.
#include "learn/macronet/macronet_bench_stage.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "core/log.hpp"
#include "learn/macronet/macronet_loss.hpp"
#include "nn/adam.hpp"
#include "nn/parameter_init.hpp"

namespace macrodyn::macronet {
namespace {

class MacroNetBenchStage : public Stage {
 public:
  explicit MacroNetBenchStage(const ConfigTable& t)
      : precision_(t.get_string("precision", "float", {"float", "double"})),
        steps_(t.get_int("steps", 20, Range::at_least(1))),
        blocks_(t.get_int("blocks", 20, Range::at_least(1))),
        hidden_(t.get_int("hidden", 64, Range::at_least(1))),
        batch_(t.get_int("batch", 256, Range::at_least(2))),
        coupling_(t.get_string("coupling", "realnvp", {"realnvp", "resflow"})),
        gs_batch_(t.get_int("gs_batch", 64, Range::at_least(2))),
        gs_steps_(t.get_int("gs_steps", 10, Range::at_least(1))) {
    for (const auto& s : t.get_strings("systems", {"oscillator", "gray_scott"}))
      if (s == "oscillator" || s == "gray_scott")
        systems_.push_back(s);
      else
        t.fail_at("systems", "unknown system '" + s + "' (oscillator | gray_scott)");
  }

  void run(RunContext& /*ctx*/) override {
    for (const auto& system : systems_) {
      const bool osc = system == "oscillator";
      cpu_times_.clear();
      const auto times = precision_ == "float" ? (osc ? step_times<float>() : gs_step_times<float>())
                                               : (osc ? step_times<double>() : gs_step_times<double>());
      auto sorted = times;
      std::sort(sorted.begin(), sorted.end());
      const double median = sorted[sorted.size() / 2];
      if (osc)
        log::info("macronet bench oscillator (", precision_, ", ", coupling_, ", ", blocks_, " blocks, hidden ",
                  hidden_, ", batch ", batch_, "): min ", sorted.front(), " ms, median ", median, " ms over ",
                  sorted.size(), " steps");
      else
        log::info("macronet bench gray_scott (", precision_, ", CNN 3x64x64 + 5-block flow, batch ", gs_batch_,
                  "): min ", sorted.front(), " ms, median ", median, " ms over ", sorted.size(), " steps");
      print_bench("macronet", system + "_ms_per_step", median, "ms");
      // Process CPU time per step: on a shared machine, closer to the unloaded wall time.
      std::sort(cpu_times_.begin(), cpu_times_.end());
      print_bench("macronet", system + "_cpu_ms_per_step", cpu_times_[cpu_times_.size() / 2], "ms");
    }
  }

 private:
  template <class T>
  std::vector<double> step_times() const {
    FlowSpec s;
    s.in_dim = 2;
    s.noise_dims = 6;
    s.blocks = blocks_;
    s.hidden = hidden_;
    s.keep = 1;
    s.coupling = coupling_;
    MacroNet<T> net(s, s, true);
    auto opt = nn::make_nadam<T>(net.parameters(), 5e-3);
    PairLossEvaluator<T> loss(net, 0.5);
    nn::Tensor<T> u("bench_u", 2, size_t(batch_)), v("bench_v", 2, size_t(batch_));
    nn::fill_uniform(u, 1, 1, -1.0, 1.0);
    nn::fill_uniform(v, 1, 2, -1.0, 1.0);
    std::vector<uint64_t> ids(static_cast<size_t>(batch_));
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = i;
    std::vector<double> times;
    for (long k = 0; k < steps_ + 2; ++k) {
      const auto t0 = std::chrono::steady_clock::now();
      const std::clock_t c0 = std::clock();
      opt->zero_grad();
      loss(u, v, ids, ids.size(), uint32_t(k), 1.0 / double(batch_));
      opt->step();
      net.project_lipschitz();
      Kokkos::fence();
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (k >= 2) times.push_back(ms);
      if (k >= 2) cpu_times_.push_back(1e3 * double(std::clock() - c0) / CLOCKS_PER_SEC);
    }
    return times;
  }

  template <class T>
  std::vector<double> gs_step_times() const {
    FlowSpec su, sv;
    su.in_dim = 3;
    su.noise_dims = 1;
    su.blocks = 5;
    su.hidden = 64;
    su.keep = 2;
    sv.network = "cnn";
    sv.in_dim = 3 * 64 * 64;
    sv.shape = {3, 64, 64};
    sv.channels = {16, 32, 32, 32};
    sv.keep = 2;
    MacroNet<T> net(su, sv, false);
    auto opt = nn::make_nadam<T>(net.parameters(), 1e-3);
    PairLossEvaluator<T> loss(net, 0.1);
    const size_t B = size_t(gs_batch_);
    nn::Tensor<T> u("bench_gs_u", 3, B), v("bench_gs_v", 3 * 64 * 64, B);
    nn::fill_uniform(u, 2, 1, 0.0, 0.1);
    nn::fill_uniform(v, 2, 2, 0.0, 1.0);
    std::vector<uint64_t> ids(B);
    for (size_t i = 0; i < B; ++i) ids[i] = i;
    std::vector<double> times;
    for (long k = 0; k < gs_steps_ + 2; ++k) {
      const auto t0 = std::chrono::steady_clock::now();
      const std::clock_t c0 = std::clock();
      opt->zero_grad();
      loss(u, v, ids, B, uint32_t(k), 1.0 / double(B));
      opt->step();
      Kokkos::fence();
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (k >= 2) times.push_back(ms);
      if (k >= 2) cpu_times_.push_back(1e3 * double(std::clock() - c0) / CLOCKS_PER_SEC);
    }
    return times;
  }

  std::string precision_;
  long steps_, blocks_, hidden_, batch_;
  std::string coupling_;
  long gs_batch_, gs_steps_;
  std::vector<std::string> systems_;
  mutable std::vector<double> cpu_times_;
};

}  // namespace

std::unique_ptr<Stage> make_macronet_bench_stage(const ConfigTable& table) {
  return std::make_unique<MacroNetBenchStage>(table);
}

}  // namespace macrodyn::macronet
