#include "learn/closure/closure_data.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "io/h5file.hpp"

namespace macrodyn::closure {

namespace {

template <class T>
std::vector<T> read_leading(const io::H5File& f, const std::string& name, size_t trajectories, size_t keep_rows) {
  const auto dims = f.dims(name);
  if (dims.size() != 3) fail(f.path(), ": ", name, " must be 3-D (trajectories, times, values)");
  std::vector<T> out(trajectories * dims[1] * dims[2]);
  f.read<T>(name, {0, 0, 0}, {trajectories, dims[1], dims[2]}, out.data());
  out.resize(keep_rows * dims[2]);
  return out;
}

}  // namespace

ClosureData read_closure_data(const std::string& path, MPI_Comm comm, const ClosureDataRequest& request) {
  const auto f = io::H5File::open_read(path, comm);
  ClosureData d;
  d.path = path;
  if (!f.exists("/states")) fail(path, ": no /states dataset (expected a simulate stage's output)");
  d.system = f.has_attr("/", "system") ? f.attr_string("/", "system") : std::string("unknown");
  const auto dims = f.dims("/states");
  if (dims.size() != 3) fail(path, ": /states must be (trajectories, times, N)");
  const size_t K = dims[0], T = dims[1];
  d.times = T;
  d.state_dim = dims[2];
  d.time_values = f.read_all<double>("/times");
  if (d.time_values.size() != T) fail(path, ": /times has ", d.time_values.size(), " entries, /states ", T, " times");
  d.snapshot_dt = T > 1 ? d.time_values[1] - d.time_values[0] : 0.0;
  const size_t all = K * T;
  d.configs = request.max_configs > 0 ? std::min(all, static_cast<size_t>(request.max_configs)) : all;
  if (request.max_configs > 0 && static_cast<size_t>(request.max_configs) > all)
    fail(path, ": asked for ", request.max_configs, " configurations, the file has ", all, " (", K, " x ", T, ")");
  const size_t traj = (d.configs + T - 1) / T;
  std::vector<double> states = read_leading<double>(f, "/states", traj, d.configs);
  d.states.assign(states.begin(), states.end());
  if (request.forces) {
    if (!f.exists("/forces")) fail(path, ": no /forces (run the simulate stage with save_forces = true)");
    d.forces = read_leading<double>(f, "/forces", traj, d.configs);
  }
  if (request.partial_forces) {
    if (!f.exists("/partial_forces/indices")) fail(path, ": no /partial_forces");
    d.partial = f.dims("/partial_forces/indices").at(2);
    d.partial_index = read_leading<int64_t>(f, "/partial_forces/indices", traj, d.configs);
    d.partial_value = read_leading<double>(f, "/partial_forces/values", traj, d.configs);
  }
  return d;
}

}  // namespace macrodyn::closure
