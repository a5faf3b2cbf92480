#include "sim/vicsek/vicsek_cell_bins.hpp"

#include "sim/vicsek/vicsek_heading_math.hpp"

namespace macrodyn::vicsek {

VicsekCellBins::VicsekCellBins(long cnx, long cny, int lox, int loy)
    : start("vicsek_bin_start", cnx * cny + 1),
      cnx_(cnx),
      cny_(cny),
      lox_(lox),
      loy_(loy),
      count_("vicsek_bin_count", cnx * cny),
      row_ghosts_("vicsek_bin_row_ghosts", cny) {}

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
  auto rg = row_ghosts_;
  auto bx = px, by = py;
  auto bqx = qx, bqy = qy;
  auto d = dest;
  const long cnx = cnx_, cny = cny_, ncells = cnx_ * cny_;
  const int lox = lox_, loy = loy_, hc = heading_col;
  using Policy = Kokkos::RangePolicy<Exec>;
  Kokkos::parallel_for(
      "vicsek_bin_count", Policy(0, n), KOKKOS_LAMBDA(int i) {
        Kokkos::atomic_increment(&count((cell(i, 1) - loy) * cnx + (cell(i, 0) - lox)));
      });
  Kokkos::parallel_scan(
      "vicsek_bin_scan", Policy(0, ncells), KOKKOS_LAMBDA(long c, int& offset, bool final) {
        if (final) st(c) = offset;
        offset += count(c);
        if (final && c == ncells - 1) st(ncells) = offset;
      });
  // Ghost slots before each row's first inner cell: every slot of the rows above (the first row is
  // all ghost layer), the border cells of the inner rows above, and this row's left border cell.
  Kokkos::parallel_scan(
      "vicsek_bin_row_ghosts", Policy(0, cny), KOKKOS_LAMBDA(long r, int& offset, bool final) {
        const long c0 = r * cnx;
        const bool border_row = r == 0 || r == cny - 1;
        if (final) rg(r) = offset + count(c0);
        offset += border_row ? st(c0 + cnx) - st(c0) : count(c0) + count(c0 + cnx - 1);
      });
  Kokkos::parallel_for(
      "vicsek_bin_fill", Policy(0, n), KOKKOS_LAMBDA(int i) {
        const int cy = cell(i, 1) - loy;
        const long c = cy * cnx + (cell(i, 0) - lox);
        const int k = st(c) + Kokkos::atomic_fetch_sub(&count(c), 1) - 1;  // leaves count(c) = 0
        bx(k) = x(i, 0);
        by(k) = x(i, 1);
        bqx(k) = fixed_of(aux(i, hc));
        bqy(k) = fixed_of(aux(i, hc + 1));
        if (i < nloc) d(i) = k - rg(cy);
      });
  Kokkos::fence();
}

}  // namespace macrodyn::vicsek
