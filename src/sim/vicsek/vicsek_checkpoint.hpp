#pragma once
// Checkpoint of a stopped `simulate vicsek` sweep (io::CheckpointWriter, kind "vicsek_simulate"):
// which run of the sweep (flat index over sizes x etas x repeats) and step it stood at, that run's
// order-parameter history, the summary of the runs already finished, the deck's fingerprint, and
// every particle's exact state (x, y, u_x, u_y: heading as a quantised unit vector) in global-id order. The state is global: any rank count
// reads it (each rank an id block; VicsekModel::restore hands particles to their owners), and since
// the model is bitwise rank-count invariant the resumed sweep writes what an uninterrupted one would.
// load validates before use: kind, version, shapes (particles N x 4, phi step + 1, summaries), counts.
#include <string>
#include <vector>

#include "sim/vicsek/vicsek_model.hpp"

namespace macrodyn::vicsek {

struct SweepCheckpoint {
  long run = 0;                          // flat index of the interrupted run
  long step = 0;                         // steps done in that run
  std::vector<double> phi;               // phi(0..step) of that run
  std::vector<double> phi_mean, phi_std; // summary of the sweep so far (NaN: not done)
  std::string fingerprint;               // deck keys that shape the sweep
  long n_particles = 0;                  // N of the interrupted run (load only)
  std::vector<int64_t> ids;              // this rank's id block (load only)
  std::vector<double> state;             // (x, y, u_x, u_y) of those ids (load only)
};

// Collective over comm, the stage's communicator (the model's ranks). Not the decomposition's
// Cartesian communicator: Open MPI's OMPIO (4.1) was seen to corrupt collective HDF5 writes on it.
void save_sweep_checkpoint(const std::string& path, MPI_Comm comm, const VicsekModel& model, const SweepCheckpoint& c);
// `summary_size` is this deck's number of runs; a checkpoint that disagrees is refused.
SweepCheckpoint load_sweep_checkpoint(const std::string& path, MPI_Comm comm, size_t summary_size);

}  // namespace macrodyn::vicsek
