#pragma once
// Small helpers of the particle exchange: a growable message buffer with its host mirror (MPI only
// sees host memory, so the code stays correct for device memory spaces; on host spaces the mirror
// is the same allocation and to_host/to_dev copy nothing), and KArray, a fixed-size array that can
// be captured by Kokkos kernels (std::array is not usable in device code).
#include <Kokkos_Core.hpp>

#include <array>
#include <cstddef>

namespace macrodyn {

template <class T, int N>
struct KArray {
  T v[N];
  KOKKOS_INLINE_FUNCTION KArray() : v{} {}
  explicit KArray(const std::array<T, N>& a) {
    for (int i = 0; i < N; ++i) v[i] = a[i];
  }
  KOKKOS_INLINE_FUNCTION T& operator[](int i) { return v[i]; }
  KOKKOS_INLINE_FUNCTION const T& operator[](int i) const { return v[i]; }
};

template <class MemSpace>
struct CommBuffer {
  using Dev = Kokkos::View<double*, MemSpace>;
  Dev dev{"particle_comm_buffer", 0};
  typename Dev::HostMirror host = Kokkos::create_mirror_view(dev);

  // Capacity for at least n doubles (contents are not kept).
  void ensure(size_t n) {
    if (n <= dev.extent(0)) return;
    dev = Dev(Kokkos::view_alloc(Kokkos::WithoutInitializing, "particle_comm_buffer"), n + n / 4 + 64);
    host = Kokkos::create_mirror_view(dev);
  }
  void to_host(size_t n) {
    if (n == 0 || host.data() == dev.data()) return;
    Kokkos::deep_copy(Kokkos::subview(host, std::make_pair(size_t(0), n)), Kokkos::subview(dev, std::make_pair(size_t(0), n)));
  }
  void to_dev(size_t n) {
    if (n == 0 || host.data() == dev.data()) return;
    Kokkos::deep_copy(Kokkos::subview(dev, std::make_pair(size_t(0), n)), Kokkos::subview(host, std::make_pair(size_t(0), n)));
  }
};

}  // namespace macrodyn
