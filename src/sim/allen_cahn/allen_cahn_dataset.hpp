#pragma once
// The Allen-Cahn dataset file (one HDF5 file per simulate stage, written collectively) and the
// per-trajectory buffer that fills it.
//
// Layout (K trajectories, T snapshots, n x n grid, m = |I| partial forces per snapshot):
//   /states                 (K, T, n, n)  v[traj, time, y, x], y = row (cell centre (y+1/2)h)
//   /forces                 (K, T, n, n)  f(v) = dv/dt          (only with save_forces)
//                                         (states and forces are float with field_precision = "float")
//   /times                  (T)
//   /parameters             (K, 2)        (r1, r2) of each trajectory
//   /free_energy            (K, T)        discrete E(v) (allen_cahn_model.hpp)
//   /partial_forces/indices (K, T, m)     int64 global cell ids y*n + x, sorted (repeats possible with
//                                         partial_draw = "with_replacement")
//   /partial_forces/values  (K, T, m)     f at those cells
//   /snapshots_kept         (K)           int64 S_k: snapshots 0..S_k-1 of trajectory k are data. S_k = T
//                                         unless stop_energy > 0 ended the trajectory early (its energy
//                                         reached stop_energy); the slots S_k..T-1 then hold NaN (states,
//                                         forces, free_energy, partial-force values) and index -1, so a
//                                         reader that ignores S_k fails loudly instead of training on them.
//   root attributes: system, n, h, eps, dt, steps, save_every, partial_fraction, partial_draw, seed,
//   integrator, stop_energy, field_precision, trajectory_offset, trajectories (requested K),
//   trajectories_complete, complete (0/1), provenance.
// Trajectories are appended as they finish (extendable first axis), each rank writing the hyperslab
// of its own block. A run stopped by a signal commits the file with the finished trajectories and
// complete = 0; the restarted run copies them into its new file and goes on.
// An XDMF companion (<stem>.xdmf) lists the first xdmf_trajectories trajectories for ParaView.
#include <cstdint>
#include <string>
#include <vector>

#include "core/stage.hpp"
#include "io/h5file.hpp"
#include "sim/allen_cahn/allen_cahn_config.hpp"
#include "sim/allen_cahn/allen_cahn_grid.hpp"

namespace macrodyn::allen_cahn {

// Snapshots of the trajectory being computed: this rank's block of the states (and forces), and the
// replicated free energy and partial forces.
struct TrajectoryBuffer {
  long count = 0;                // snapshots recorded
  long block = 0;                // ny * nx owned cells
  long m = 0;                    // |I|
  std::vector<double> states;    // (T, ny, nx)
  std::vector<double> forces;    // (T, ny, nx) when save_forces
  std::vector<double> energy;    // (T)
  std::vector<int64_t> pf_index; // (T, m)
  std::vector<double> pf_value;  // (T, m)

  TrajectoryBuffer(const SimulateConfig& c, const AllenCahnGrid& grid);
  // Records snapshot `count` of global trajectory `trajectory` (collective). Returns false, recording
  // nothing, when stop_energy > 0 and the free energy is <= stop_energy: the trajectory ends there.
  bool record(const SimulateConfig& c, const AllenCahnGrid& grid, long trajectory);
  // Fills the slots count..T-1 with NaN (index -1): the layout of a trajectory that ended early.
  void pad_unkept();
};

// Index set of snapshot `snapshot` of global trajectory `trajectory`: m cells, sorted; distinct
// (every m-subset equally likely) or m independent uniform draws, as partial_draw says.
std::vector<int64_t> partial_force_ids(const SimulateConfig& c, long trajectory, long snapshot);

class DatasetWriter {
 public:
  DatasetWriter(const std::string& path, const RunContext& ctx, const SimulateConfig& c, const AllenCahnGrid& grid);
  // Appends one finished trajectory (collective).
  void append(const TrajectoryBuffer& buffer, double r1, double r2);
  // Copies the first `count` trajectories of an earlier (partial) dataset file.
  void copy_from(const std::string& old_path, long count);
  // Final attributes, commit, XDMF companion (collective).
  void finish(bool complete);
  long trajectories() const { return written_; }

 private:
  std::vector<long> kept_;  // snapshots kept per written trajectory (XDMF lists only those)
  io::H5File file_;
  const SimulateConfig& c_;
  const AllenCahnGrid& grid_;
  long written_ = 0;
};

}  // namespace macrodyn::allen_cahn
