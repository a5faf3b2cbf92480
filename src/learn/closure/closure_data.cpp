#include "learn/closure/closure_data.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "io/h5file.hpp"
#include "learn/closure/lj_closure_data.hpp"

namespace macrodyn::closure {

namespace {

// Appends snapshots 0, stride, ..., (rows - 1) stride of trajectory k of `name` ((K, T, ...) with the
// trailing dims flattened to `width` values) to out: one read when stride = 1, else one per snapshot.
template <class T, class Out>
void append_rows(const io::H5File& f, const std::string& name, size_t k, size_t rows, size_t stride, size_t width,
                 std::vector<Out>& out) {
  const auto dims = f.dims(name);
  size_t w = 1;
  for (size_t i = 2; i < dims.size(); ++i) w *= dims[i];
  if (w != width) fail(f.path(), ": ", name, " has ", w, " values per snapshot, expected ", width);
  const size_t per_read = stride == 1 ? rows : 1;
  io::Dims offset(dims.size(), 0), local = dims;
  offset[0] = k, local[0] = 1, local[1] = per_read;
  std::vector<T> buffer(per_read * width);
  for (size_t r = 0; r < rows; r += per_read) {
    offset[1] = r * stride;
    f.read<T>(name, offset, local, buffer.data());
    out.insert(out.end(), buffer.begin(), buffer.end());
  }
}

}  // namespace

ClosureData read_closure_data(const std::string& path, MPI_Comm comm, const ClosureDataRequest& request) {
  const auto f = io::H5File::open_read(path, comm);
  if (request.snapshot_stride < 1) fail(path, ": snapshot stride ", request.snapshot_stride, " must be at least 1");
  if (is_lj_dataset(f)) {
    if (request.snapshot_stride != 1) fail(path, ": a snapshot stride is not supported for Lennard-Jones files");
    return read_lj_closure_data(f, request);
  }
  ClosureData d;
  d.path = path;
  if (!f.exists("/states")) fail(path, ": no /states dataset (expected a simulate stage's output)");
  d.system = f.has_attr("/", "system") ? f.attr_string("/", "system") : std::string("unknown");
  for (const auto& name : fixed_observable_parameter_names(d.system)) {
    if (!f.has_attr("/", name)) fail(path, ": no root attribute '", name, "' (the ", d.system, " observable needs it)");
    d.observable_parameters[name] = f.attr_double("/", name);
  }
  const auto dims = f.dims("/states");
  if (dims.size() != 3 && dims.size() != 4) fail(path, ": /states must be (trajectories, times, N) or (trajectories, times, n, n)");
  const size_t K = dims[0], T = dims[1];
  d.times = T;
  d.state_dim = dims.size() == 3 ? dims[2] : dims[2] * dims[3];
  d.time_values = f.read_all<double>("/times");
  if (d.time_values.size() != T) fail(path, ": /times has ", d.time_values.size(), " entries, /states ", T, " times");
  const size_t stride = static_cast<size_t>(request.snapshot_stride);
  d.snapshot_dt = T > 1 ? stride * (d.time_values[1] - d.time_values[0]) : 0.0;
  std::vector<int64_t> kept(K, static_cast<int64_t>(T));
  if (f.exists("/snapshots_kept")) {
    kept = f.read_all<int64_t>("/snapshots_kept");
    if (kept.size() != K) fail(path, ": /snapshots_kept has ", kept.size(), " entries, /states ", K, " trajectories");
    for (auto s : kept)
      if (s < 0 || s > static_cast<int64_t>(T)) fail(path, ": /snapshots_kept entry ", s, " outside [0, ", T, "]");
  }
  for (auto& s : kept) s = (s + static_cast<int64_t>(stride) - 1) / static_cast<int64_t>(stride);
  const size_t Kmax = request.max_trajectories > 0 ? std::min(K, static_cast<size_t>(request.max_trajectories)) : K;
  size_t all = 0;
  for (size_t k = 0; k < Kmax; ++k) all += static_cast<size_t>(kept[k]);
  if (request.max_configs > 0 && static_cast<size_t>(request.max_configs) > all)
    fail(path, ": asked for ", request.max_configs, " configurations, the file has ", all, " (", Kmax,
         " trajectories of up to ", T, " kept snapshots, snapshot stride ", stride, ")");
  d.configs = request.max_configs > 0 ? static_cast<size_t>(request.max_configs) : all;
  if (request.forces && !f.exists("/forces")) fail(path, ": no /forces (run the simulate stage with save_forces = true)");
  if (request.partial_forces) {
    if (!f.exists("/partial_forces/indices")) fail(path, ": no /partial_forces");
    d.partial = f.dims("/partial_forces/indices").at(2);
  }
  const size_t N = d.state_dim;
  d.states.reserve(d.configs * N);
  d.trajectory_start.push_back(0);
  for (size_t k = 0, read = 0; read < d.configs; ++k) {
    const size_t rows = std::min(static_cast<size_t>(kept[k]), d.configs - read);
    append_rows<double>(f, "/states", k, rows, stride, N, d.states);
    if (request.forces) append_rows<double>(f, "/forces", k, rows, stride, N, d.forces);
    if (request.partial_forces) {
      append_rows<int64_t>(f, "/partial_forces/indices", k, rows, stride, d.partial, d.partial_index);
      append_rows<double>(f, "/partial_forces/values", k, rows, stride, d.partial, d.partial_value);
    }
    read += rows;
    d.trajectory_start.push_back(read);
    d.trajectory_kept.push_back(static_cast<size_t>(kept[k]));
  }
  for (int64_t i : d.partial_index)
    if (i < 0 || i >= static_cast<int64_t>(N)) fail(path, ": partial-force index ", i, " outside [0, ", N, ") in a kept snapshot");
  return d;
}

}  // namespace macrodyn::closure
