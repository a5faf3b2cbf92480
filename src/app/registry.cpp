#include "app/registry.hpp"

#include "stage_folders.hpp"  // generated: one register_<folder>_stages per src folder with stages

namespace macrodyn {

StageRegistry build_registry() {
  StageRegistry registry;
  register_all_stages(registry);
  return registry;
}

}  // namespace macrodyn
