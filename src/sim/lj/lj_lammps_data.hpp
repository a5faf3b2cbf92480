#pragma once
// LAMMPS data files (atom_style atomic) for running the same configuration here and in LAMMPS:
//   read:  header "N atoms", "xlo xhi" (y, z), sections "Atoms # atomic" (id type x y z [ix iy iz])
//          and optional "Velocities" (id vx vy vz); Masses and other headers are skipped. Positions
//          are shifted so the box starts at 0; ids 1..N become 0..N-1. Every rank parses the file and
//          keeps its id block (fine for the sizes such files are used for).
//   write: rank 0 writes all atoms in id order with image flags and velocities, %.17g (exact
//          round trip), to path.tmp then renames.
//   validation (before anything is allocated or trusted; errors name file:line and the reason):
//          the atom count is a positive integer below 2^53 whose memory estimate fits this node;
//          box bounds finite with lo < hi, orthogonal box, no bonds/angles; the Atoms (and
//          Velocities) section holds exactly N lines, each with an id in 1..N (no id twice), a type
//          in 1..ntypes and finite numbers; unknown header lines are refused.
// Also reads a frame of an H5MD file written by simulate lj (position = unwrapped, velocity), with
// shapes (frames, N, 3), 3 positive box edges, the frame in range, N within memory, finite values
// checked.
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
