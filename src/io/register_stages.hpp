#pragma once
#include "core/stage.hpp"

namespace macrodyn {
// bench hdf5_io
void register_io_stages(StageRegistry& registry);
}  // namespace macrodyn
