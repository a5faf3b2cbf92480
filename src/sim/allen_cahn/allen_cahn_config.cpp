#include "sim/allen_cahn/allen_cahn_config.hpp"

#include <cmath>

#include "core/random_subset.hpp"
#include "core/rng.hpp"

namespace macrodyn::allen_cahn {

namespace {
void range_pair(const ConfigTable& t, const std::string& key, double lo, double hi, double& out_lo, double& out_hi) {
  auto v = t.get_doubles(key, {lo, hi}, Range::closed(0.0, 0.75));
  if (v.size() != 2 || !(v[0] <= v[1])) t.fail_at(key, "must be [lo, hi] with lo <= hi");
  out_lo = v[0];
  out_hi = v[1];
}
}  // namespace

TimeBlocking parse_blocking(const ConfigTable& t) {
  TimeBlocking b;
  b.steps = t.get_int("time_block", b.steps, Range::closed(1, 64));
  b.strip_cols = t.get_int("strip_cols", b.strip_cols, Range::at_least(1));
  return b;
}

SimulateConfig SimulateConfig::parse(const ConfigTable& t) {
  SimulateConfig c;
  const long n = t.get_int("n", 200, Range::at_least(2));
  double eps;
  const double points = t.get_double("interface_points", 10.0, Range::positive());
  const double ref_h = t.get_double("interface_h", 1.0 / 200.0, Range::positive());
  eps = t.has("eps") ? t.require_double("eps", Range::positive()) : Model::eps_from_interface(points, ref_h);
  c.model = Model::make(n, eps);
  const bool rk4 = t.get_string("integrator", "euler_blocked", {"euler_blocked", "rk4"}) == "rk4";
  c.integrator = rk4 ? Integrator::Rk4 : Integrator::EulerBlocked;
  const double dt_max = rk4 ? c.model.dt_max_rk4() : c.model.dt_max();
  c.dt = t.get_double("dt", rk4 ? 0.1 * c.model.h * c.model.h : dt_max, Range::positive());
  if (c.dt > dt_max * (1.0 + 1e-12))
    t.fail_at("dt", rk4 ? cat("dt = ", c.dt, " exceeds RK4's stability bound 2.78/(8/h^2 + 2/eps^2) = ", dt_max,
                              " for n = ", n, ", eps = ", eps, " (see allen_cahn_model.hpp)")
                        : cat("dt = ", c.dt, " exceeds the stability bound 1/(4/h^2 + 2/eps^2) = ", dt_max,
                              " for n = ", n, ", eps = ", eps, " (explicit Euler; see allen_cahn_model.hpp)"));
  if (t.has("steps")) {
    if (t.has("t_final")) t.fail_at("steps", "give either steps or t_final, not both");
    c.steps = t.get_int("steps", 1, Range::at_least(1));
  } else {
    const double t_final = t.get_double("t_final", 1.0, Range::positive());
    c.steps = static_cast<long>(std::ceil(t_final / c.dt * (1.0 - 1e-12)));
  }
  c.save_every = t.get_int("save_every", 100, Range::at_least(1));
  c.snapshots = c.steps / c.save_every + 1;
  c.stop_energy = t.get_double("stop_energy", 0.0, Range::non_negative());
  c.trajectories = t.get_int("trajectories", 4, Range::at_least(1));
  c.trajectory_offset = t.get_int("trajectory_offset", 0, Range::at_least(0));
  range_pair(t, "r1", 0.3, 0.4, c.r1_lo, c.r1_hi);
  range_pair(t, "r2", 0.1, 0.15, c.r2_lo, c.r2_hi);
  if (c.r2_hi >= c.r1_lo) t.fail_at("r2", "the inner radius range must lie below the outer radius range r1");
  c.seed = static_cast<uint64_t>(t.get_int("seed", 1, Range::at_least(0)));
  c.partial_fraction = t.get_double("partial_fraction", 0.04, Range{0.0, 1.0, true, false});
  c.partial_count = subset_size(n * n, c.partial_fraction);
  c.partial_draw = t.get_string("partial_draw", "distinct", {"distinct", "with_replacement"}) == "distinct"
                       ? PartialDraw::Distinct
                       : PartialDraw::WithReplacement;
  c.save_forces = t.get_bool("save_forces", false);
  c.float_fields = t.get_string("field_precision", "double", {"double", "float"}) == "float";
  c.output = t.get_string("output", "allen_cahn.h5");
  if (c.output.empty()) t.fail_at("output", "must not be empty");
  c.xdmf_trajectories = t.get_int("xdmf_trajectories", 4, Range::at_least(0));
  c.checkpoint_every = t.get_int("checkpoint_every", 0, Range::at_least(0));
  c.stop_check_every = t.get_int("stop_check_every", 100, Range::at_least(1));
  c.restart = t.get_bool("restart", true);
  auto pg = t.get_ints("process_grid", {0, 0}, Range::at_least(0));
  if (pg.size() != 2) t.fail_at("process_grid", "must have two entries [px, py]");
  c.process_grid = {static_cast<int>(pg[0]), static_cast<int>(pg[1])};
  c.blocking = parse_blocking(t);
  return c;
}

std::string SimulateConfig::checkpoint_name() const {
  const size_t dot = output.rfind('.');
  return (dot == std::string::npos ? output : output.substr(0, dot)) + ".checkpoint.h5";
}

void sample_radii(const SimulateConfig& c, long index, double& r1, double& r2) {
  const CounterRng rng(c.seed, kStreamParameters);
  r1 = c.r1_lo + (c.r1_hi - c.r1_lo) * rng.uniform(static_cast<uint64_t>(index), 0, 0);
  r2 = c.r2_lo + (c.r2_hi - c.r2_lo) * rng.uniform(static_cast<uint64_t>(index), 0, 1);
}

}  // namespace macrodyn::allen_cahn
