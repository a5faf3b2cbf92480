#pragma once
// im2col / col2im of the convolution layer (conv.hpp) on a padded copy of each input channel plane.
//
// pad_plane copies one input channel plane into a plane of padded_size(d) = in[d] + 2 p[d] per
// dimension, with its padding filled in (zeros, or the periodic wrap), and each row split into
// s[2] phases (positions x = ph, ph + s, ph + 2s, ... contiguous). Every window of every output
// then lies inside that plane and the entries one window offset reads along a row are contiguous, so
//   im2col_column  (one column of col: one channel and window offset) is a contiguous copy per
//                  output row, and
//   col2im_padded  (the adjoint, one channel) a contiguous accumulation per output row,
// without tests at the edges; unpad_plane folds the accumulator back onto the input plane (the
// wrapped halo added onto the positions it copies, or dropped for zero padding). Without padding
// and without overlapping strided windows (kernel 1, kernel = stride) the input plane itself is
// read, with stride s[2]. The order of every sum is fixed (window
// offset, output row, entry): deterministic, no atomics; channels are independent.
#include "nn/conv_geometry.hpp"

namespace macrodyn::nn {

KOKKOS_INLINE_FUNCTION int padded_size(const WindowGeometry& g, int d) { return g.in[d] + 2 * g.p[d]; }
KOKKOS_INLINE_FUNCTION bool has_padding(const WindowGeometry& g) { return g.p[0] + g.p[1] + g.p[2] > 0; }
// im2col reads copies of the planes when there is padding or when windows overlap along the last
// dimension with a stride (the copy then pays for itself: every entry is read k/s times);
// otherwise it reads the input planes themselves.
KOKKOS_INLINE_FUNCTION bool copies_planes(const WindowGeometry& g) {
  return has_padding(g) || (g.s[2] > 1 && g.k[2] > g.s[2]);
}
// A copied row is split into s[2] phases of phase_length entries: padded position x is at
// (x % s[2]) * phase_length + x / s[2], so the positions one window offset reads along a row are
// contiguous.
KOKKOS_INLINE_FUNCTION int phase_length(const WindowGeometry& g) { return (padded_size(g, 2) + g.s[2] - 1) / g.s[2]; }
KOKKOS_INLINE_FUNCTION int plane_row(const WindowGeometry& g) {
  return copies_planes(g) ? g.s[2] * phase_length(g) : g.in[2];
}
KOKKOS_INLINE_FUNCTION int plane_volume(const WindowGeometry& g) {
  return padded_size(g, 0) * padded_size(g, 1) * plane_row(g);
}

// d[i] = s[i * st], i < n (strides 1 and 2 as loops of their own, which the compiler vectorises).
// The stride-1 copy adds +0 (exact, but -0 becomes +0): a plain copy loop is turned into a memmove
// call, whose call overhead dominates for rows of a few dozen entries.
template <class T>
KOKKOS_INLINE_FUNCTION void strided_copy(T* KOKKOS_RESTRICT d, const T* KOKKOS_RESTRICT s, int n, int st) {
  if (st == 1)
    for (int i = 0; i < n; ++i) d[i] = s[i] + T(0);
  else if (st == 2)
    for (int i = 0; i < n; ++i) d[i] = s[2 * i];
  else
    for (int i = 0; i < n; ++i) d[i] = s[i * st];
}

// d[i * st] += s[i], i < n.
template <class T>
KOKKOS_INLINE_FUNCTION void strided_add(T* KOKKOS_RESTRICT d, const T* KOKKOS_RESTRICT s, int n, int st) {
  if (st == 1)
    for (int i = 0; i < n; ++i) d[i] += s[i];
  else
    for (int i = 0; i < n; ++i) d[i * st] += s[i];
}

// r[2j] += a[j], r[2j+1] += b[j] for 2j, 2j+1 < n: the interleave of two phases, as one loop that
// the compiler vectorises (a stride-2 accumulation alone is scalar).
template <class T>
KOKKOS_INLINE_FUNCTION void interleave_add(T* KOKKOS_RESTRICT r, const T* KOKKOS_RESTRICT a,
                                           const T* KOKKOS_RESTRICT b, int n) {
  for (int j = 0; j < n / 2; ++j) {
    r[2 * j] += a[j];
    r[2 * j + 1] += b[j];
  }
  if (n % 2) r[n - 1] += a[n / 2];
}

// Entries m of phase ph of a copied row whose padded position x = m*s[2] + ph is inside the input
// row: [lo, hi), 0 <= lo <= hi <= phase_length.
KOKKOS_INLINE_FUNCTION void phase_interior(const WindowGeometry& g, int ph, int& lo, int& hi) {
  const int st = g.s[2], q = phase_length(g), a = g.p[2] - ph, e = g.in[2] + g.p[2] - ph;
  lo = a <= 0 ? 0 : (a + st - 1) / st;
  hi = e <= 0 ? 0 : (e + st - 1) / st;
  lo = lo < q ? lo : q;
  hi = hi < lo ? lo : (hi < q ? hi : q);
}

// xp (plane_volume entries) = the input plane xc (in_volume entries) with its padding, rows split
// into phases.
template <class T>
KOKKOS_INLINE_FUNCTION void pad_plane(const WindowGeometry& g, const T* xc, T* xp) {
  const int P0 = padded_size(g, 0), P1 = padded_size(g, 1), P2 = padded_size(g, 2), R = plane_row(g);
  const int n2 = g.in[2], p2 = g.p[2], st = g.s[2], q = phase_length(g);
  for (int z = 0; z < P0; ++z) {
    int iz = z - g.p[0];
    const bool zin = g.fold(0, iz);
    for (int y = 0; y < P1; ++y) {
      int iy = y - g.p[1];
      T* const d = xp + (size_t(z) * P1 + y) * R;
      if (!zin || !g.fold(1, iy)) {
        for (int x = 0; x < R; ++x) d[x] = T(0);
        continue;
      }
      const T* const r = xc + (size_t(iz) * g.in[1] + iy) * n2;
      for (int ph = 0; ph < st; ++ph) {
        T* const dp = d + ph * q;
        int lo, hi;
        phase_interior(g, ph, lo, hi);
        strided_copy(dp + lo, r + lo * st + ph - p2, hi - lo, st);  // the interior first: reads in order
        for (int m = 0; m < q; ++m) {
          if (m == lo) m = hi;  // skip the interior
          if (m >= q) break;
          int ix = m * st + ph - p2;
          dp[m] = m * st + ph < P2 && g.fold(2, ix) ? r[ix] : T(0);
        }
      }
    }
  }
}

// One column of col: dst[o] = value read by output o at window offset w from the plane xp (a
// copy made by pad_plane, or the input plane when !copies_planes), out_volume entries.
template <class T>
KOKKOS_INLINE_FUNCTION void im2col_column(const WindowGeometry& g, const T* xp, int w, T* dst) {
  const int kx = w % g.k[2], ky = (w / g.k[2]) % g.k[1], kz = w / (g.k[1] * g.k[2]);
  const int P1 = padded_size(g, 1), R = plane_row(g), n = g.out[2];
  const bool phased = copies_planes(g);
  const int first = phased ? (kx % g.s[2]) * phase_length(g) + kx / g.s[2] : kx, st = phased ? 1 : g.s[2];
  for (int oz = 0; oz < g.out[0]; ++oz)
    for (int oy = 0; oy < g.out[1]; ++oy, dst += n)
      strided_copy(dst, xp + (size_t(oz * g.s[0] + kz) * P1 + oy * g.s[1] + ky) * R + first, n, st);
}

// acc (a plane as im2col reads it) = sum over window offsets w and outputs o of col(o, ci*kvol + w)
// at the entry o reads; col column-major with leading dimension ld.
template <class T>
KOKKOS_INLINE_FUNCTION void col2im_padded(const WindowGeometry& g, const T* col, size_t ld, int ci, T* acc) {
  const int P1 = padded_size(g, 1), R = plane_row(g), n = g.out[2], kvol = g.window_volume();
  const bool phased = copies_planes(g);
  const int st = phased ? 1 : g.s[2];
  for (int i = 0; i < plane_volume(g); ++i) acc[i] = T(0);
  for (int w = 0; w < kvol; ++w) {
    const int kx = w % g.k[2], ky = (w / g.k[2]) % g.k[1], kz = w / (g.k[1] * g.k[2]);
    const int first = phased ? (kx % g.s[2]) * phase_length(g) + kx / g.s[2] : kx;
    const T* src = col + size_t(ci * kvol + w) * ld;
    for (int oz = 0; oz < g.out[0]; ++oz)
      for (int oy = 0; oy < g.out[1]; ++oy, src += n)
        strided_add(acc + (size_t(oz * g.s[0] + kz) * P1 + oy * g.s[1] + ky) * R + first, src, n, st);
  }
}

// plane (in_volume entries) = the copied accumulator folded back: each input position receives the
// entries that copy it (pad_plane's adjoint).
template <class T>
KOKKOS_INLINE_FUNCTION void unpad_plane(const WindowGeometry& g, const T* acc, T* plane) {
  const int P0 = padded_size(g, 0), P1 = padded_size(g, 1), P2 = padded_size(g, 2), R = plane_row(g);
  const int n2 = g.in[2], p2 = g.p[2], st = g.s[2], q = phase_length(g);
  for (int i = 0; i < g.in_volume(); ++i) plane[i] = T(0);
  for (int z = 0; z < P0; ++z) {
    int iz = z - g.p[0];
    if (!g.fold(0, iz)) continue;
    for (int y = 0; y < P1; ++y) {
      int iy = y - g.p[1];
      if (!g.fold(1, iy)) continue;
      const T* const a = acc + (size_t(z) * P1 + y) * R;
      T* const r = plane + (size_t(iz) * g.in[1] + iy) * n2;
      if (st == 2) {  // interior of both phases at once: input ix = 2j + c reads phase (p2 + c) % 2
        const int e = p2 % 2;
        interleave_add(r, a + e * q + p2 / 2, a + (1 - e) * q + (p2 + 1) / 2, n2);
      }
      for (int ph = 0; ph < st; ++ph) {
        const T* const ap = a + ph * q;
        int lo, hi;
        phase_interior(g, ph, lo, hi);
        if (st != 2) strided_add(r + lo * st + ph - p2, ap + lo, hi - lo, st);
        for (int m = 0; m < q; ++m) {
          if (m == lo) m = hi;
          if (m >= q) break;
          int ix = m * st + ph - p2;
          if (m * st + ph < P2 && g.fold(2, ix)) r[ix] += ap[m];
        }
      }
    }
  }
}

// Whole samples, on the calling thread (the multi-threaded host path, conv_sample_blocks.cpp).
// im2col of sample xb into col (leading dimension ld); pad: cin * padded_volume scratch (unused
// without padding).
template <class T>
void im2col_sample(const WindowGeometry& g, int cin, const T* xb, T* pad, T* col, size_t ld) {
  const bool padded = copies_planes(g);
  const int kvol = g.window_volume(), pvol = plane_volume(g), invol = g.in_volume();
  for (int ci = 0; ci < cin; ++ci) {
    const T* plane = xb + size_t(ci) * invol;
    if (padded) {
      pad_plane(g, plane, pad + size_t(ci) * pvol);
      plane = pad + size_t(ci) * pvol;
    }
    for (int w = 0; w < kvol; ++w) im2col_column(g, plane, w, col + size_t(ci * kvol + w) * ld);
  }
}

// dxb = col2im of col (leading dimension ld); pad as for im2col_sample.
template <class T>
void col2im_sample(const WindowGeometry& g, int cin, const T* col, size_t ld, T* pad, T* dxb) {
  const bool padded = copies_planes(g);
  const int pvol = plane_volume(g), invol = g.in_volume();
  for (int ci = 0; ci < cin; ++ci) {
    T* const plane = dxb + size_t(ci) * invol;
    if (!padded) {
      col2im_padded(g, col, ld, ci, plane);
      continue;
    }
    col2im_padded(g, col, ld, ci, pad + size_t(ci) * pvol);
    unpad_plane(g, pad + size_t(ci) * pvol, plane);
  }
}

}  // namespace macrodyn::nn
