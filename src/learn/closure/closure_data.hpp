#pragma once
// The microscopic data a closure stage reads: a simulate stage's HDF5 output.
//
// Expected datasets: /states (K, T, N) (predator-prey) or (K, T, n, n) (Allen-Cahn, flattened to
// N = n*n in row-major (y, x) order); /times (T); optionally /forces (same shape as /states),
// /partial_forces/indices, /partial_forces/values (K, T, m), and /snapshots_kept (K): trajectory k holds
// data only in snapshots s < snapshots_kept[k] (the tail is NaN / index -1 and is never read); without
// it every trajectory has T snapshots. Attribute "system"; the fixed observable's parameters
// (fixed_observable_parameter_names, e.g. Allen-Cahn "eps") are root attributes.
// Configurations are taken in trajectory order (trajectory 0's kept snapshots, then trajectory 1's ...),
// and "the first n configurations" means exactly that (the reference bookkeeping of Table 2). With
// snapshot_stride = s > 1 each trajectory contributes only its kept snapshots 0, s, 2s, ... (in the same
// order), so n configurations spread over about s times as many trajectories.
// A `simulate lj` file (H5MD layout) is read by lj_closure_data.hpp instead.
// Every rank reads the same (replicated) arrays; only the trajectories needed are read.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "learn/closure/fixed_observable.hpp"

namespace macrodyn::closure {

struct ClosureData {
  std::string path, system;
  ObservableParameters observable_parameters;
  size_t configs = 0, times = 0, state_dim = 0, partial = 0;  // times = T slots per trajectory in the file
  double snapshot_dt = 0;                                     // time between consecutive configurations
  std::vector<double> time_values;                            // T
  // Trajectory k's configurations are [trajectory_start[k], trajectory_start[k+1]); the last one read
  // may be cut by max_configs (whole(k) says whether all its kept snapshots were read).
  std::vector<size_t> trajectory_start;                       // (trajectories read) + 1
  std::vector<size_t> trajectory_kept;                        // kept snapshots of each trajectory read
                                                              // (after the snapshot stride)
  std::vector<float> states;                                  // configs x N (configuration-major)
  std::vector<double> forces;                                 // configs x N when read
  std::vector<int64_t> partial_index;                         // configs x m when read
  std::vector<double> partial_value;                          // configs x m when read
  const float* state(size_t s) const { return states.data() + s * state_dim; }
  size_t trajectories() const { return trajectory_kept.size(); }
  size_t length(size_t k) const { return trajectory_start[k + 1] - trajectory_start[k]; }
  bool whole(size_t k) const { return length(k) == trajectory_kept[k]; }
};

// How a microstate is represented to the networks. Only the Lennard-Jones reader uses it:
//   lj_positions = "absolute":     x = (r, v), r the unwrapped positions as stored;
//   lj_positions = "displacement": x = ((r - r_0) / s, v), r_0 the positions at the first frame of the
//                                  frame's trajectory, s = position_scale.
// The map x -> x' is affine with a constant per trajectory, so the force transforms as f' = (v / s, F)
// (dx'/dt), the partial-force rows of velocities likewise, and a latent velocity J' f' equals J f of the
// same encoder written in the original coordinates. The temperature reads the velocity block only,
// which is left as is, so its value and gradient are unchanged (dT/dr' = s dT/dr = 0).
struct StateRepresentation {
  std::string lj_positions = "absolute";
  double position_scale = 1.0;
  bool displacement() const { return lj_positions == "displacement"; }
};

struct ClosureDataRequest {
  long max_configs = 0;  // 0: every configuration in the file
  long max_trajectories = 0;  // 0: no limit; else only the first this many trajectories
  long snapshot_stride = 1;   // every this many kept snapshots of each trajectory (not for LJ files)
  bool forces = false;
  bool partial_forces = false;
  StateRepresentation representation;
};

ClosureData read_closure_data(const std::string& path, MPI_Comm comm, const ClosureDataRequest& request);

// For Lennard-Jones data read with lj_positions = "displacement" and position_scale = 1: the scale s
// that gives the position block (r - r_0) / s the root-mean-square of the velocity block, over every
// configuration and coordinate of `data`. Fails on data that is not LJ.
double lj_balanced_position_scale(const ClosureData& data);

}  // namespace macrodyn::closure
