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
  // (wrapped when periodic), false when it reads zero padding.
  KOKKOS_INLINE_FUNCTION bool fold(int d, int& pos) const {
    if (pos >= 0 && pos < in[d]) return true;
    if (!periodic) return false;
    pos = ((pos % in[d]) + in[d]) % in[d];
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

  // im2col of one output row: dst[ox] = input value read by output (oz, oy, ox), r = oz*out[1] + oy,
  // at window offset w, from the input channel plane xc (in_volume() entries); 0 for zero padding.
  // Contiguous writes, reads with stride s[2] (the row's interior as one plain loop).
  template <class T>
  KOKKOS_INLINE_FUNCTION void im2col_row(const T* xc, int w, int r, T* dst) const {
    const int kx = w % k[2], ky = (w / k[2]) % k[1], kz = w / (k[1] * k[2]);
    int iz = (r / out[1]) * s[0] - p[0] + kz, iy = (r % out[1]) * s[1] - p[1] + ky;
    if (!fold(0, iz) || !fold(1, iy)) {
      for (int ox = 0; ox < out[2]; ++ox) dst[ox] = T(0);
      return;
    }
    const T* row = xc + (size_t(iz) * in[1] + iy) * in[2];
    const int off = kx - p[2], st = s[2];
    int lo, hi;
    row_interior(kx, lo, hi);
    for (int ox = 0; ox < lo; ++ox) {
      int ix = ox * st + off;
      dst[ox] = fold(2, ix) ? row[ix] : T(0);
    }
    for (int ox = lo; ox < hi; ++ox) dst[ox] = row[ox * st + off];
    for (int ox = hi; ox < out[2]; ++ox) {
      int ix = ox * st + off;
      dst[ox] = fold(2, ix) ? row[ix] : T(0);
    }
  }

  // Adjoint of im2col for one input row (channel ci, iz, iy), q = iz*in[1] + iy: dst[ix] = sum of
  // the col entries (column ci*kvol + w, output o) that read input (iz, iy, ix). col is column-major
  // with leading dimension ld (outputs fastest). Fixed summation order (window pairs of z, then y,
  // then kx, then ox): deterministic, no atomics, rows independent.
  template <class T>
  KOKKOS_INLINE_FUNCTION void col2im_row(const T* col, size_t ld, int ci, int q, T* dst) const {
    for (int ix = 0; ix < in[2]; ++ix) dst[ix] = T(0);
    int oz[kMaxPairs], jz[kMaxPairs], oy[kMaxPairs], jy[kMaxPairs];
    const int nz = gather_pairs(0, q / in[1], oz, jz), ny = gather_pairs(1, q % in[1], oy, jy);
    const int kvol = window_volume(), st = s[2];
    for (int a = 0; a < nz; ++a)
      for (int c = 0; c < ny; ++c)
        for (int kx = 0; kx < k[2]; ++kx) {
          const int w = (jz[a] * k[1] + jy[c]) * k[2] + kx;
          const T* src = col + size_t(ci * kvol + w) * ld + size_t(oz[a] * out[1] + oy[c]) * out[2];
          const int off = kx - p[2];
          int lo, hi;
          row_interior(kx, lo, hi);
          for (int ox = 0; ox < lo; ++ox) {
            int ix = ox * st + off;
            if (fold(2, ix)) dst[ix] += src[ox];
          }
          for (int ox = lo; ox < hi; ++ox) dst[ox * st + off] += src[ox];
          for (int ox = hi; ox < out[2]; ++ox) {
            int ix = ox * st + off;
            if (fold(2, ix)) dst[ix] += src[ox];
          }
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
