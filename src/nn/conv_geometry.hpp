#pragma once
// Index geometry shared by convolution, pooling and upsampling layers (1, 2 or 3 spatial dims).
//
// A feature vector is C x S0 x S1 x S2 flattened with the last dimension fastest (1-D and 2-D
// layers use leading sizes of 1: 1-D is 1 x 1 x L, 2-D is 1 x H x W). For a window of size k,
// stride s and padding p along a dimension of size n the output size is (n + 2p - k) / s + 1 and
// output o, offset j reads input o*s - p + j: zero padding drops reads outside [0, n), periodic
// padding wraps them (requires p <= n).
// gather_pairs() inverts that map for one dimension: the (o, j) pairs that read input i, used by
// adjoint passes as gathers (no atomics, deterministic sums).
#include <Kokkos_Core.hpp>

namespace macrodyn::nn {

constexpr int kMaxWindow = 16;                // largest kernel / pooling window per dimension
constexpr int kMaxPairs = 3 * kMaxWindow;     // (o, j) pairs reading one input, per dimension

struct WindowGeometry {
  int in[3] = {1, 1, 1};      // input spatial sizes
  int out[3] = {1, 1, 1};     // output spatial sizes
  int k[3] = {1, 1, 1};       // window
  int s[3] = {1, 1, 1};       // stride
  int p[3] = {0, 0, 0};       // padding
  bool periodic = false;

  KOKKOS_INLINE_FUNCTION int in_volume() const { return in[0] * in[1] * in[2]; }
  KOKKOS_INLINE_FUNCTION int out_volume() const { return out[0] * out[1] * out[2]; }
  KOKKOS_INLINE_FUNCTION int window_volume() const { return k[0] * k[1] * k[2]; }

  // Flat input index read by output o at window offset w, or -1 (zero padding).
  KOKKOS_INLINE_FUNCTION int source(int o, int w) const {
    const int oc[3] = {o / (out[1] * out[2]), (o / out[2]) % out[1], o % out[2]};
    const int wc[3] = {w / (k[1] * k[2]), (w / k[2]) % k[1], w % k[2]};
    int idx = 0;
    for (int d = 0; d < 3; ++d) {
      int pos = oc[d] * s[d] - p[d] + wc[d];
      if (pos < 0 || pos >= in[d]) {
        if (!periodic) return -1;
        pos = ((pos % in[d]) + in[d]) % in[d];
      }
      idx = idx * in[d] + pos;
    }
    return idx;
  }

  // Position along dimension d after padding: true with pos in [0, in[d]) when it reads the input
  // (wrapped when periodic), false when it reads zero padding. Positions lie in [-p, in + p) and
  // periodic padding has p <= in, so one wrap is enough.
  KOKKOS_INLINE_FUNCTION bool fold(int d, int& pos) const {
    if (pos >= 0 && pos < in[d]) return true;
    if (!periodic) return false;
    pos += pos < 0 ? in[d] : -in[d];
    return true;
  }

  // Outputs ox of a row whose window offset kx reads inside the input row without wrapping:
  // [lo, hi), 0 <= lo <= hi <= out[2]; ox reads input ox * s[2] + kx - p[2].
  KOKKOS_INLINE_FUNCTION void row_interior(int kx, int& lo, int& hi) const {
    const int off = kx - p[2];
    lo = off >= 0 ? 0 : (-off + s[2] - 1) / s[2];
    hi = in[2] - off <= 0 ? 0 : (in[2] - off + s[2] - 1) / s[2];
    lo = lo < out[2] ? lo : out[2];
    hi = hi < lo ? lo : (hi < out[2] ? hi : out[2]);
  }

  // Calls row(oy_flat, input_row) for each output row r = oz*out[1] + oy read at window offsets
  // (kz, ky): input_row = flat index of the first entry of the input row (iz, iy), or -1 for a row
  // of zero padding.
  template <class F>
  KOKKOS_INLINE_FUNCTION void for_rows(int kz, int ky, const F& row) const {
    for (int oz = 0; oz < out[0]; ++oz) {
      int iz = oz * s[0] - p[0] + kz;
      const bool zin = fold(0, iz);
      for (int oy = 0; oy < out[1]; ++oy) {
        int iy = oy * s[1] - p[1] + ky;
        const bool yin = fold(1, iy);
        row(oz * out[1] + oy, zin && yin ? (iz * in[1] + iy) * in[2] : -1);
      }
    }
  }

  // im2col of one column: dst[o] = input value read by output o at window offset w, from the input
  // channel plane xc (in_volume() entries); 0 for zero padding. dst has out_volume() entries.
  // Rows are written contiguously; the interior of a row is a plain loop (stride 1 and 2 unrolled
  // by the compiler as such).
  template <class T>
  KOKKOS_INLINE_FUNCTION void im2col_column(const T* xc, int w, T* dst) const {
    const int kx = w % k[2], ky = (w / k[2]) % k[1], kz = w / (k[1] * k[2]);
    const int off = kx - p[2], st = s[2], n = out[2];
    int lo, hi;
    row_interior(kx, lo, hi);
    for_rows(kz, ky, [&](int r, int start) {
      T* const d = dst + size_t(r) * n;
      if (start < 0) {
        for (int ox = 0; ox < n; ++ox) d[ox] = T(0);
        return;
      }
      const T* const row = xc + start;
      for (int ox = 0; ox < lo; ++ox) {
        int ix = ox * st + off;
        d[ox] = fold(2, ix) ? row[ix] : T(0);
      }
      if (st == 1)
        for (int ox = lo; ox < hi; ++ox) d[ox] = row[ox + off];
      else if (st == 2)
        for (int ox = lo; ox < hi; ++ox) d[ox] = row[2 * ox + off];
      else
        for (int ox = lo; ox < hi; ++ox) d[ox] = row[ox * st + off];
      for (int ox = hi; ox < n; ++ox) {
        int ix = ox * st + off;
        d[ox] = fold(2, ix) ? row[ix] : T(0);
      }
    });
  }

  // Adjoint of im2col for one input channel: plane[i] = sum of the col entries (column ci*kvol + w,
  // output o) that read input i, col column-major with leading dimension ld (outputs fastest).
  // Accumulates window offset by window offset, row by row, in a fixed order: deterministic, no
  // atomics (channels are independent).
  template <class T>
  KOKKOS_INLINE_FUNCTION void col2im_plane(const T* col, size_t ld, int ci, T* plane) const {
    for (int i = 0; i < in_volume(); ++i) plane[i] = T(0);
    const int kvol = window_volume(), st = s[2], n = out[2];
    for (int w = 0; w < kvol; ++w) {
      const int kx = w % k[2], ky = (w / k[2]) % k[1], kz = w / (k[1] * k[2]);
      const int off = kx - p[2];
      int lo, hi;
      row_interior(kx, lo, hi);
      const T* const src = col + size_t(ci * kvol + w) * ld;
      for_rows(kz, ky, [&](int r, int start) {
        if (start < 0) return;
        const T* const c = src + size_t(r) * n;
        T* const row = plane + start;
        for (int ox = 0; ox < lo; ++ox) {
          int ix = ox * st + off;
          if (fold(2, ix)) row[ix] += c[ox];
        }
        if (st == 1)
          for (int ox = lo; ox < hi; ++ox) row[ox + off] += c[ox];
        else
          for (int ox = lo; ox < hi; ++ox) row[ox * st + off] += c[ox];
        for (int ox = hi; ox < n; ++ox) {
          int ix = ox * st + off;
          if (fold(2, ix)) row[ix] += c[ox];
        }
      });
    }
  }

  // (o, j) pairs along dimension d with o*s - p + j == i (mod n when periodic). Returns the count.
  KOKKOS_INLINE_FUNCTION int gather_pairs(int d, int i, int* o_out, int* j_out) const {
    int count = 0;
    const int mlo = periodic ? -1 : 0, mhi = periodic ? 1 : 0;
    for (int m = mlo; m <= mhi; ++m)
      for (int j = 0; j < k[d]; ++j) {
        const int q = i + m * in[d] + p[d] - j;  // = o * s
        if (q < 0 || q % s[d] != 0) continue;
        const int o = q / s[d];
        if (o >= out[d]) continue;
        o_out[count] = o;
        j_out[count] = j;
        ++count;
      }
    return count;
  }
};

// Fills out[] from in, k, s, p; fails (naming `what`) on an empty output or unsupported window.
WindowGeometry make_window_geometry(const char* what, int dims, const int* in, const int* k, const int* s,
                                    const int* p, bool periodic);

}  // namespace macrodyn::nn
