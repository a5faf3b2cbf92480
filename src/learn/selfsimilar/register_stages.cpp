#include "core/stage.hpp"
#include "learn/selfsimilar/selfsimilar_bench.hpp"
#include "learn/selfsimilar/selfsimilar_evaluate_stage.hpp"
#include "learn/selfsimilar/selfsimilar_train_stage.hpp"

namespace macrodyn {

void register_selfsimilar_stages(StageRegistry& registry) {
  registry.add("bench", "selfsimilar", selfsimilar::make_selfsimilar_bench,
               "training step of the self-similar learners: Vicsek coarse-graining (L 64, batch 32), Vicsek and CA "
               "dynamics (--cases --precision float|double --steps n)");
  registry.add("train", "selfsimilar", selfsimilar::make_selfsimilar_train_stage,
               "self-similar dynamics: dynamics learner, then coarse-grainer + decoder with it frozen and shared");
  registry.add("evaluate", "selfsimilar", selfsimilar::make_selfsimilar_evaluate_stage,
               "self-similar dynamics: held-out prediction, reconstruction and consistency (CA, diffusion, Vicsek)");
}

}  // namespace macrodyn
