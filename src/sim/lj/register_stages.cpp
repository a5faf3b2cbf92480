// The stages of src/sim/lj/ (see cmake/MacrodynStageFolders.cmake for the convention).
#include "sim/lj/lj_bench.hpp"
#include "sim/lj/lj_simulate_stage.hpp"

namespace macrodyn {

void register_lj_stages(StageRegistry& registry) {
  registry.add("simulate", "lj", lj::make_lj_simulate_stage,
               "Lennard-Jones NVE trajectories with observables and partial forces (H5MD layout)");
  registry.add("bench", "lj", lj::make_lj_bench,
               "LAMMPS in.lj: fcc 0.8442, 32000 atoms, 100 steps (--atoms N --steps S --newton true|false)");
}

}  // namespace macrodyn
