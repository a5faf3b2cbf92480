// The stages of src/sim/allen_cahn/ (see cmake/MacrodynStageFolders.cmake for the convention).
#include "sim/allen_cahn/allen_cahn_bench.hpp"
#include "sim/allen_cahn/allen_cahn_simulate_stage.hpp"

namespace macrodyn {

void register_allen_cahn_stages(StageRegistry& registry) {
  registry.add("simulate", "allen_cahn", allen_cahn::make_allen_cahn_simulate_stage,
               "2-D Allen-Cahn torus trajectories with free energy and partial forces (domain-decomposed)");
  registry.add("bench", "allen_cahn", allen_cahn::make_allen_cahn_bench,
               "Allen-Cahn blocked Euler step rate and roofline (--n --steps --weak --time_block --strip_cols --bandwidth --cache_n)");
  registry.add("bench", "allen_cahn_rk4", allen_cahn::make_allen_cahn_rk4_bench,
               "Allen-Cahn RK4 (dt = 0.1 h^2) vs blocked Euler steps/s and time to t_final (--n --steps --t_final)");
  registry.add("bench", "partial_forces", allen_cahn::make_partial_forces_bench,
               "Allen-Cahn partial-force cost per entry on grids of side 200 and 4096 (--sides --count --repeats)");
}

}  // namespace macrodyn
