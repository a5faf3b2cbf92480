#pragma once
// The microscopic data a closure stage reads: a simulate stage's HDF5 output.
//
// Expected datasets (the grid simulators' layout): /states (K, T, N); /times (T); optionally
// /forces (K, T, N) and /partial_forces/indices, /partial_forces/values (K, T, m); attribute "system".
// Configurations are taken in trajectory order (trajectory 0's T snapshots, then trajectory 1's ...),
// and "the first n configurations" means exactly that (the reference bookkeeping of Table 2).
// Every rank reads the same (replicated) arrays; only the trajectories needed are read.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace macrodyn::closure {

struct ClosureData {
  std::string path, system;
  size_t configs = 0, times = 0, state_dim = 0, partial = 0;  // partial = m coordinates per configuration
  double snapshot_dt = 0;                                     // times[1] - times[0]
  std::vector<double> time_values;                            // T
  std::vector<float> states;                                  // configs x N (configuration-major)
  std::vector<double> forces;                                 // configs x N when read
  std::vector<int64_t> partial_index;                         // configs x m when read
  std::vector<double> partial_value;                          // configs x m when read
  const float* state(size_t s) const { return states.data() + s * state_dim; }
};

struct ClosureDataRequest {
  long max_configs = 0;  // 0: every configuration in the file
  bool forces = false;
  bool partial_forces = false;
};

ClosureData read_closure_data(const std::string& path, MPI_Comm comm, const ClosureDataRequest& request);

}  // namespace macrodyn::closure
