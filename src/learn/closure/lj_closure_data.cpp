#include "learn/closure/lj_closure_data.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace macrodyn::closure {

namespace {
const char* const kPosition = "/particles/all/position/value";
const char* const kVelocity = "/particles/all/velocity/value";
const char* const kForce = "/particles/all/force/value";

// Frames [first, first + count) of a (frames, atoms, 3) dataset, `width` = 3 atoms values each.
std::vector<double> frames_of(const io::H5File& f, const std::string& name, size_t first, size_t count, size_t width) {
  std::vector<double> out(count * width);
  if (count > 0) f.read<double>(name, {first, 0, 0}, {count, width / 3, 3}, out.data());
  return out;
}
}  // namespace

bool is_lj_dataset(const io::H5File& f) { return f.exists(kPosition); }

ClosureData read_lj_closure_data(const io::H5File& f, const ClosureDataRequest& request) {
  ClosureData d;
  d.path = f.path();
  d.system = "lj";
  const auto pdims = f.dims(kPosition);
  if (pdims.size() != 3 || pdims[2] != 3) fail(d.path, ": ", kPosition, " must be (frames, atoms, 3)");
  const size_t frames = pdims[0], atoms = pdims[1], A3 = 3 * atoms;
  d.state_dim = 2 * A3;
  const auto traj = f.read_all<int64_t>("/particles/all/trajectory");
  const auto time = f.read_all<double>("/particles/all/time");
  if (traj.size() != frames || time.size() != frames) fail(d.path, ": /particles/all/{trajectory,time} do not match the frames");
  // Trajectories = runs of equal ids; only the first max_trajectories of them.
  std::vector<size_t> start{0};
  for (size_t s = 1; s < frames; ++s)
    if (traj[s] != traj[s - 1]) start.push_back(s);
  start.push_back(frames);
  size_t K = start.size() - 1;
  if (frames == 0) K = 0;
  if (request.max_trajectories > 0) K = std::min(K, static_cast<size_t>(request.max_trajectories));
  const size_t all = K > 0 ? start[K] : 0;
  if (request.max_configs > 0 && static_cast<size_t>(request.max_configs) > all)
    fail(d.path, ": asked for ", request.max_configs, " configurations, the file has ", all, " frames");
  d.configs = request.max_configs > 0 ? static_cast<size_t>(request.max_configs) : all;
  d.times = K > 0 ? start[1] : 0;
  d.time_values.assign(time.begin(), time.begin() + static_cast<long>(d.times));
  d.snapshot_dt = d.times > 1 ? time[1] - time[0] : 0.0;
  d.trajectory_start.push_back(0);
  for (size_t k = 0; k < K && d.trajectory_start.back() < d.configs; ++k) {
    d.trajectory_start.push_back(std::min(start[k + 1], d.configs));
    d.trajectory_kept.push_back(start[k + 1] - start[k]);
  }
  const size_t C = d.configs;
  const auto& rep = request.representation;
  if (rep.lj_positions != "absolute" && rep.lj_positions != "displacement")
    fail(d.path, ": unknown LJ position representation '", rep.lj_positions, "' (absolute | displacement)");
  if (!(rep.position_scale > 0)) fail(d.path, ": LJ position_scale must be positive, got ", rep.position_scale);
  // Position block and the factor of the velocity in the position rows of the force (dx'/dt).
  const double inv_scale = rep.displacement() ? 1.0 / rep.position_scale : 1.0;
  if (request.forces && !f.exists(kForce)) fail(d.path, ": no ", kForce, " (run simulate lj with full_forces = true)");
  size_t m = 0;
  std::vector<int64_t> ids;
  std::vector<double> pf;
  if (request.partial_forces) {
    if (!f.exists("/partial_forces/index")) fail(d.path, ": no /partial_forces (partial_atoms = 0)");
    m = f.dims("/partial_forces/index").at(1);
    ids.resize(C * m), pf.resize(C * m * 3);
    if (C > 0) {
      f.read<int64_t>("/partial_forces/index", {0, 0}, {C, m}, ids.data());
      f.read<double>("/partial_forces/value", {0, 0, 0}, {C, m, 3}, pf.data());
    }
    d.partial = 6 * m;
    d.partial_index.resize(C * d.partial);
    d.partial_value.resize(C * d.partial);
  }
  d.states.resize(C * d.state_dim);
  if (request.forces) d.forces.resize(C * d.state_dim);
  // One trajectory at a time (a 51200-atom trajectory of 251 frames is 0.3 GB per array in double; all
  // of them at once would be several times the float states).
  for (size_t k = 0; k < d.trajectories(); ++k) {
    const size_t s0 = d.trajectory_start[k], n = d.trajectory_start[k + 1] - s0;
    const auto x = frames_of(f, kPosition, s0, n, A3);
    const auto v = frames_of(f, kVelocity, s0, n, A3);
    const auto F = request.forces ? frames_of(f, kForce, s0, n, A3) : std::vector<double>();
    for (size_t t = 0; t < n; ++t) {
      float* state = d.states.data() + (s0 + t) * d.state_dim;
      for (size_t i = 0; i < A3; ++i) {
        // Displacement from the trajectory's first frame (t = 0 of this block) when asked.
        state[i] = static_cast<float>(rep.displacement() ? (x[t * A3 + i] - x[i]) * inv_scale : x[t * A3 + i]);
        state[A3 + i] = static_cast<float>(v[t * A3 + i]);
      }
      if (request.forces) {
        double* force = d.forces.data() + (s0 + t) * d.state_dim;
        for (size_t i = 0; i < A3; ++i) force[i] = v[t * A3 + i] * inv_scale, force[A3 + i] = F[t * A3 + i];
      }
      const size_t s = s0 + t;
      for (size_t j = 0; j < m; ++j) {
        const int64_t a = ids[s * m + j];
        if (a < 0 || a >= static_cast<int64_t>(atoms)) fail(d.path, ": partial-force atom ", a, " outside [0, ", atoms, ")");
        for (size_t c = 0; c < 3; ++c) {
          const size_t e = s * d.partial + 6 * j;
          d.partial_index[e + c] = 3 * a + static_cast<int64_t>(c);
          d.partial_value[e + c] = v[t * A3 + 3 * static_cast<size_t>(a) + c] * inv_scale;
          d.partial_index[e + 3 + c] = static_cast<int64_t>(A3) + 3 * a + static_cast<int64_t>(c);
          d.partial_value[e + 3 + c] = pf[(s * m + j) * 3 + c];
        }
      }
    }
  }
  return d;
}

namespace {
void require_lj(const ClosureData& d) {
  if (d.system != "lj" || d.state_dim % 6 != 0) fail(d.path, ": LJ position scaling on ", d.system, " data");
}
}  // namespace

double lj_balanced_position_scale(const ClosureData& d) {
  require_lj(d);
  const size_t A3 = d.state_dim / 2;
  double sx = 0, sv = 0;
  for (size_t s = 0; s < d.configs; ++s) {
    const float* x = d.state(s);
    for (size_t i = 0; i < A3; ++i) sx += double(x[i]) * x[i], sv += double(x[A3 + i]) * x[A3 + i];
  }
  if (!(sx > 0) || !(sv > 0)) fail(d.path, ": cannot balance position and velocity scales (a block is zero)");
  return std::sqrt(sx / sv);
}

}  // namespace macrodyn::closure
