// Batch splitting on multi-threaded host spaces. See the header.
#include "nn/sample_blocks.hpp"

#include <algorithm>
#include <atomic>

namespace macrodyn::nn {

namespace {
std::atomic<int> forced_blocks{0};
}

int sample_blocks(size_t B) {
  if constexpr (!Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemSpace>::accessible) {
    return 0;
  } else {
    const int forced = forced_blocks.load();
    const int threads = forced > 0 ? forced : ExecSpace().concurrency();
    return threads > 1 && B > 1 ? static_cast<int>(std::min<size_t>(size_t(threads), B)) : 0;
  }
}

void force_sample_blocks(int n) { forced_blocks.store(std::max(0, n)); }

}  // namespace macrodyn::nn
