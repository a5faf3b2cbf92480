#pragma once
// Elementary (1-D, two-state, nearest-neighbour) cellular automata in Wolfram's numbering.
//
// Rule r in [0, 255]: the neighbourhood (left, centre, right) read as the binary number
// n = 4*left + 2*centre + right selects bit n of r, which is the new centre value:
//     s_i(t+1) = (r >> (4 s_{i-1}(t) + 2 s_i(t) + s_{i+1}(t))) & 1
// e.g. rule 90 = 01011010b is s_{i-1} XOR s_{i+1}, rule 184 the traffic rule. Rows are periodic
// (s_{-1} = s_{W-1}, s_W = s_0) for any width W >= 1.
//
// evolve_spacetime() fills a space-time block st(sample, t, x), t = 0..T, from its t = 0 row with one
// Kokkos kernel per time step over (sample, x); every sample may have its own rule.
#include <Kokkos_Core.hpp>
#include <cstdint>

namespace macrodyn::ca {

KOKKOS_INLINE_FUNCTION uint8_t eca_next(int rule, uint8_t left, uint8_t centre, uint8_t right) {
  return static_cast<uint8_t>((rule >> ((left << 2) | (centre << 1) | right)) & 1);
}

// st: (samples, T+1, W) with row t = 0 set; rules: (samples) Wolfram rule numbers.
template <class ExecSpace, class SpaceTime, class Rules>
void evolve_spacetime(const SpaceTime& st, const Rules& rules) {
  const long ns = static_cast<long>(st.extent(0));
  const long nt = static_cast<long>(st.extent(1));
  const long w = static_cast<long>(st.extent(2));
  if (ns == 0 || w == 0) return;
  for (long t = 1; t < nt; ++t) {
    Kokkos::parallel_for(
        "eca_step", Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>({0, 0}, {ns, w}),
        KOKKOS_LAMBDA(long s, long x) {
          const long xl = x == 0 ? w - 1 : x - 1;
          const long xr = x == w - 1 ? 0 : x + 1;
          st(s, t, x) = eca_next(rules(s), st(s, t - 1, xl), st(s, t - 1, x), st(s, t - 1, xr));
        });
  }
  Kokkos::fence();
}

}  // namespace macrodyn::ca
