#pragma once
// bench stage, case = "macronet": one training step of the MacroNet oscillator stack.
//
//   macrodyn bench macronet [--precision float|double] [--steps 20] [--blocks 20] [--hidden 64]
//                           [--batch 256] [--coupling realnvp|resflow]
// The stack of inputs/macronet/oscillator.toml: shared weights, noisy kernel 2 -> 8, `blocks` x
// (LU linear + coupling + batch norm), split to 1 dim; a step = zero grads + forward of the u and v
// batches (2 x batch columns) + pair loss + backward + NAdam, on one rank. Each step is timed on its
// own after two warm-up steps. Prints "bench macronet oscillator_ms_per_step <median> ms".
#include <memory>

#include "core/stage.hpp"

namespace macrodyn::macronet {

std::unique_ptr<Stage> make_macronet_bench_stage(const ConfigTable& table);

}  // namespace macrodyn::macronet
