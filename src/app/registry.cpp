#include "app/registry.hpp"

#include "decomp/register_stages.hpp"
#include "io/register_stages.hpp"

namespace macrodyn {

StageRegistry build_registry() {
  StageRegistry registry;
  register_decomp_stages(registry);
  register_io_stages(registry);
  return registry;
}

}  // namespace macrodyn
