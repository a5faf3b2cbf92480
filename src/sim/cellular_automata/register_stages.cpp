// The stages of src/sim/cellular_automata/ (see cmake/MacrodynStageFolders.cmake for the convention).
#include "sim/cellular_automata/ca_simulate_stage.hpp"

namespace macrodyn {

void register_cellular_automata_stages(StageRegistry& registry) {
  registry.add("simulate", "cellular_automata", ca::make_ca_simulate_stage,
               "elementary cellular automata (Wolfram rules 0-255), periodic rows -> space-time HDF5 dataset");
}

}  // namespace macrodyn
