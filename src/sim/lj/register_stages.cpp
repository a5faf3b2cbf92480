#include "sim/lj/register_stages.hpp"

#include "sim/lj/lj_stage_registration.hpp"

namespace macrodyn {

void register_lj_stages(StageRegistry& registry) {
  lj::register_lj_bench(registry);
  lj::register_lj_simulate(registry);
}

}  // namespace macrodyn
