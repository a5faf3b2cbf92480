#pragma once
// Closure data from a `simulate lj` file (H5MD layout, src/sim/lj/lj_dataset.hpp): the microstate of a
// frame is x = (positions, velocities) (N = 6 N_atoms values, unwrapped positions, atom-id order),
// its force f(x) = (velocities, forces) (unit masses); a partial force of atom a (an entry of
// /partial_forces/index) gives the 6 coordinates 3a+c (value v_a,c) and 3 N_atoms + 3a+c (value F_a,c),
// so m = 6 x (atoms per frame). Frames are grouped into trajectories by /particles/all/trajectory
// (consecutive equal ids); /times are trajectory 0's frame times.
// With request.representation.lj_positions = "displacement" the position block is (r - r_0) / s and the
// position rows of the force (and of partial forces) are v / s (closure_data.hpp, StateRepresentation).
#include "io/h5file.hpp"
#include "learn/closure/closure_data.hpp"

namespace macrodyn::closure {

bool is_lj_dataset(const io::H5File& f);
ClosureData read_lj_closure_data(const io::H5File& f, const ClosureDataRequest& request);

}  // namespace macrodyn::closure
