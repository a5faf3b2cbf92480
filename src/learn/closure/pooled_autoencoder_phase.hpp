#pragma once
// `train method = "closure" phase = "autoencoder" encoder = "pooled"`: trains the pooled autoencoder
// (pooled_autoencoder.hpp) on Lennard-Jones data, sets its latent normalization and writes it as the dense phase
// writes its autoencoder (same file layout: /autoencoder, /loss/*, /kappa, root attributes), so the latent phase
// and the evaluate stage take either kind of file.
#include "core/stage.hpp"
#include "learn/closure/autoencoder_training.hpp"

namespace macrodyn::closure {

void run_pooled_autoencoder_phase(RunContext& ctx, const ClosureData& data, const AutoencoderSpec& spec,
                                  const AutoencoderTrainingOptions& options, size_t chunk_atoms, const std::string& out);

}  // namespace macrodyn::closure
