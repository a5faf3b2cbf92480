#pragma once
// bench halo_exchange: 2-D ghost exchange rate.
#include "core/stage.hpp"

namespace macrodyn {

std::unique_ptr<Stage> make_halo_exchange_bench(const ConfigTable& table);

}  // namespace macrodyn
