// bench vicsek: particle steps per second of the decomposed Vicsek model (default L = 1024, rho = 0.3).
//   macrodyn bench vicsek [--L 1024] [--rho 0.3] [--eta 2.0] [--steps 50] [--warmup 5]
// Prints "bench vicsek particle_steps_per_s <v> 1/s" (N * steps / wall time of the timed steps, all
// ranks together) and the per-rank figure.
#include <chrono>

#include "core/runtime.hpp"
#include "sim/vicsek/vicsek_bench.hpp"
#include "sim/vicsek/vicsek_model.hpp"

namespace macrodyn::vicsek {
namespace {

class VicsekBench : public Stage {
 public:
  explicit VicsekBench(const ConfigTable& t)
      : steps_(t.get_int("steps", 50, Range::at_least(1))), warmup_(t.get_int("warmup", 5, Range::at_least(0))) {
    p_.L = t.get_int("L", 1024, Range::at_least(3));
    p_.rho = t.get_double("rho", 0.3, Range::positive());
    p_.eta = t.get_double("eta", 2.0, Range::non_negative());
  }

  void run(RunContext& ctx) override {
    VicsekModel model(ctx.comm, p_);
    for (long s = 0; s < warmup_; ++s) model.step();
    MPI_Barrier(ctx.comm);
    const auto t0 = std::chrono::steady_clock::now();
    for (long s = 0; s < steps_; ++s) model.step();
    MPI_Barrier(ctx.comm);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double rate = static_cast<double>(model.n_particles()) * steps_ / sec;
    print_bench("vicsek", "particle_steps_per_s", rate, "1/s");
    print_bench("vicsek", "particle_steps_per_s_per_rank", rate / comm_size(ctx.comm), "1/s");
    print_bench("vicsek", "order_parameter", model.order_parameter(), "1");
  }

 private:
  long steps_, warmup_;
  VicsekParams p_;
};

}  // namespace

std::unique_ptr<Stage> make_vicsek_bench(const ConfigTable& table) { return std::make_unique<VicsekBench>(table); }

}  // namespace macrodyn::vicsek
