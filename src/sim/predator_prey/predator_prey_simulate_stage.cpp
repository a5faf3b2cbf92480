// `simulate` stage for system = "predator_prey" (seed 003 §5.1, B.1; scheme in predator_prey_model.hpp).
//
// Keys [defaults]: trajectories = 16 (K), t_final = 30, save_interval = 0.1, dt = 1e-4 (RK4; must divide
//   save_interval and satisfy dt * 4/dx^2 <= 2.7), mu = [0, 0.2], sigma = [0.4, 0.6], seed = 1,
//   trajectory_offset = 0, partial_fraction = 0.2 (|I| = round(100 p)), save_forces = false,
//   output = "predator_prey.h5", clip_initial = true (see predator_prey_model.hpp: the seed's IC is
//   negative where sigma > mu and then blows up).
// Trajectories are dealt round-robin to the ranks (trajectory k on rank k mod P, all randomness keyed by
// the global trajectory index), gathered on rank 0 and written as
//   /states (K, T, 100) = (u_1..u_50, v_1..v_50),  /forces (K, T, 100) when asked,  /times (T),
//   /parameters (K, 2) = (mu, sigma),  /observables (K, T, 2) = (mean u, mean v),
//   /partial_forces/indices (K, T, m) (coordinate ids in [0, 100)),  /partial_forces/values (K, T, m).
#include <cmath>

#include "core/log.hpp"
#include "core/random_subset.hpp"
#include "core/rng.hpp"
#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "sim/predator_prey/predator_prey_model.hpp"
#include "sim/predator_prey/predator_prey_simulate_stage.hpp"

namespace macrodyn::predator_prey {
namespace {

constexpr uint64_t kStreamParams = 0x9901, kStreamPartial = 0x9902;

class PredatorPreySimulate : public Stage {
 public:
  explicit PredatorPreySimulate(const ConfigTable& t) {
    K_ = t.get_int("trajectories", 16, Range::at_least(1));
    const double t_final = t.get_double("t_final", 30.0, Range::positive());
    save_ = t.get_double("save_interval", 0.1, Range::positive());
    dt_ = t.get_double("dt", 1e-4, Range::positive());
    if (dt_ * 4.0 / (model_.dx * model_.dx) > 2.7)
      t.fail_at("dt", cat("RK4 is unstable for dt * 4/dx^2 > 2.785 (dt <= ", 2.7 * model_.dx * model_.dx / 4, ")"));
    sub_ = std::lround(save_ / dt_);
    if (std::abs(sub_ * dt_ - save_) > 1e-9 * save_) t.fail_at("dt", "must divide save_interval");
    T_ = std::lround(t_final / save_) + 1;
    auto mu = t.get_doubles("mu", {0.0, 0.2}), sigma = t.get_doubles("sigma", {0.4, 0.6});
    if (mu.size() != 2 || mu[0] > mu[1]) t.fail_at("mu", "must be [lo, hi]");
    if (sigma.size() != 2 || sigma[0] > sigma[1]) t.fail_at("sigma", "must be [lo, hi]");
    mu_[0] = mu[0], mu_[1] = mu[1], sigma_[0] = sigma[0], sigma_[1] = sigma[1];
    seed_ = static_cast<uint64_t>(t.get_int("seed", 1, Range::at_least(0)));
    offset_ = t.get_int("trajectory_offset", 0, Range::at_least(0));
    m_ = subset_size(model_.dim(), t.get_double("partial_fraction", 0.2, Range{0.0, 1.0, true, false}));
    forces_ = t.get_bool("save_forces", false);
    clip_ = t.get_bool("clip_initial", true);
    output_ = t.get_string("output", "predator_prey.h5");
  }

  void run(RunContext& ctx) override {
    const int P = comm_size(ctx.comm), rank = comm_rank(ctx.comm), N = model_.dim();
    const size_t per = static_cast<size_t>(T_) * N;
    std::vector<double> states(K_ * per, 0.0), forces(forces_ ? K_ * per : 0, 0.0), params(K_ * 2, 0.0),
        obs(K_ * T_ * 2, 0.0), pf_val(K_ * T_ * m_, 0.0);
    std::vector<int64_t> pf_idx(K_ * T_ * m_, 0);
    std::vector<double> f(N);
    for (long k = rank; k < K_; k += P) {
      const uint64_t g = static_cast<uint64_t>(offset_ + k);
      const CounterRng rng(seed_, kStreamParams);
      const double mu = mu_[0] + (mu_[1] - mu_[0]) * rng.uniform(g, 0, 0);
      const double sigma = sigma_[0] + (sigma_[1] - sigma_[0]) * rng.uniform(g, 0, 1);
      params[2 * k] = mu, params[2 * k + 1] = sigma;
      std::vector<double> x(N);
      model_.initial(mu, sigma, x.data(), clip_);
      for (long s = 0; s < T_; ++s) {
        if (s > 0)
          for (long q = 0; q < sub_; ++q) model_.rk4_step(x, dt_);
        std::copy(x.begin(), x.end(), states.begin() + k * per + s * N);
        if (forces_) {
          model_.force(x.data(), f.data());
          std::copy(f.begin(), f.end(), forces.begin() + k * per + s * N);
        }
        double su = 0, sv = 0;
        for (int i = 0; i < model_.cells; ++i) su += x[i], sv += x[model_.cells + i];
        obs[(k * T_ + s) * 2] = su / model_.cells;
        obs[(k * T_ + s) * 2 + 1] = sv / model_.cells;
        const auto ids = random_subset(N, m_, seed_, (kStreamPartial << 40) + g, static_cast<uint32_t>(s));
        for (long q = 0; q < m_; ++q) {
          pf_idx[(k * T_ + s) * m_ + q] = ids[q];
          pf_val[(k * T_ + s) * m_ + q] = model_.force_at(x.data(), static_cast<int>(ids[q]));
        }
      }
    }
    // Every entry was computed by exactly one rank (others hold zeros): a sum gathers them exactly.
    auto sum = [&](auto& v, MPI_Datatype type) {
      if (P > 1) MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), type, MPI_SUM, ctx.comm);
    };
    sum(states, MPI_DOUBLE), sum(forces, MPI_DOUBLE), sum(params, MPI_DOUBLE), sum(obs, MPI_DOUBLE);
    sum(pf_val, MPI_DOUBLE), sum(pf_idx, MPI_INT64_T);
    std::vector<double> times(T_);
    for (long s = 0; s < T_; ++s) times[s] = s * save_;
    const hsize_t K = K_, T = T_, Nh = N, m = m_;
    auto file = io::H5File::create(ctx.path(output_), ctx.comm);
    io::write_provenance(file, ctx);
    file.write_replicated("/states", {K, T, Nh}, states.data());
    if (forces_) file.write_replicated("/forces", {K, T, Nh}, forces.data());
    file.write_replicated("/times", {T}, times.data());
    file.write_replicated("/parameters", {K, 2}, params.data());
    file.write_replicated("/observables", {K, T, 2}, obs.data());
    file.write_replicated("/partial_forces/indices", {K, T, m}, pf_idx.data());
    file.write_replicated("/partial_forces/values", {K, T, m}, pf_val.data());
    file.set_attr("/", "system", std::string("predator_prey"));
    file.set_attr("/", "dt", dt_);
    file.set_attr("/", "integrator", std::string("classical RK4"));
    file.set_attr("/", "layout", std::string("states (traj, time, [u_1..u_50, v_1..v_50]); observables (mean u, "
                                             "mean v); parameters (mu, sigma)"));
    file.commit();
    log::info("predator_prey: wrote ", K_, " trajectories x ", T_, " snapshots to ", ctx.path(output_));
  }

 private:
  Model model_;
  long K_ = 16, T_ = 301, sub_ = 1000, offset_ = 0, m_ = 20;
  double save_ = 0.1, dt_ = 1e-4, mu_[2] = {0, 0.2}, sigma_[2] = {0.4, 0.6};
  uint64_t seed_ = 1;
  bool forces_ = false, clip_ = true;
  std::string output_;
};

}  // namespace

std::unique_ptr<Stage> make_predator_prey_simulate_stage(const ConfigTable& table) {
  return std::make_unique<PredatorPreySimulate>(table);
}

}  // namespace macrodyn::predator_prey
