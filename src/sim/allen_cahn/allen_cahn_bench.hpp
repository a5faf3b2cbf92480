#pragma once
// bench allen_cahn (blocked Euler rate and roofline), bench allen_cahn_rk4 (RK4 vs blocked Euler),
// bench partial_forces (cost per partial-force entry).
#include "core/stage.hpp"

namespace macrodyn::allen_cahn {

std::unique_ptr<Stage> make_allen_cahn_bench(const ConfigTable& table);
std::unique_ptr<Stage> make_allen_cahn_rk4_bench(const ConfigTable& table);
std::unique_ptr<Stage> make_partial_forces_bench(const ConfigTable& table);

}  // namespace macrodyn::allen_cahn
