#pragma once
// LJ system checkpoints (io::CheckpointWriter, kind "lj"): per-atom arrays in global-id order
// (N x 3: position, velocity, image, x0, position at the last list build), box, step, parameters.
// load_checkpoint + LjSystem::restore continue bit-identically (see LjSystem::restore).
#include <string>

#include "sim/lj/lj_system.hpp"

namespace macrodyn::lj {

void save_checkpoint(const std::string& path, const LjSystem& sys);

struct CheckpointState {
  std::array<double, 3> box{};
  int64_t n_atoms = 0;
  long step = 0;
  HostAtoms atoms;  // this rank's id block
};
CheckpointState load_checkpoint(const std::string& path, MPI_Comm comm);

}  // namespace macrodyn::lj
