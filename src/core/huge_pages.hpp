#pragma once
// Transparent huge pages for large host arrays. A grid field of 2^28 doubles spans 2^19 small (4 KiB)
// pages, far beyond the TLB's reach, so every random access (partial forces) or new row (stencil
// sweeps) pays a page walk; 2 MiB pages cut those walks 512-fold. Linux backs a range with huge pages
// when asked with madvise(MADV_HUGEPAGE) before first touch, even with THP in "madvise" mode (the
// Debian default). Device memory and other systems: no-op.
#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>
#ifdef __linux__
#include <sys/mman.h>
#endif

namespace macrodyn {

// Call on freshly allocated, untouched memory; the advice covers the 2 MiB-aligned part of the range.
template <class MemorySpace>
void advise_huge_pages(void* data, size_t bytes) {
#ifdef __linux__
  if constexpr (std::is_same<MemorySpace, Kokkos::HostSpace>::value) {
    constexpr uintptr_t huge = uintptr_t(2) << 20;
    const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + huge - 1) & ~(huge - 1);
    const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(huge - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // advice only
  }
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace macrodyn
