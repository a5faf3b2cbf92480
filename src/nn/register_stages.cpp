#include "nn/register_stages.hpp"

namespace macrodyn {

void register_nn_stages(StageRegistry& registry) {
  nn::register_nn_bench(registry);
}

}  // namespace macrodyn
