#pragma once
// bench selfsimilar: one training step of the self-similar learners (selfsimilar_bench.cpp).
#include "core/stage.hpp"

namespace macrodyn::selfsimilar {

std::unique_ptr<Stage> make_selfsimilar_bench(const ConfigTable& table);

}  // namespace macrodyn::selfsimilar
