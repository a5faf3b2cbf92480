// `simulate` stage for system = "diffusion" ([Self-similar dynamics] §III.B; model in diffusion_model.hpp).
//
// Keys [defaults]: sites = 100, walkers = 1000 per run, runs = 8, D = 0.5, t_final = 100,
//   save_interval = 1, dt = [1, 0.1, 0.04, 0.01], seed = 1, output = "diffusion.h5".
// Run r starts its walkers at uniformly random sites (CounterRng keyed by run and walker); runs are dealt
// round-robin to the ranks and summed into rank-independent arrays. Output:
//   /dt_<i>/density (runs, T, sites) walker fraction per site for dt[i] (attribute dt)
//   /exact/density  (runs, T, sites) the initial histogram evolved with the exact lattice heat kernel
//   /times (T), /msd_dt_<i> (runs, T) mean squared displacement (expected 2 D t).
#include <cmath>

#include "core/log.hpp"
#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "sim/diffusion/diffusion_model.hpp"
#include "sim/diffusion/diffusion_simulate_stage.hpp"

namespace macrodyn::diffusion {
namespace {

class DiffusionSimulate : public Stage {
 public:
  explicit DiffusionSimulate(const ConfigTable& t)
      : L_(t.get_int("sites", 100, Range::at_least(2))),
        W_(t.get_int("walkers", 1000, Range::at_least(1))),
        R_(t.get_int("runs", 8, Range::at_least(1))),
        D_(t.get_double("D", 0.5, Range::positive())),
        t_final_(t.get_double("t_final", 100.0, Range::positive())),
        save_(t.get_double("save_interval", 1.0, Range::positive())),
        dts_(t.get_doubles("dt", {1.0, 0.1, 0.04, 0.01}, Range::positive())),
        seed_(static_cast<uint64_t>(t.get_int("seed", 1, Range::at_least(0)))),
        output_(t.get_string("output", "diffusion.h5")) {
    for (double dt : dts_) {
      if (2.0 * D_ * dt > 1.0) t.fail_at("dt", cat("dt = ", dt, " makes the hop probability 2 D dt exceed 1"));
      if (std::abs(std::lround(save_ / dt) * dt - save_) > 1e-9 * save_) t.fail_at("dt", "must divide save_interval");
    }
  }

  void run(RunContext& ctx) override {
    const int P = comm_size(ctx.comm), rank = comm_rank(ctx.comm);
    const long T = std::lround(t_final_ / save_) + 1;
    std::vector<std::vector<double>> density(dts_.size(), std::vector<double>(R_ * T * L_, 0.0));
    std::vector<std::vector<double>> msd(dts_.size(), std::vector<double>(R_ * T, 0.0));
    std::vector<double> exact(R_ * T * L_, 0.0);
    for (long r = rank; r < R_; r += P) {
      const CounterRng rng(seed_, 0xD1F0);
      std::vector<long> start(W_);
      for (long w = 0; w < W_; ++w) start[w] = static_cast<long>(rng.below(L_, static_cast<uint64_t>(w), r));
      for (size_t i = 0; i < dts_.size(); ++i) {
        const long every = std::lround(save_ / dts_[i]);
        const auto res = random_walk(L_, start, D_, dts_[i], every * (T - 1), every, seed_, (uint64_t(r) << 8) + i);
        std::copy(res.density.begin(), res.density.end(), density[i].begin() + r * T * L_);
        std::copy(res.msd.begin(), res.msd.end(), msd[i].begin() + r * T);
      }
      std::vector<double> initial(density[0].begin() + r * T * L_, density[0].begin() + r * T * L_ + L_);
      for (long s = 0; s < T; ++s) {
        const auto e = evolve_exact(initial, D_, s * save_);
        std::copy(e.begin(), e.end(), exact.begin() + (r * T + s) * L_);
      }
    }
    auto sum = [&](std::vector<double>& v) {
      if (P > 1) MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_SUM, ctx.comm);
    };
    auto file = io::H5File::create(ctx.path(output_), ctx.comm);
    io::write_provenance(file, ctx);
    const hsize_t R = R_, Th = T, L = L_;
    for (size_t i = 0; i < dts_.size(); ++i) {
      sum(density[i]);
      sum(msd[i]);
      file.write_replicated(cat("/dt_", i, "/density"), {R, Th, L}, density[i].data());
      file.write_replicated(cat("/dt_", i, "/msd"), {R, Th}, msd[i].data());
      file.set_attr(cat("/dt_", i), "dt", dts_[i]);
    }
    sum(exact);
    file.write_replicated("/exact/density", {R, Th, L}, exact.data());
    std::vector<double> times(T);
    for (long s = 0; s < T; ++s) times[s] = s * save_;
    file.write_replicated("/times", {Th}, times.data());
    file.set_attr("/", "system", std::string("diffusion"));
    file.set_attr("/", "D", D_);
    file.set_attr("/", "dt", dts_);
    file.commit();
    log::info("diffusion: wrote ", R_, " runs x ", dts_.size(), " time steps + exact limit to ", ctx.path(output_));
  }

 private:
  long L_, W_, R_;
  double D_, t_final_, save_;
  std::vector<double> dts_;
  uint64_t seed_;
  std::string output_;
};

}  // namespace

std::unique_ptr<Stage> make_diffusion_simulate_stage(const ConfigTable& table) {
  return std::make_unique<DiffusionSimulate>(table);
}

}  // namespace macrodyn::diffusion
