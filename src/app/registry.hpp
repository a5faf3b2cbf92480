#pragma once
#include "core/stage.hpp"

namespace macrodyn {
// Every stage and benchmark macrodyn knows. Each area registers its own in register_<area>_stages().
StageRegistry build_registry();
}  // namespace macrodyn
