// `simulate` stage for system = "predator_prey" ([Partial observations] §5.1, B.1; scheme in predator_prey_model.hpp).
//
// Keys [defaults]: convention = "physical" | "reference" (sets the defaults below), trajectories = 16 (K),
//   t_final = 30, save_interval = 0.1, integrator = "rk4" | "euler", dt = 1e-4 (must divide save_interval
//   and keep the scheme stable: dt * 4 c <= 2.7 for RK4, <= 2 for Euler, c the diffusion coefficient),
//   diffusion_units = "physical" (c = 1/dx^2) | "grid" (c = 1), mu = [0, 0.2] (mean of u),
//   sigma = [0.4, 0.6] (amplitude), clip_initial = true (see predator_prey_model.hpp: that IC is
//   negative where sigma > mu and then blows up), seed = 1, trajectory_offset = 0,
//   partial_fraction = 0.2 (|I| = round(100 p)), partial_draw = "exact" (|I| distinct coordinates) |
//   "with_replacement" (|I| independent uniform draws, as the reference's Table 2), save_forces = false,
//   output = "predator_prey.h5".
// convention = "reference" (the paper's data as its authors generated it) changes the defaults to:
//   integrator = "euler", dt = 0.01, diffusion_units = "grid", mu = [0.4, 0.6], sigma = [0, 0.2],
//   clip_initial = false, t_final = 29.9 (300 snapshots every 10th step). Test data: integrator = "rk4".
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

constexpr uint64_t kStreamParams = 0x9901, kStreamPartial = 0x9902, kStreamReplacement = 0x9903;

class PredatorPreySimulate : public Stage {
 public:
  explicit PredatorPreySimulate(const ConfigTable& t) {
    const bool ref = t.get_string("convention", "physical", {"physical", "reference"}) == "reference";
    K_ = t.get_int("trajectories", 16, Range::at_least(1));
    const double t_final = t.get_double("t_final", ref ? 29.9 : 30.0, Range::positive());
    save_ = t.get_double("save_interval", 0.1, Range::positive());
    euler_ = t.get_string("integrator", ref ? "euler" : "rk4", {"rk4", "euler"}) == "euler";
    model_.grid_units = t.get_string("diffusion_units", ref ? "grid" : "physical", {"physical", "grid"}) == "grid";
    dt_ = t.get_double("dt", ref ? 0.01 : 1e-4, Range::positive());
    const double limit = euler_ ? 2.0 : 2.7, lambda = 4.0 * model_.diffusion_coefficient();
    if (dt_ * lambda > limit)
      t.fail_at("dt", cat(euler_ ? "Euler" : "RK4", " is unstable here: need dt <= ", limit / lambda));
    sub_ = std::lround(save_ / dt_);
    if (std::abs(sub_ * dt_ - save_) > 1e-9 * save_) t.fail_at("dt", "must divide save_interval");
    T_ = std::lround(t_final / save_) + 1;
    auto mu = t.get_doubles("mu", ref ? std::vector<double>{0.4, 0.6} : std::vector<double>{0.0, 0.2});
    auto sigma = t.get_doubles("sigma", ref ? std::vector<double>{0.0, 0.2} : std::vector<double>{0.4, 0.6});
    if (mu.size() != 2 || mu[0] > mu[1]) t.fail_at("mu", "must be [lo, hi]");
    if (sigma.size() != 2 || sigma[0] > sigma[1]) t.fail_at("sigma", "must be [lo, hi]");
    mu_[0] = mu[0], mu_[1] = mu[1], sigma_[0] = sigma[0], sigma_[1] = sigma[1];
    replacement_ = t.get_string("partial_draw", "exact", {"exact", "with_replacement"}) == "with_replacement";
    seed_ = static_cast<uint64_t>(t.get_int("seed", 1, Range::at_least(0)));
    offset_ = t.get_int("trajectory_offset", 0, Range::at_least(0));
    m_ = subset_size(model_.dim(), t.get_double("partial_fraction", 0.2, Range{0.0, 1.0, true, false}));
    forces_ = t.get_bool("save_forces", false);
    clip_ = t.get_bool("clip_initial", !ref);
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
          for (long q = 0; q < sub_; ++q) euler_ ? model_.euler_step(x, dt_) : model_.rk4_step(x, dt_);
        std::copy(x.begin(), x.end(), states.begin() + k * per + s * N);
        if (forces_) {
          model_.force(x.data(), f.data());
          std::copy(f.begin(), f.end(), forces.begin() + k * per + s * N);
        }
        double su = 0, sv = 0;
        for (int i = 0; i < model_.cells; ++i) su += x[i], sv += x[model_.cells + i];
        obs[(k * T_ + s) * 2] = su / model_.cells;
        obs[(k * T_ + s) * 2 + 1] = sv / model_.cells;
        const auto ids = replacement_ ? draws_with_replacement(N, g, s)
                                      : random_subset(N, m_, seed_, (kStreamPartial << 40) + g, static_cast<uint32_t>(s));
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
    file.set_attr("/", "integrator", std::string(euler_ ? "explicit Euler" : "classical RK4"));
    file.set_attr("/", "diffusion_coefficient", model_.diffusion_coefficient());
    file.set_attr("/", "partial_draw", std::string(replacement_ ? "with_replacement" : "exact"));
    file.set_attr("/", "layout", std::string("states (traj, time, [u_1..u_50, v_1..v_50]); observables (mean u, "
                                             "mean v); parameters (mu, sigma)"));
    file.commit();
    log::info("predator_prey: wrote ", K_, " trajectories x ", T_, " snapshots to ", ctx.path(output_));
  }

 private:
  // m coordinates drawn independently and uniformly (repeats allowed), keyed by (trajectory, snapshot).
  std::vector<int64_t> draws_with_replacement(int N, uint64_t g, long s) const {
    const CounterRng rng(seed_, (kStreamReplacement << 40) + g);
    std::vector<int64_t> ids(static_cast<size_t>(m_));
    for (long q = 0; q < m_; ++q)
      ids[q] = static_cast<int64_t>(rng.below(static_cast<uint64_t>(N), static_cast<uint64_t>(q), static_cast<uint32_t>(s)));
    return ids;
  }

  Model model_;
  long K_ = 16, T_ = 301, sub_ = 1000, offset_ = 0, m_ = 20;
  double save_ = 0.1, dt_ = 1e-4, mu_[2] = {0, 0.2}, sigma_[2] = {0.4, 0.6};
  uint64_t seed_ = 1;
  bool forces_ = false, clip_ = true, euler_ = false, replacement_ = false;
  std::string output_;
};

}  // namespace

std::unique_ptr<Stage> make_predator_prey_simulate_stage(const ConfigTable& table) {
  return std::make_unique<PredatorPreySimulate>(table);
}

}  // namespace macrodyn::predator_prey
