#pragma once
// train stage, method = "selfsimilar": the two training stages of the self-similar framework
// (self-similar dynamics paper, sec. II B). Deck keys (defaults):
//   system = "cellular_automata"    the data's system: "cellular_automata" (keys below), "diffusion"
//                                   (diffusion_pipeline.hpp), "vicsek" (vicsek_pipeline.hpp; keys
//                                   data_prefix, sizes, time_groups, space_groups, first_step,
//                                   last_step, hidden, holdout, dynamics_* / coarse_*, autoencode_weight)
//   data = "cellular_automata.h5"   simulate stage output in the run directory
//   file = "selfsimilar_ca_models.h5"   models and loss curves (ca_pipeline.hpp)
//   rules = []                      rules to learn (empty: every rule in the data)
//   group_sizes = [2, 3, 4]         N: coarse-graining kernel = stride = N in time and space
//   holdout = 0.1                   fraction of each rule's samples held out for evaluation
//   self_similar = true             false: non-self-similar baseline (macro dynamics trained jointly; every system)
//   dynamics_batch = 90, dynamics_epochs = 30, dynamics_lr = 1e-2, dynamics_weight_decay = 0,
//   dynamics_stop_loss = 1e-4       stage 1 (Adam; stop after the first epoch with loss below)
//   dynamics_restarts = 5, dynamics_restart_loss = 1e-2   stage 1 is run again from a new
//                                   initialisation while a training cell is predicted wrong or the
//                                   last loss is above restart_loss (ca_pipeline_train.cpp)
//   coarse_batch = 90, coarse_epochs = 10, coarse_lr = 1e-2, coarse_weight_decay = 0,
//   coarse_stop_loss = 0            stage 2
//   seed = 1
#include "core/stage.hpp"

namespace macrodyn::selfsimilar {

std::unique_ptr<Stage> make_selfsimilar_train_stage(const ConfigTable& table);

}  // namespace macrodyn::selfsimilar
