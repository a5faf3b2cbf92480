#pragma once
// Bin-sorted copy of the owned + ghost particles of one rank, for the Vicsek neighbour search.
//
// The local cell block has one ghost layer: (cnx, cny) cells, (cx, cy) local (global cell - block
// lo + 1). A bin is one cell row high and `group` cells wide: row cy, bin column col_bin(cx), where
// the two ghost columns have bins of their own (0 and nbx - 1) and inner columns cx = 1..cnx-2 are
// grouped by (cx - 1) / group. build() counting-sorts every particle by bin into structure-of-arrays
// copies px, py (position) and qx, qy (heading as exact 64-bit fixed point), so the particles of
// cells cx-1..cx+1 of one row lie in ONE contiguous slot range
//   [start(cy * nbx + col_bin(cx - 1)), start(cy * nbx + col_bin(cx + 1) + 1)):
// a particle's 3 x 3 neighbourhood is 3 contiguous ranges, read in masked blocks of kLanes slots
// (the arrays are padded by kLanes entries, so a block may read past a range end). Wider bins mean
// fewer bins to count and scan (at rho = 0.3 per cell, ~1 bin per particle instead of 3 cells
// per particle) and slightly longer ranges, which the masked blocks absorb: choose_group() picks
// ~1 particle per bin (the fastest of 2, 3 and 5 cells per bin at rho = 0.3).
//
// build() also gives every owned particle i its rank dest(i) in bin order among the owned
// particles (owned particles lie in inner cells only, ghosts in the ghost layer only, so ghost and
// owned particles never share a bin and dest = slot - ghost slots before the slot's row and in the
// row's left ghost bin). The step writes the new state to dest(i): the owned particles come out
// sorted by bin, which keeps every later read near-sequential, at no extra pass.
//
// Counting sort without clearing: the fill decrements the counts back to zero (slots fill each
// bin from its end), so the count array is zero at every entry of build() after the first.
// Within a bin the order depends on thread scheduling; nothing depends on it (exact sums).
#include <Kokkos_Core.hpp>

#include <cstdint>

#include "decomp/particle_arrays.hpp"

namespace macrodyn::vicsek {

class VicsekCellBins {
 public:
  using Exec = Kokkos::DefaultExecutionSpace;
  using Mem = Exec::memory_space;
  using Particles = ParticleArrays<2, Mem>;
  static constexpr int kLanes = 4;

  // Cells per bin for `per_cell` expected particles per cell: ~1 particle per bin, at least 1.
  static int choose_group(double per_cell);

  // (cnx, cny): local cell block with its ghost layer; (lox, loy): global coordinate of local cell 0.
  VicsekCellBins(long cnx, long cny, int lox, int loy, int group);

  // Sorts p's owned + ghost particles (heading unit vector in aux columns heading_col, +1).
  void build(const Particles& p, int heading_col);

  long nbx() const { return nbx_; }
  int lox() const { return lox_; }
  int loy() const { return loy_; }
  Kokkos::View<int*, Mem> start;        // (nbx * cny + 1) slot ranges per bin
  Kokkos::View<int*, Mem> col_bin;      // (cnx) bin column of each local cell column
  Kokkos::View<double*, Mem> px, py;    // position per slot
  Kokkos::View<int64_t*, Mem> qx, qy;   // fixed-point heading per slot
  Kokkos::View<int*, Mem> dest;         // owned particle -> its rank in bin order

 private:
  long cnx_, cny_, nbx_;
  int lox_, loy_;
  Kokkos::View<int*, Mem> count_;       // per bin; zero between builds
  Kokkos::View<int*, Mem> row_total_;   // per row: slots in the row
  Kokkos::View<int*, Mem> row_start_;   // per row: first slot of the row
  Kokkos::View<int*, Mem> row_ghosts_;  // per row: ghost slots before the row's first inner bin
};

// Exact neighbour sum of the particle at (xi, yi) in local cell row cy whose neighbour cells span
// bin columns [b_lo, b_hi] (col_bin(cx - 1), col_bin(cx + 1)): the fixed-point headings of every
// slot within distance^2 < r2 (itself included) and their number.
struct NeighbourSum {
  int64_t sx, sy;
  int count;
};

// Branch-free: each row is read in masked blocks of kLanes slots (at least one block, so an empty
// range costs no mispredicted branch), with one integer accumulator per lane. On host compilers
// with GNU vector extensions a block is one SIMD operation per quantity (compilers do not find this
// themselves: they vectorise across blocks, which are rarely more than one); elsewhere (device
// passes) the same arithmetic runs lane by lane. Both give the same exact integer sums.
#if defined(__GNUC__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__) && !defined(__SYCL_DEVICE_ONLY__)
#define MACRODYN_VICSEK_SIMD_BLOCKS 1
#endif

// The portable form: lane by lane (device passes, and the reference the SIMD form is tested against).
template <class StartView, class PosView, class FixedView>
KOKKOS_INLINE_FUNCTION NeighbourSum neighbour_sum_lanes(const StartView& start, const PosView& px, const PosView& py,
                                                        const FixedView& qx, const FixedView& qy, long nbx, int b_lo,
                                                        int b_hi, int cy, double xi, double yi, double r2) {
  constexpr int W = VicsekCellBins::kLanes;
  NeighbourSum s{0, 0, 0};
  int64_t ax[W] = {}, ay[W] = {}, an[W] = {};
  for (int dy = -1; dy <= 1; ++dy) {
    const long row = (cy + dy) * nbx;
    const int end = start(row + b_hi + 1);
    int k = start(row + b_lo);
    do {
      for (int l = 0; l < W; ++l) {
        const int j = k + l;
        const double ex = px(j) - xi, ey = py(j) - yi;
        const int64_t mask = -static_cast<int64_t>((j < end) & (ex * ex + ey * ey < r2));
        ax[l] += qx(j) & mask;
        ay[l] += qy(j) & mask;
        an[l] -= mask;
      }
      k += W;
    } while (k < end);
  }
  for (int l = 0; l < W; ++l) {
    s.sx += ax[l];
    s.sy += ay[l];
    s.count += static_cast<int>(an[l]);
  }
  return s;
}

template <class StartView, class PosView, class FixedView>
KOKKOS_INLINE_FUNCTION NeighbourSum neighbour_sum(const StartView& start, const PosView& px, const PosView& py,
                                                  const FixedView& qx, const FixedView& qy, long nbx, int b_lo,
                                                  int b_hi, int cy, double xi, double yi, double r2) {
#ifdef MACRODYN_VICSEK_SIMD_BLOCKS
  constexpr int W = VicsekCellBins::kLanes;
  static_assert(W == 4, "the SIMD block below is written for 4 lanes");
  NeighbourSum s{0, 0, 0};
  typedef double vd __attribute__((vector_size(4 * sizeof(double))));
  typedef int64_t vi __attribute__((vector_size(4 * sizeof(int64_t))));
  const double* bx = px.data();
  const double* by = py.data();
  const int64_t* bqx = qx.data();
  const int64_t* bqy = qy.data();
  const vd X = {xi, xi, xi, xi}, Y = {yi, yi, yi, yi}, R2 = {r2, r2, r2, r2};
  const vi lane = {0, 1, 2, 3};
  vi ax = {0, 0, 0, 0}, ay = ax, an = ax;
  for (int dy = -1; dy <= 1; ++dy) {
    const long row = (cy + dy) * nbx;
    const int64_t end = start(row + b_hi + 1);
    int64_t k = start(row + b_lo);
    const vi E = {end, end, end, end};
    if (dy == 1) {  // the leading row: read here first, in slot order; fetch ahead (measured ~7%)
      __builtin_prefetch(bx + end + 64);
      __builtin_prefetch(by + end + 64);
      __builtin_prefetch(bqx + end + 64);
      __builtin_prefetch(bqy + end + 64);
    }
    do {
      vd ex, ey;
      vi q0, q1;
      __builtin_memcpy(&ex, bx + k, sizeof(vd));
      __builtin_memcpy(&ey, by + k, sizeof(vd));
      __builtin_memcpy(&q0, bqx + k, sizeof(vi));
      __builtin_memcpy(&q1, bqy + k, sizeof(vi));
      ex -= X;
      ey -= Y;
      const vi K = {k, k, k, k};
      const vi in = (ex * ex + ey * ey < R2) & (K + lane < E);  // lanes: -1 inside, 0 outside
      ax += q0 & in;
      ay += q1 & in;
      an -= in;
      k += W;
    } while (k < end);
  }
  for (int l = 0; l < W; ++l) {
    s.sx += ax[l];
    s.sy += ay[l];
    s.count += static_cast<int>(an[l]);
  }
  return s;
#else
  return neighbour_sum_lanes(start, px, py, qx, qy, nbx, b_lo, b_hi, cy, xi, yi, r2);
#endif
}

}  // namespace macrodyn::vicsek
