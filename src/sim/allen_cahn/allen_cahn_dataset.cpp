#include "sim/allen_cahn/allen_cahn_dataset.hpp"

#include <algorithm>
#include <limits>

#include "core/random_subset.hpp"
#include "core/runtime.hpp"
#include "io/provenance.hpp"
#include "io/xdmf.hpp"

namespace macrodyn::allen_cahn {

using io::Dims;

TrajectoryBuffer::TrajectoryBuffer(const SimulateConfig& c, const AllenCahnGrid& grid)
    : block(grid.nx() * grid.ny()), m(c.partial_count) {
  const size_t T = static_cast<size_t>(c.snapshots);
  states.resize(T * block);
  if (c.save_forces) forces.resize(T * block);
  energy.resize(T);
  pf_index.resize(T * m);
  pf_value.resize(T * m);
}

std::vector<int64_t> partial_force_ids(const SimulateConfig& c, long trajectory, long snapshot) {
  const int64_t n = c.model.n;
  const uint64_t stream = (kStreamPartialForces << 40) + static_cast<uint64_t>(trajectory);
  if (c.partial_draw == PartialDraw::Distinct)
    return random_subset(n * n, c.partial_count, c.seed, stream, static_cast<uint32_t>(snapshot));
  // Independent draws: draw k uses counter (k, snapshot) of the same stream.
  const CounterRng rng(c.seed, stream);
  std::vector<int64_t> ids(static_cast<size_t>(c.partial_count));
  for (size_t k = 0; k < ids.size(); ++k)
    ids[k] = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n * n), k, static_cast<uint32_t>(snapshot)));
  std::sort(ids.begin(), ids.end());
  return ids;
}

void TrajectoryBuffer::pad_unkept() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const size_t first = static_cast<size_t>(count);
  std::fill(states.begin() + first * block, states.end(), nan);
  if (!forces.empty()) std::fill(forces.begin() + first * block, forces.end(), nan);
  std::fill(energy.begin() + first, energy.end(), nan);
  std::fill(pf_index.begin() + first * m, pf_index.end(), int64_t{-1});
  std::fill(pf_value.begin() + first * m, pf_value.end(), nan);
}

bool TrajectoryBuffer::record(const SimulateConfig& c, const AllenCahnGrid& grid, long trajectory) {
  if (count >= c.snapshots) fail("Allen-Cahn: more snapshots than the ", c.snapshots, " planned");
  const double e = grid.free_energy();
  if (c.stop_energy > 0.0 && e <= c.stop_energy) return false;
  grid.copy_owned(states.data() + count * block);
  if (c.save_forces) {
    AllenCahnGrid::Owned f(Kokkos::view_alloc(Kokkos::WithoutInitializing, "allen_cahn_force"), grid.ny(), grid.nx());
    grid.force(f);
    auto host = Kokkos::create_mirror_view(f);
    Kokkos::deep_copy(host, f);
    std::copy(host.data(), host.data() + block, forces.begin() + count * block);
  }
  energy[count] = e;
  const std::vector<int64_t> ids = partial_force_ids(c, trajectory, count);
  const std::vector<double> values = grid.partial_forces(ids);
  std::copy(ids.begin(), ids.end(), pf_index.begin() + count * m);
  std::copy(values.begin(), values.end(), pf_value.begin() + count * m);
  ++count;
  return true;
}

DatasetWriter::DatasetWriter(const std::string& path, const RunContext& ctx, const SimulateConfig& c,
                             const AllenCahnGrid& grid)
    : file_(io::H5File::create(path, ctx.comm)), c_(c), grid_(grid) {
  io::write_provenance(file_, ctx);
  const hsize_t T = c.snapshots, n = c.model.n, m = c.partial_count;
  // Chunks of whole rows, about 1 MiB, one snapshot deep.
  const hsize_t rows = std::max<hsize_t>(1, std::min<hsize_t>(n, (1u << 17) / n));
  if (c.float_fields) {
    file_.create_series<float>("/states", {T, n, n}, {1, rows, n});
    if (c.save_forces) file_.create_series<float>("/forces", {T, n, n}, {1, rows, n});
  } else {
    file_.create_series<double>("/states", {T, n, n}, {1, rows, n});
    if (c.save_forces) file_.create_series<double>("/forces", {T, n, n}, {1, rows, n});
  }
  file_.set_attr("/", "field_precision", std::string(c.float_fields ? "float" : "double"));
  file_.create_series<double>("/parameters", {2});
  file_.create_series<double>("/free_energy", {T});
  file_.create_series<int64_t>("/partial_forces/indices", {T, m});
  file_.create_series<double>("/partial_forces/values", {T, m});
  std::vector<double> times(T);
  for (hsize_t s = 0; s < T; ++s) times[s] = static_cast<double>(s * c.save_every) * c.dt;
  file_.write_replicated("/times", {T}, times.data());
  file_.set_attr("/", "system", std::string("allen_cahn"));
  file_.set_attr("/", "n", static_cast<int64_t>(c.model.n));
  file_.set_attr("/", "h", c.model.h);
  file_.set_attr("/", "eps", c.model.eps);
  file_.set_attr("/", "dt", c.dt);
  file_.set_attr("/", "steps", static_cast<int64_t>(c.steps));
  file_.set_attr("/", "save_every", static_cast<int64_t>(c.save_every));
  file_.set_attr("/", "partial_fraction", c.partial_fraction);
  file_.set_attr("/", "seed", static_cast<int64_t>(c.seed));
  file_.set_attr("/", "trajectory_offset", static_cast<int64_t>(c.trajectory_offset));
  file_.set_attr("/", "trajectories", static_cast<int64_t>(c.trajectories));
  file_.set_attr("/", "integrator", std::string(c.integrator == Integrator::Rk4
                                                    ? "rk4"
                                                    : "euler_blocked (explicit Euler, dt <= 1/(4/h^2 + 2/eps^2))"));
  file_.set_attr("/", "stop_energy", c.stop_energy);
  file_.set_attr("/", "partial_draw",
                 std::string(c.partial_draw == PartialDraw::Distinct ? "distinct" : "with_replacement"));
  file_.set_attr("/", "layout",
                 std::string("states/forces (traj, time, y, x), cell centres ((x+1/2)h, (y+1/2)h); "
                             "partial_forces/indices = y*n + x; parameters = (r1, r2)"));
  file_.set_attr("/parameters", "names", std::string("r1 r2"));
}

void DatasetWriter::append(const TrajectoryBuffer& b, double r1, double r2) {
  const hsize_t T = c_.snapshots, m = c_.partial_count;
  const Dims offset{0, static_cast<hsize_t>(grid_.y0()), static_cast<hsize_t>(grid_.x0())};
  const Dims local{T, static_cast<hsize_t>(grid_.ny()), static_cast<hsize_t>(grid_.nx())};
  auto append_field = [&](const char* name, const std::vector<double>& values) {
    if (!c_.float_fields) return file_.append_frame(name, offset, local, values.data());
    const std::vector<float> narrow(values.begin(), values.end());
    file_.append_frame(name, offset, local, narrow.data());
  };
  append_field("/states", b.states);
  if (c_.save_forces) append_field("/forces", b.forces);
  // Replicated per-trajectory data: rank 0 writes it.
  const bool root = comm_rank(file_.comm()) == 0;
  const double params[2] = {r1, r2};
  file_.append_frame("/parameters", {0}, {root ? 2u : 0u}, params);
  file_.append_frame("/free_energy", {0}, {root ? T : 0}, b.energy.data());
  file_.append_frame("/partial_forces/indices", {0, 0}, {root ? T : 0, m}, b.pf_index.data());
  file_.append_frame("/partial_forces/values", {0, 0}, {root ? T : 0, m}, b.pf_value.data());
  kept_.push_back(b.count);
  ++written_;
}

void DatasetWriter::copy_from(const std::string& old_path, long count) {
  auto old = io::H5File::open_read(old_path, file_.comm());
  if (old.attr_int("/", "n") != c_.model.n || old.attr_double("/", "dt") != c_.dt ||
      old.dims("/states").size() != 4 || static_cast<long>(old.dims("/states")[0]) < count ||
      static_cast<long>(old.dims("/states")[1]) != c_.snapshots)
    fail(old_path, ": the dataset of the interrupted run does not match this deck (n, dt, snapshots) or holds fewer "
                   "than the ",
         count, " trajectories the checkpoint says are done");
  TrajectoryBuffer b(c_, grid_);
  const hsize_t T = c_.snapshots, m = c_.partial_count;
  const Dims local{1, T, static_cast<hsize_t>(grid_.ny()), static_cast<hsize_t>(grid_.nx())};
  for (long k = 0; k < count; ++k) {
    const hsize_t kk = static_cast<hsize_t>(k);
    const Dims offset{kk, 0, static_cast<hsize_t>(grid_.y0()), static_cast<hsize_t>(grid_.x0())};
    old.read("/states", offset, local, b.states.data());
    if (c_.save_forces) old.read("/forces", offset, local, b.forces.data());
    double params[2];
    old.read("/parameters", {kk, 0}, {1, 2}, params);
    old.read("/free_energy", {kk, 0}, {1, T}, b.energy.data());
    old.read("/partial_forces/indices", {kk, 0, 0}, {1, T, m}, b.pf_index.data());
    old.read("/partial_forces/values", {kk, 0, 0}, {1, T, m}, b.pf_value.data());
    int64_t kept = 0;
    old.read("/snapshots_kept", {kk}, {1}, &kept);
    b.count = static_cast<long>(kept);
    append(b, params[0], params[1]);
  }
}

void DatasetWriter::finish(bool complete) {
  const std::vector<int64_t> kept(kept_.begin(), kept_.end());
  // (HDF5 cannot write an empty dataset here: a file stopped before its first trajectory has none.)
  if (!kept.empty()) file_.write_replicated("/snapshots_kept", {static_cast<hsize_t>(kept.size())}, kept.data());
  file_.set_attr("/", "trajectories_complete", static_cast<int64_t>(written_));
  file_.set_attr("/", "complete", static_cast<int64_t>(complete ? 1 : 0));
  const std::string path = file_.path();
  file_.commit();
  // (The XDMF writer describes 8-byte fields: no companion for float fields.)
  if (comm_rank(file_.comm()) != 0 || c_.xdmf_trajectories == 0 || c_.float_fields) return;
  const hsize_t T = c_.snapshots, n = c_.model.n, K = written_;
  io::XdmfGrid2D grid{c_.model.n, c_.model.n, 0.0, 0.0, c_.model.h, c_.model.h};
  std::vector<io::XdmfAttribute> attributes{{"v", "/states", {K, T, n, n}, {}}};
  if (c_.save_forces) attributes.push_back({"force", "/forces", {K, T, n, n}, {}});
  std::vector<io::XdmfCollection> collections;
  for (hsize_t k = 0; k < std::min<hsize_t>(K, c_.xdmf_trajectories); ++k) {
    io::XdmfCollection col{cat("trajectory_", k), {}};
    for (hsize_t s = 0; s < static_cast<hsize_t>(kept_[k]); ++s)
      col.frames.push_back({static_cast<double>(s * c_.save_every) * c_.dt, {k, s}});
    collections.push_back(std::move(col));
  }
  const size_t dot = path.rfind('.');
  io::write_xdmf_2d((dot == std::string::npos ? path : path.substr(0, dot)) + ".xdmf", io::path_basename(path), grid,
                    attributes, collections);
}

}  // namespace macrodyn::allen_cahn
