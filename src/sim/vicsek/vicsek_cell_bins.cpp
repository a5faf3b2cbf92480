#include "sim/vicsek/vicsek_cell_bins.hpp"

#include <algorithm>
#include <cmath>

#include "sim/vicsek/vicsek_heading_math.hpp"

namespace macrodyn::vicsek {

int VicsekCellBins::choose_group(double per_cell) {
  if (!(per_cell > 0)) return 1;
  return static_cast<int>(std::clamp(std::floor(1.0 / per_cell), 1.0, 64.0));
}

VicsekCellBins::VicsekCellBins(long cnx, long cny, int lox, int loy, int group)
    : cnx_(cnx), cny_(cny), nbx_(2 + (cnx - 2 + group - 1) / group), lox_(lox), loy_(loy) {
  start = Kokkos::View<int*, Mem>("vicsek_bin_start", nbx_ * cny_ + 1);
  count_ = Kokkos::View<int*, Mem>("vicsek_bin_count", nbx_ * cny_);
  row_total_ = Kokkos::View<int*, Mem>("vicsek_bin_row_total", cny_);
  row_start_ = Kokkos::View<int*, Mem>("vicsek_bin_row_start", cny_);
  row_ghosts_ = Kokkos::View<int*, Mem>("vicsek_bin_row_ghosts", cny_);
  col_bin = Kokkos::View<int*, Mem>("vicsek_bin_column", cnx_);
  auto h = Kokkos::create_mirror_view(col_bin);
  for (long cx = 0; cx < cnx_; ++cx) h(cx) = cx == 0 ? 0 : (cx == cnx_ - 1 ? static_cast<int>(nbx_ - 1) : 1 + static_cast<int>((cx - 1) / group));
  Kokkos::deep_copy(col_bin, h);
}

void VicsekCellBins::build(const Particles& p, int heading_col) {
  const int n = p.n_total(), nloc = p.n_local;
  const size_t want = static_cast<size_t>(n) + kLanes;  // padding: masked blocks may read past a range
  if (px.extent(0) < want) {
    const size_t c = want + want / 4 + 16;
    px = Kokkos::View<double*, Mem>("vicsek_bin_px", c);
    py = Kokkos::View<double*, Mem>("vicsek_bin_py", c);
    qx = Kokkos::View<int64_t*, Mem>("vicsek_bin_qx", c);
    qy = Kokkos::View<int64_t*, Mem>("vicsek_bin_qy", c);
  }
  if (static_cast<int>(dest.extent(0)) < nloc) dest = Kokkos::View<int*, Mem>("vicsek_bin_dest", nloc + nloc / 4 + 16);
  auto x = p.x;
  auto cell = p.cell;
  auto aux = p.aux;
  auto count = count_;
  auto st = start;
  auto cb = col_bin;
  auto total = row_total_, rstart = row_start_, rg = row_ghosts_;
  auto bx = px, by = py;
  auto bqx = qx, bqy = qy;
  auto d = dest;
  const long nbx = nbx_, cny = cny_;
  const int lox = lox_, loy = loy_, hc = heading_col;
  using Policy = Kokkos::RangePolicy<Exec>;
  Kokkos::parallel_for(
      "vicsek_bin_count", Policy(0, n), KOKKOS_LAMBDA(int i) {
        Kokkos::atomic_fetch_add(&count((cell(i, 1) - loy) * nbx + cb(cell(i, 0) - lox)), 1);
      });
  // Slot offsets: row totals, a scan over rows, then each row's bins with a running sum.
  Kokkos::parallel_for(
      "vicsek_bin_row_total", Policy(0, cny), KOKKOS_LAMBDA(long r) {
        int s = 0;
        for (long b = 0; b < nbx; ++b) s += count(r * nbx + b);
        total(r) = s;
      });
  Kokkos::parallel_scan(
      "vicsek_bin_row_scan", Policy(0, cny), KOKKOS_LAMBDA(long r, int& offset, bool final) {
        if (final) rstart(r) = offset;
        offset += total(r);
      });
  // Ghost slots before each row's first inner bin: every slot of the rows above (the first row is
  // all ghost layer), the ghost bins of the inner rows above, and this row's left ghost bin.
  Kokkos::parallel_scan(
      "vicsek_bin_row_ghosts", Policy(0, cny), KOKKOS_LAMBDA(long r, int& offset, bool final) {
        const long b0 = r * nbx;
        const bool border_row = r == 0 || r == cny - 1;
        if (final) rg(r) = offset + count(b0);
        offset += border_row ? total(r) : count(b0) + count(b0 + nbx - 1);
      });
  Kokkos::parallel_for(
      "vicsek_bin_row_starts", Policy(0, cny), KOKKOS_LAMBDA(long r) {
        int s = rstart(r);
        for (long b = 0; b < nbx; ++b) {
          st(r * nbx + b) = s;
          s += count(r * nbx + b);
        }
        if (r == cny - 1) st(cny * nbx) = s;
      });
  Kokkos::parallel_for(
      "vicsek_bin_fill", Policy(0, n), KOKKOS_LAMBDA(int i) {
        const int cy = cell(i, 1) - loy;
        const long b = cy * nbx + cb(cell(i, 0) - lox);
        const int k = st(b) + Kokkos::atomic_fetch_sub(&count(b), 1) - 1;  // leaves count(b) = 0
        bx(k) = x(i, 0);
        by(k) = x(i, 1);
        bqx(k) = fixed_of(aux(i, hc));
        bqy(k) = fixed_of(aux(i, hc + 1));
        if (i < nloc) d(i) = k - rg(cy);
      });
  Kokkos::fence();
}

}  // namespace macrodyn::vicsek
