#pragma once
// evaluate stage, method = "selfsimilar": held-out accuracy of the dynamics learner and the
// consistency of the learnt coarse-grainings (self-similar dynamics paper, eq. 6, Table I, Fig. 3).
// Deck keys (defaults):
//   system = "cellular_automata"         or "diffusion" (diffusion_pipeline.hpp), "vicsek"
//                                        (vicsek_pipeline.hpp: keys data_prefix, models, file)
//   data = "cellular_automata.h5"        the simulate stage output the models were trained on
//   models = "selfsimilar_ca_models.h5"  the train stage output
//   file = "selfsimilar_ca_results.h5"   results (ca_pipeline.hpp)
//   patterns = [60, 85]                  rules whose space-time patterns are stored (Fig. 3)
// Prints `selfsimilar ca rule<R> accuracy <a>` and `selfsimilar ca rule<R> N<n> consistency <c>`.
#include "core/stage.hpp"

namespace macrodyn::selfsimilar {

std::unique_ptr<Stage> make_selfsimilar_evaluate_stage(const ConfigTable& table);

}  // namespace macrodyn::selfsimilar
