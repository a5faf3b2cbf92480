#include "learn/closure/closure_bench.hpp"
#include "learn/closure/closure_evaluate_stage.hpp"
#include "learn/closure/closure_train_stage.hpp"
#include "learn/closure/pooled_bench.hpp"

namespace macrodyn {

void register_closure_stages(StageRegistry& registry) {
  registry.add("train", "closure", closure::make_closure_train_stage,
               "closure from partial forces: phase = autoencoder (L_AE with condition-number loss) | latent "
               "(L_z, L_x, L_x,p)");
  registry.add("evaluate", "closure", closure::make_closure_evaluate_stage,
               "closure: RK4 rollouts of latent models vs encoded test trajectories, mean relative error");
  registry.add("bench", "closure", closure::make_closure_bench,
               "closure training steps: autoencoder with condition-number loss (N = 100, 40000), L_x,p latent step "
               "(--steps 20 --latent_state_dims [1000, 1000000])");
  registry.add("bench", "closure_pooled", closure::make_pooled_closure_bench,
               "pooled LJ closure model at 10^4 - 10^6 atoms split over ranks: time per autoencoder / latent epoch, "
               "memory (--atoms 100000 --configurations 4 --epochs 2 --partial_atoms 50)");
}

}  // namespace macrodyn
