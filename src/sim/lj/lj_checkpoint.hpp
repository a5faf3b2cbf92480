#pragma once
// LJ checkpoints (io::CheckpointWriter, kind "lj"): per-atom arrays in global-id order (N x 3:
// position, velocity, image, start position, position at the last list build), box, step,
// parameters, and where the simulate stage stood (trajectory, frames written, the deck's
// fingerprint). The state is global, not per rank: any rank count reads it (each rank reads an id
// block; LjSystem::restore hands the atoms to their owners) and continues bit-identically (see
// LjSystem::restore).
// load_checkpoint validates before use: kind and version, every array's shape (N x 3), the box
// (3 positive edges), N in [1, 2^53), finite values; failures name the file and the reason.
#include <string>

#include "sim/lj/lj_system.hpp"

namespace macrodyn::lj {

// Where a stopped `simulate lj` stage stood.
struct RunPosition {
  long trajectory = 0;      // trajectory being integrated (its state is the checkpoint's)
  long frames = 0;          // frames in the dataset file so far
  std::string fingerprint;  // the deck keys that shape the run (a foreign checkpoint is refused)
};

// Collective over comm, the system's ranks (the stage's communicator). Not the decomposition's
// Cartesian communicator: Open MPI's OMPIO (4.1) was seen to corrupt collective HDF5 writes on it.
void save_checkpoint(const std::string& path, MPI_Comm comm, const LjSystem& sys, const RunPosition& run = {});

struct CheckpointState {
  std::array<double, 3> box{};
  int64_t n_atoms = 0;
  long step = 0;
  Params params;       // dt, rc, skin of the checkpointed system
  RunPosition run;
  HostAtoms atoms;     // this rank's id block
};
CheckpointState load_checkpoint(const std::string& path, MPI_Comm comm);

}  // namespace macrodyn::lj
