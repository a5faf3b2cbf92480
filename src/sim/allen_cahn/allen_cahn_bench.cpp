// Benchmarks of the Allen-Cahn simulator.
//
// bench allen_cahn: blocked explicit Euler steps (kernel + halo exchange) on an n x n grid over all
//   ranks. --n 4096 side, --steps 192 timed steps, --weak false (true: side round(n sqrt(P)), the same
//   cells per rank as one rank on n x n), --time_block 16 and --strip_cols 1024 (allen_cahn_blocked_euler.hpp),
//   --bandwidth 35e9 B/s per rank (STREAM-like triad on one core), --cache_n 128 side of the
//   in-cache grid that measures the compute ceiling.
//   Roofline per rank: a block of T steps reads and writes each cell once, 16/T bytes per update, so the
//   bandwidth bound is bandwidth T / 16; the compute bound is the one-step rate on a grid that stays in
//   cache, measured in the same run. Prints cell_updates_per_s (all ranks), cell_updates_per_s_per_rank,
//   in_cache_updates_per_s_per_rank, bytes_per_update, roofline_fraction = rate per rank / min(both
//   bounds), and one_step_roofline_fraction = rate per rank / (bandwidth / 16 B), the bound of any
//   scheme that streams the field once per step.
// bench allen_cahn_rk4: RK4 steps (integrator = "rk4", dt = 0.1 h^2, four stage kernels and halo
//   exchanges per step) against blocked Euler steps at dt_max on the same --n 200 grid, --steps 2000
//   each, in one run. Prints rk4_steps_per_s, rk4_stage_updates_per_s_per_rank, euler_blocked_steps_per_s,
//   the seconds each needs to reach --t_final 0.1 (the closure data's 40,000 RK4 steps) and their ratio.
// bench partial_forces: the partial-force calculator of [Partial observations] §3 (S samples I, then computes f_I)
//   for |I| = --count 1600 cells on grids of side 200 and 4096 (--sides), --repeats 200 index sets.
//   Each repeat draws I (random_subset) and evaluates f_I (AllenCahnGrid::partial_forces: select owned
//   entries, kernel over |I| stencils, one reduction). Prints ns_per_force_n<side> (draw + evaluation
//   per entry) and its parts ns_per_draw_n<side> and ns_per_evaluation_n<side>.
#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/log.hpp"
#include "core/random_subset.hpp"
#include "core/runtime.hpp"
#include "sim/allen_cahn/allen_cahn_config.hpp"
#include "sim/allen_cahn/allen_cahn_grid.hpp"
#include "sim/allen_cahn/allen_cahn_bench.hpp"

namespace macrodyn::allen_cahn {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

class AllenCahnBench : public Stage {
 public:
  explicit AllenCahnBench(const ConfigTable& t)
      : n_(t.get_int("n", 4096, Range::at_least(8))),
        steps_(t.get_int("steps", 192, Range::at_least(1))),
        weak_(t.get_bool("weak", false)),
        bandwidth_(t.get_double("bandwidth", 35e9, Range::positive())),
        cache_n_(t.get_int("cache_n", 128, Range::at_least(8))),
        blocking_(parse_blocking(t)) {}

  void run(RunContext& ctx) override {
    const int P = comm_size(ctx.comm);
    const long side = weak_ ? std::lround(n_ * std::sqrt(static_cast<double>(P))) : n_;
    const double eps = Model::eps_from_interface(10.0, 1.0 / 200);
    AllenCahnGrid grid(ctx.comm, Model::make(side, eps), {0, 0}, blocking_);
    grid.set_torus(0.35, 0.12);
    const double dt = grid.model().dt_max();
    grid.advance(dt, grid.ghost());  // warm-up (first touch, MPI buffers, team scratch)
    MPI_Barrier(ctx.comm);
    const auto t0 = std::chrono::steady_clock::now();
    {
      // Timer "steps" (timers.h5 of `macrodyn run` decks: jobs/scaling/, postprocess/scaling_report.py).
      Timers local;
      auto scope = (ctx.timers ? *ctx.timers : local).scope("steps");
      grid.advance(dt, steps_);
      Kokkos::fence();
      MPI_Barrier(ctx.comm);
    }
    const double seconds = seconds_since(t0);
    const double rate = static_cast<double>(side) * side * steps_ / seconds, per_rank = rate / P;
    const double in_cache = in_cache_rate(ctx.comm);
    const double bytes = 16.0 / static_cast<double>(grid.ghost());
    const double roofline = std::min(bandwidth_ / bytes, in_cache);
    log::info("allen_cahn bench: ", side, "^2 cells, ", P, " rank", P == 1 ? "" : "s", " (process grid ",
              grid.decomp().process_dims()[0], " x ", grid.decomp().process_dims()[1], "), ", steps_,
              " steps in blocks of ", grid.ghost(), ", strips of ", blocking_.strip_cols, " columns: ",
              seconds, " s; per rank: bandwidth bound ", bandwidth_ / bytes, ", in-cache rate ", in_cache,
              " cell updates/s");
    print_bench("allen_cahn", "cell_updates_per_s", rate, "1/s");
    print_bench("allen_cahn", "cell_updates_per_s_per_rank", per_rank, "1/s");
    print_bench("allen_cahn", "in_cache_updates_per_s_per_rank", in_cache, "1/s");
    print_bench("allen_cahn", "bytes_per_update", bytes, "B");
    print_bench("allen_cahn", "roofline_fraction", per_rank / roofline, "1");
    print_bench("allen_cahn", "one_step_roofline_fraction", per_rank / (bandwidth_ / 16.0), "1");
  }

 private:
  // Compute ceiling per rank: the one-step kernel alone on a cache_n^2 field that stays in cache (no
  // halo exchange; all ranks at once, so shared-cache effects are included).
  double in_cache_rate(MPI_Comm comm) const {
    using Exec = AllenCahnGrid::Exec;
    const Model model = Model::make(cache_n_, Model::eps_from_interface(10.0, 1.0 / 200));
    AllenCahnGrid::Field a("in_cache_a", 1, cache_n_ + 2, cache_n_ + 2), b("in_cache_b", 1, cache_n_ + 2, cache_n_ + 2);
    Kokkos::deep_copy(a, 0.5);
    const double dt = model.dt_max();
    const long steps = std::max(2L, 200000000L / (cache_n_ * cache_n_));
    auto sweep = [&](long count) {
      for (long s = 0; s < count; ++s) {
        blocked_euler<Exec>(a, b, cache_n_, cache_n_, 1, 1, cache_n_, dt, model.inv_h2, model.inv_eps2);
        std::swap(a, b);
      }
      Kokkos::fence();
    };
    sweep(10);
    MPI_Barrier(comm);
    double best = 0.0;  // a ceiling: the best of three trials (the machine is shared and noisy)
    for (int trial = 0; trial < 3; ++trial) {
      const auto t0 = std::chrono::steady_clock::now();
      sweep(steps);
      best = std::max(best, static_cast<double>(cache_n_) * cache_n_ * steps / seconds_since(t0));
    }
    double slowest = best;
    MPI_Allreduce(&best, &slowest, 1, MPI_DOUBLE, MPI_MIN, comm);
    return slowest;
  }

  long n_, steps_;
  bool weak_;
  double bandwidth_;
  long cache_n_;
  TimeBlocking blocking_;
};

// RK4 (integrator = "rk4") against blocked Euler on the same grid, both timed in this run.
class AllenCahnRk4Bench : public Stage {
 public:
  explicit AllenCahnRk4Bench(const ConfigTable& t)
      : n_(t.get_int("n", 200, Range::at_least(8))),
        steps_(t.get_int("steps", 2000, Range::at_least(1))),
        t_final_(t.get_double("t_final", 0.1, Range::positive())),
        blocking_(parse_blocking(t)) {}

  void run(RunContext& ctx) override {
    const int P = comm_size(ctx.comm);
    const Model model = Model::make(n_, Model::eps_from_interface(10.0, 1.0 / 200));
    const double dt_rk4 = 0.1 * model.h * model.h, dt_euler = model.dt_max();
    AllenCahnGrid rk4(ctx.comm, model, {0, 0}, {1, blocking_.strip_cols});
    AllenCahnGrid euler(ctx.comm, model, {0, 0}, blocking_);
    rk4.set_torus(0.35, 0.12);
    euler.set_torus(0.35, 0.12);
    auto timed = [&](auto&& advance) {
      advance(16);  // warm-up
      Kokkos::fence();
      MPI_Barrier(ctx.comm);
      const auto t0 = std::chrono::steady_clock::now();
      advance(steps_);
      Kokkos::fence();
      MPI_Barrier(ctx.comm);
      return static_cast<double>(steps_) / seconds_since(t0);
    };
    const double rk4_rate = timed([&](long s) { rk4.advance_rk4(dt_rk4, s); });
    const double euler_rate = timed([&](long s) { euler.advance(dt_euler, s); });
    // Time to simulate [0, t_final]: RK4 at 0.1 h^2 against Euler at its stability bound.
    const double rk4_s = std::ceil(t_final_ / dt_rk4) / rk4_rate, euler_s = std::ceil(t_final_ / dt_euler) / euler_rate;
    log::info("allen_cahn_rk4 bench: ", n_, "^2 cells, ", P, " rank", P == 1 ? "" : "s", ", ", steps_,
              " steps each: RK4 (dt = 0.1 h^2 = ", dt_rk4, ") ", rk4_rate, " steps/s, blocked Euler (dt = ", dt_euler,
              ", blocks of ", euler.ghost(), ") ", euler_rate, " steps/s");
    const double cells = static_cast<double>(n_) * n_;
    print_bench("allen_cahn_rk4", "rk4_steps_per_s", rk4_rate, "1/s");
    print_bench("allen_cahn_rk4", "rk4_stage_updates_per_s_per_rank", 4.0 * cells * rk4_rate / P, "1/s");
    print_bench("allen_cahn_rk4", "euler_blocked_steps_per_s", euler_rate, "1/s");
    print_bench("allen_cahn_rk4", cat("rk4_seconds_to_t", t_final_), rk4_s, "s");
    print_bench("allen_cahn_rk4", cat("euler_blocked_seconds_to_t", t_final_), euler_s, "s");
    print_bench("allen_cahn_rk4", "rk4_over_euler_time_to_solution", rk4_s / euler_s, "1");
  }

 private:
  long n_, steps_;
  double t_final_;
  TimeBlocking blocking_;
};

class PartialForcesBench : public Stage {
 public:
  explicit PartialForcesBench(const ConfigTable& t)
      : sides_(t.get_ints("sides", {200, 4096}, Range::at_least(8))),
        count_(t.get_int("count", 1600, Range::at_least(1))),
        repeats_(t.get_int("repeats", 200, Range::at_least(1))) {}

  void run(RunContext& ctx) override {
    for (long long side : sides_) {
      if (count_ > side * side) fail("bench partial_forces: count ", count_, " exceeds the ", side, "^2 cells");
      const Model model = Model::make(side, Model::eps_from_interface(10.0, 1.0 / 200));
      AllenCahnGrid grid(ctx.comm, model);
      grid.set_torus(0.35, 0.12);
      double checksum = 0.0;
      for (int w = 0; w < 3; ++w) checksum += grid.partial_forces(random_subset(side * side, count_, 7, 98, w))[0];
      MPI_Barrier(ctx.comm);
      double draw_s = 0.0, evaluation_s = 0.0;
      for (long r = 0; r < repeats_; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        const std::vector<int64_t> ids = random_subset(side * side, count_, 7, 99, static_cast<uint32_t>(r));
        const auto t1 = std::chrono::steady_clock::now();
        checksum += grid.partial_forces(ids)[0];
        draw_s += std::chrono::duration<double>(t1 - t0).count();
        evaluation_s += seconds_since(t1);
      }
      double local[2] = {draw_s, evaluation_s}, slowest[2];
      MPI_Allreduce(local, slowest, 2, MPI_DOUBLE, MPI_MAX, ctx.comm);
      const double per_force = 1e9 / (static_cast<double>(count_) * repeats_);
      log::info("partial_forces bench: side ", side, ", |I| = ", count_, ", ", repeats_, " sets (checksum ",
                checksum, ")");
      print_bench("partial_forces", cat("ns_per_force_n", side), (slowest[0] + slowest[1]) * per_force, "ns");
      print_bench("partial_forces", cat("ns_per_draw_n", side), slowest[0] * per_force, "ns");
      print_bench("partial_forces", cat("ns_per_evaluation_n", side), slowest[1] * per_force, "ns");
    }
  }

 private:
  std::vector<long long> sides_;
  long count_, repeats_;
};

}  // namespace

std::unique_ptr<Stage> make_allen_cahn_bench(const ConfigTable& table) {
  return std::make_unique<AllenCahnBench>(table);
}
std::unique_ptr<Stage> make_allen_cahn_rk4_bench(const ConfigTable& table) {
  return std::make_unique<AllenCahnRk4Bench>(table);
}
std::unique_ptr<Stage> make_partial_forces_bench(const ConfigTable& table) {
  return std::make_unique<PartialForcesBench>(table);
}

}  // namespace macrodyn::allen_cahn
