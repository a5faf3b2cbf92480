// The stages of src/nn/ (see cmake/MacrodynStageFolders.cmake for the convention).
#include "nn/nn_bench.hpp"

namespace macrodyn {

void register_nn_stages(StageRegistry& registry) {
  registry.add("bench", "nn", nn::make_nn_bench,
               "training step of reference models (--cases [names] --precision float|double --steps n)");
}

}  // namespace macrodyn
