#pragma once
// bench stage, case = "macronet": one training step of the MacroNet oscillator stack and of the
// Gray-Scott pair.
//
//   macrodyn bench macronet [--precision float|double] [--steps 20] [--blocks 20] [--hidden 64]
//                           [--batch 256] [--coupling realnvp|resflow] [--systems [oscillator, gray_scott]]
//                           [--gs_batch 64] [--gs_steps 10]
// The stack of inputs/macronet/oscillator.toml: shared weights, noisy kernel 2 -> 8, `blocks` x
// (LU linear + coupling + batch norm), split to 1 dim; a step = zero grads + forward of the u and v
// batches (2 x batch columns) + pair loss + backward + NAdam, on one rank. Each step is timed on its
// own after two warm-up steps. Prints "bench macronet oscillator_ms_per_step <median> ms".
// Gray-Scott (inputs/macronet/gray_scott.toml at 64 x 64): phi_u = noisy kernel 3 -> 4, 5 blocks of
// (LU linear + RealNVP, hidden 64 + batch norm), keep 2; phi_v = CNN on 3 x 64 x 64 (stride-2 3x3
// periodic convs 16, 32, 32, 32, softplus, Dense 512 -> 2); a step = forward of both sides, pair
// loss with NLL_u, backward (phi_v: parameters only), NAdam, batch gs_batch. Prints
// "bench macronet gray_scott_ms_per_step <median> ms". Each system also prints the median process CPU
// time per step, "<system>_cpu_ms_per_step" (one thread: on a shared machine, closer to the wall
// time of an unloaded one). postprocess/macronet_torch_bench.py times
// the same two steps in PyTorch.
#include <memory>

#include "core/stage.hpp"

namespace macrodyn::macronet {

std::unique_ptr<Stage> make_macronet_bench_stage(const ConfigTable& table);

}  // namespace macrodyn::macronet
