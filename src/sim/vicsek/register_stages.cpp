// The stages of src/sim/vicsek/ (see cmake/MacrodynStageFolders.cmake for the convention).
#include "sim/vicsek/vicsek_bench.hpp"
#include "sim/vicsek/vicsek_simulate_stage.hpp"

namespace macrodyn {

void register_vicsek_stages(StageRegistry& registry) {
  registry.add("simulate", "vicsek", vicsek::make_vicsek_simulate_stage,
               "Vicsek model noise sweep (sizes x etas x repeats): phi(t), L x L x 3 lattice frames + XDMF");
  registry.add("bench", "vicsek", vicsek::make_vicsek_bench,
               "Vicsek particle steps/s (--L 1024 --rho 0.3 --eta 2.0 --steps 50 --warmup 5)");
}

}  // namespace macrodyn
