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
