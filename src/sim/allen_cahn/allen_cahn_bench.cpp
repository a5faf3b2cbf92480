// Benchmarks of the Allen-Cahn simulator.
//
// bench allen_cahn: explicit Euler steps (kernel + halo exchange) on an n x n grid over all ranks.
//   --n 4096 side, --steps 20 timed steps, --weak false (true: side round(n sqrt(P)), the same cells per
//   rank as one rank on n x n), --bandwidth 35e9 B/s per rank for the roofline line.
//   Prints cell_updates_per_s (all ranks), cell_updates_per_s_per_rank and roofline_fraction =
//   rate per rank / (bandwidth / 16 B): the scheme reads one and writes one double per cell update.
// bench partial_forces: f_I for |I| = count cells drawn with random_subset on grids of side 200 and
//   4096 (--sides), --count 1600, --repeats 200 index sets. The index sets are drawn before the clock
//   starts; the timed part is AllenCahnGrid::partial_forces (select owned entries, kernel over |I|
//   stencils, one reduction). Prints ns_per_force_n<side> (and ns_per_draw_n<side> for the draw).
#include <chrono>
#include <cmath>

#include "core/log.hpp"
#include "core/random_subset.hpp"
#include "core/runtime.hpp"
#include "sim/allen_cahn/allen_cahn_grid.hpp"
#include "sim/allen_cahn/register_stages.hpp"

namespace macrodyn::allen_cahn {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

class AllenCahnBench : public Stage {
 public:
  explicit AllenCahnBench(const ConfigTable& t)
      : n_(t.get_int("n", 4096, Range::at_least(8))),
        steps_(t.get_int("steps", 20, Range::at_least(1))),
        weak_(t.get_bool("weak", false)),
        bandwidth_(t.get_double("bandwidth", 35e9, Range::positive())) {}

  void run(RunContext& ctx) override {
    const int P = comm_size(ctx.comm);
    const long side = weak_ ? std::lround(n_ * std::sqrt(static_cast<double>(P))) : n_;
    const Model model = Model::make(side, Model::eps_from_interface(10.0, 1.0 / 200));
    AllenCahnGrid grid(ctx.comm, model);
    grid.set_torus(0.35, 0.12);
    const double dt = model.dt_max();
    for (int s = 0; s < 2; ++s) grid.step(dt);  // warm-up (first touch, MPI buffers)
    MPI_Barrier(ctx.comm);
    const auto t0 = std::chrono::steady_clock::now();
    {
      // Timer "steps" (timers.h5 of `macrodyn run` decks: jobs/scaling/, postprocess/scaling_report.py).
      Timers local;
      auto scope = (ctx.timers ? *ctx.timers : local).scope("steps");
      for (long s = 0; s < steps_; ++s) grid.step(dt);
      Kokkos::fence();
      MPI_Barrier(ctx.comm);
    }
    const double seconds = seconds_since(t0);
    const double rate = static_cast<double>(side) * side * steps_ / seconds;
    log::info("allen_cahn bench: ", side, "^2 cells, ", P, " rank", P == 1 ? "" : "s", " (process grid ",
              grid.decomp().process_dims()[0], " x ", grid.decomp().process_dims()[1], "), ", steps_, " steps in ",
              seconds, " s; roofline ", bandwidth_ / 16.0, " cell updates/s per rank (16 B per update)");
    print_bench("allen_cahn", "cell_updates_per_s", rate, "1/s");
    print_bench("allen_cahn", "cell_updates_per_s_per_rank", rate / P, "1/s");
    print_bench("allen_cahn", "roofline_fraction", rate / P / (bandwidth_ / 16.0), "1");
  }

 private:
  long n_, steps_;
  bool weak_;
  double bandwidth_;
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
      std::vector<std::vector<int64_t>> sets;
      const auto t_draw = std::chrono::steady_clock::now();
      for (long r = 0; r < repeats_; ++r) sets.push_back(random_subset(side * side, count_, 7, 99, r));
      const double draw_s = seconds_since(t_draw);
      double checksum = 0.0;
      for (int w = 0; w < 3; ++w) checksum += grid.partial_forces(sets[w % repeats_])[0];  // warm-up
      MPI_Barrier(ctx.comm);
      const auto t0 = std::chrono::steady_clock::now();
      for (long r = 0; r < repeats_; ++r) checksum += grid.partial_forces(sets[r])[0];
      MPI_Barrier(ctx.comm);
      const double seconds = seconds_since(t0);
      const double forces = static_cast<double>(count_) * repeats_;
      log::info("partial_forces bench: side ", side, ", |I| = ", count_, ", ", repeats_, " sets (checksum ",
                checksum, ")");
      print_bench("partial_forces", cat("ns_per_force_n", side), seconds / forces * 1e9, "ns");
      print_bench("partial_forces", cat("ns_per_draw_n", side), draw_s / forces * 1e9, "ns");
    }
  }

 private:
  std::vector<long long> sides_;
  long count_, repeats_;
};

}  // namespace

void register_allen_cahn_benches(StageRegistry& registry) {
  registry.add(
      "bench", "allen_cahn", [](const ConfigTable& t) { return std::make_unique<AllenCahnBench>(t); },
      "Allen-Cahn Euler step rate (--n side --steps s --weak true|false --bandwidth B/s)");
  registry.add(
      "bench", "partial_forces", [](const ConfigTable& t) { return std::make_unique<PartialForcesBench>(t); },
      "Allen-Cahn partial-force cost per entry on grids of side 200 and 4096 (--sides --count --repeats)");
}

}  // namespace macrodyn::allen_cahn
