#pragma once
// Batch splitting on multi-threaded host spaces (Kokkos OpenMP): one contiguous block of samples
// (columns of a (features, batch) tensor) per thread, all of a block's work done by that thread inside
// one parallel region.
//
// A parallel region costs ~1.3 us of fork/join with 2 OpenMP threads on a 2-core Xeon, against
// ~0.17 us for a Serial launch. Small networks (a RealNVP conditioner, a latent MLP) launch hundreds of
// small per-layer kernels per step, so there the regions, not the arithmetic, set the speed. Work that
// treats each sample on its own (a Dense layer's y = W x + b and dx = W^T dy, activations, a conv's
// im2col) can instead run a whole layer sequence on a thread's samples in one region: the conv layers
// (conv_sample_blocks.cpp), Sequential, RealNVPCoupling and Flow do so. Device spaces and one-thread hosts
// get 0 blocks and keep their per-layer kernels.
#include <Kokkos_Core.hpp>

#include <cstddef>
#include <utility>

#include "nn/tensor.hpp"

namespace macrodyn::nn {

// Blocks for a batch of B samples: one per host thread (at most B), or 0 where batch splitting does
// not apply (device memory, one thread, B < 2).
int sample_blocks(size_t B);

// Tests: force_sample_blocks(n) makes sample_blocks count n threads on any host build (n >= 2: min(n, B)
// blocks, so the split paths run, and are compared with the per-layer kernels, in one-thread builds
// too; n = 1: never split, even with several threads); force_sample_blocks(0) restores the default.
void force_sample_blocks(int n);

// First and one-past-last sample of block p of `blocks` over B samples.
inline std::pair<size_t, size_t> block_range(size_t B, int p, int blocks) {
  return {B * size_t(p) / size_t(blocks), B * size_t(p + 1) / size_t(blocks)};
}

// f(p) for p in [0, blocks) as one host parallel region, then a fence. f runs host code (BLAS calls,
// virtual layer methods), so this is only reached where sample_blocks() returned blocks > 0.
template <class F>
void for_each_sample_block(const char* label, int blocks, const F& f) {
  Kokkos::parallel_for(label, Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, blocks),
                       [&](const int p) { f(p); });
  Kokkos::fence();
}

// f(b0, b1) for the sample range [b0, b1) of each block, as one host parallel region.
template <class F>
void for_each_sample_range(const char* label, int blocks, size_t B, const F& f) {
  for_each_sample_block(label, blocks, [&](const int p) {
    const auto range = block_range(B, p, blocks);
    f(range.first, range.second);
  });
}

}  // namespace macrodyn::nn
