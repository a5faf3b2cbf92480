#pragma once
// LAMMPS data files (atom_style atomic) for running the same configuration here and in LAMMPS:
//   read:  header "N atoms", "xlo xhi" (y, z), sections "Atoms # atomic" (id type x y z [ix iy iz])
//          and optional "Velocities" (id vx vy vz); Masses and other headers are skipped. Positions
//          are shifted so the box starts at 0; ids 1..N become 0..N-1. Every rank parses the file and
//          keeps its id block (fine for the sizes such files are used for).
//   write: rank 0 writes all atoms in id order with image flags and velocities, %.17g (exact
//          round trip), to path.tmp then renames.
// Also reads a frame of an H5MD file written by simulate lj (position = unwrapped, velocity).
#include <array>
#include <string>

#include "sim/lj/lj_system.hpp"

namespace macrodyn::lj {

struct LoadedConfiguration {
  std::array<double, 3> box{};
  int64_t n_atoms = 0;
  bool has_velocities = false;
  HostAtoms atoms;  // this rank's id block
};

LoadedConfiguration read_lammps_data(const std::string& path, MPI_Comm comm);
void write_lammps_data(const std::string& path, const LjSystem& sys);
// frame < 0 counts from the end.
LoadedConfiguration read_h5md_frame(const std::string& path, long frame, MPI_Comm comm);

}  // namespace macrodyn::lj
