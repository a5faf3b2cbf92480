#pragma once
// Bridges Kokkos 3.4 (Debian) and Kokkos 4.x (site builds): math functions usable in kernels live in
// Kokkos::Experimental in 3.x and in Kokkos in 4.x. Kernels call kmath::sqrt, kmath::exp, ...
#include <Kokkos_Core.hpp>

namespace macrodyn {
#if KOKKOS_VERSION >= 40000
namespace kmath = ::Kokkos;
#else
namespace kmath = ::Kokkos::Experimental;
#endif
}  // namespace macrodyn
