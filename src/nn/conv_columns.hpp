#pragma once
// im2col / col2im of the convolution layer (conv.hpp) on a padded copy of each input channel plane.
//
// pad_plane copies one input channel plane into a plane of padded_size(d) = in[d] + 2 p[d] per
// dimension, with its padding filled in (zeros, or the periodic wrap). Every window of every output
// then lies inside that plane, so
//   im2col_column  (one column of col: one channel and window offset) is a strided copy per output
//                  row, and
//   col2im_padded  (the adjoint, one channel) a strided accumulation per output row,
// without tests at the edges; unpad_plane folds the padded accumulator back onto the input plane
// (the wrapped halo added onto the positions it copies, or dropped for zero padding). Without
// padding the input plane itself plays the padded plane. The order of every sum is fixed (window
// offset, output row, entry): deterministic, no atomics; channels are independent.
#include "nn/conv_geometry.hpp"

namespace macrodyn::nn {

KOKKOS_INLINE_FUNCTION int padded_size(const WindowGeometry& g, int d) { return g.in[d] + 2 * g.p[d]; }
KOKKOS_INLINE_FUNCTION int padded_volume(const WindowGeometry& g) {
  return padded_size(g, 0) * padded_size(g, 1) * padded_size(g, 2);
}
KOKKOS_INLINE_FUNCTION bool has_padding(const WindowGeometry& g) { return g.p[0] + g.p[1] + g.p[2] > 0; }

// d[i] = s[i * st], i < n (strides 1 and 2 as loops of their own, which the compiler vectorises).
template <class T>
KOKKOS_INLINE_FUNCTION void strided_copy(T* KOKKOS_RESTRICT d, const T* KOKKOS_RESTRICT s, int n, int st) {
  if (st == 1)
    for (int i = 0; i < n; ++i) d[i] = s[i];
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

// xp (padded_volume entries) = the input plane xc (in_volume entries) with its padding.
template <class T>
KOKKOS_INLINE_FUNCTION void pad_plane(const WindowGeometry& g, const T* xc, T* xp) {
  const int P0 = padded_size(g, 0), P1 = padded_size(g, 1), P2 = padded_size(g, 2), n2 = g.in[2], p2 = g.p[2];
  for (int z = 0; z < P0; ++z) {
    int iz = z - g.p[0];
    const bool zin = g.fold(0, iz);
    for (int y = 0; y < P1; ++y) {
      int iy = y - g.p[1];
      T* const d = xp + (size_t(z) * P1 + y) * P2;
      if (!zin || !g.fold(1, iy)) {
        for (int x = 0; x < P2; ++x) d[x] = T(0);
        continue;
      }
      const T* const r = xc + (size_t(iz) * g.in[1] + iy) * n2;
      for (int x = 0; x < p2; ++x) {
        int ix = x - p2;
        d[x] = g.fold(2, ix) ? r[ix] : T(0);
      }
      strided_copy(d + p2, r, n2, 1);
      for (int x = p2 + n2; x < P2; ++x) {
        int ix = x - p2;
        d[x] = g.fold(2, ix) ? r[ix] : T(0);
      }
    }
  }
}

// One column of col: dst[o] = value read by output o at window offset w from the padded plane xp
// (out_volume entries, output rows contiguous).
template <class T>
KOKKOS_INLINE_FUNCTION void im2col_column(const WindowGeometry& g, const T* xp, int w, T* dst) {
  const int kx = w % g.k[2], ky = (w / g.k[2]) % g.k[1], kz = w / (g.k[1] * g.k[2]);
  const int P1 = padded_size(g, 1), P2 = padded_size(g, 2), n = g.out[2];
  for (int oz = 0; oz < g.out[0]; ++oz)
    for (int oy = 0; oy < g.out[1]; ++oy, dst += n)
      strided_copy(dst, xp + (size_t(oz * g.s[0] + kz) * P1 + oy * g.s[1] + ky) * P2 + kx, n, g.s[2]);
}

// acc (padded plane) = sum over window offsets w and outputs o of col(o, ci*kvol + w) at the
// position o reads; col column-major with leading dimension ld.
template <class T>
KOKKOS_INLINE_FUNCTION void col2im_padded(const WindowGeometry& g, const T* col, size_t ld, int ci, T* acc) {
  const int P1 = padded_size(g, 1), P2 = padded_size(g, 2), n = g.out[2], kvol = g.window_volume();
  for (int i = 0; i < padded_volume(g); ++i) acc[i] = T(0);
  for (int w = 0; w < kvol; ++w) {
    const int kx = w % g.k[2], ky = (w / g.k[2]) % g.k[1], kz = w / (g.k[1] * g.k[2]);
    const T* src = col + size_t(ci * kvol + w) * ld;
    for (int oz = 0; oz < g.out[0]; ++oz)
      for (int oy = 0; oy < g.out[1]; ++oy, src += n)
        strided_add(acc + (size_t(oz * g.s[0] + kz) * P1 + oy * g.s[1] + ky) * P2 + kx, src, n, g.s[2]);
  }
}

// plane (in_volume entries) = the padded accumulator folded back: each input position receives the
// entries of the padded plane that copy it (pad_plane's adjoint).
template <class T>
KOKKOS_INLINE_FUNCTION void unpad_plane(const WindowGeometry& g, const T* acc, T* plane) {
  const int P0 = padded_size(g, 0), P1 = padded_size(g, 1), P2 = padded_size(g, 2), n2 = g.in[2], p2 = g.p[2];
  for (int i = 0; i < g.in_volume(); ++i) plane[i] = T(0);
  for (int z = 0; z < P0; ++z) {
    int iz = z - g.p[0];
    if (!g.fold(0, iz)) continue;
    for (int y = 0; y < P1; ++y) {
      int iy = y - g.p[1];
      if (!g.fold(1, iy)) continue;
      const T* const a = acc + (size_t(z) * P1 + y) * P2;
      T* const r = plane + (size_t(iz) * g.in[1] + iy) * n2;
      strided_add(r, a + p2, n2, 1);
      for (int x = 0; x < P2; ++x) {
        if (x >= p2 && x < p2 + n2) continue;
        int ix = x - p2;
        if (g.fold(2, ix)) r[ix] += a[x];
      }
    }
  }
}

// Whole samples, on the calling thread (the multi-threaded host path, conv_sample_blocks.cpp).
// im2col of sample xb into col (leading dimension ld); pad: cin * padded_volume scratch (unused
// without padding).
template <class T>
void im2col_sample(const WindowGeometry& g, int cin, const T* xb, T* pad, T* col, size_t ld) {
  const bool padded = has_padding(g);
  const int kvol = g.window_volume(), pvol = padded_volume(g), invol = g.in_volume();
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
  const bool padded = has_padding(g);
  const int pvol = padded_volume(g), invol = g.in_volume();
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
