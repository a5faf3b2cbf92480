#include "core/stage.hpp"
#include "learn/selfsimilar/selfsimilar_evaluate_stage.hpp"
#include "learn/selfsimilar/selfsimilar_train_stage.hpp"

namespace macrodyn {

void register_selfsimilar_stages(StageRegistry& registry) {
  registry.add("train", "selfsimilar", selfsimilar::make_selfsimilar_train_stage,
               "self-similar dynamics: dynamics learner, then coarse-grainer + decoder with it frozen and shared");
  registry.add("evaluate", "selfsimilar", selfsimilar::make_selfsimilar_evaluate_stage,
               "self-similar dynamics: held-out next-state accuracy and consistency per rule and group size");
}

}  // namespace macrodyn
