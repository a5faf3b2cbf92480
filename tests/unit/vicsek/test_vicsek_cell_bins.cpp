// VicsekCellBins on a hand-made block (owned particles in inner cells, ghosts in the ghost layer):
// each owned particle's rank in bin order is a permutation that sorts the owned particles by bin,
// and the neighbour sums (SIMD blocks and the portable lane-by-lane form) equal a brute-force sum,
// for bins of 1, 2, 3 and 5 cells, twice in a row (the counts return to zero after a build).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "sim/vicsek/vicsek_cell_bins.hpp"
#include "sim/vicsek/vicsek_heading_math.hpp"

using namespace macrodyn::vicsek;

TEST_CASE("cell bins: dest sorts the owned particles, neighbour sums equal brute force", "[vicsek][bins]") {
  const int nx = 7, ny = 5, gx = 10, gy = 20;  // inner block of cells [10, 17) x [20, 25), width 1
  const long cnx = nx + 2, cny = ny + 2;
  std::mt19937_64 gen(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  // owned: 3 per inner cell on average; ghosts: every ghost-layer cell, 2 on average
  std::vector<double> xs, ys;
  int nloc = 0;
  for (int k = 0; k < 3 * nx * ny; ++k, ++nloc) {
    xs.push_back(gx + nx * unit(gen));
    ys.push_back(gy + ny * unit(gen));
  }
  for (int cy = -1; cy <= ny; ++cy)
    for (int cx = -1; cx <= nx; ++cx) {
      if (cx >= 0 && cx < nx && cy >= 0 && cy < ny) continue;
      for (int k = static_cast<int>(4 * unit(gen)); k > 0; --k) {
        xs.push_back(gx + cx + unit(gen));
        ys.push_back(gy + cy + unit(gen));
      }
    }
  const int n = static_cast<int>(xs.size());
  VicsekCellBins::Particles p(2, 2, static_cast<size_t>(n));
  p.n_local = nloc;
  p.n_ghost = n - nloc;
  for (int i = 0; i < n; ++i) {
    p.x(i, 0) = xs[i];
    p.x(i, 1) = ys[i];
    p.cell(i, 0) = static_cast<int>(std::floor(xs[i]));
    p.cell(i, 1) = static_cast<int>(std::floor(ys[i]));
    const double th = 6.283185307179586 * unit(gen);
    p.aux(i, 0) = quantise_unit(std::cos(th));
    p.aux(i, 1) = quantise_unit(std::sin(th));
  }
  for (int group : {1, 2, 3, 5}) {
    VicsekCellBins bins(cnx, cny, gx - 1, gy - 1, group);
    for (int pass = 0; pass < 2; ++pass) {
      bins.build(p, 0);
      INFO("group " << group << " pass " << pass);
      // dest: a permutation of the owned particles that orders them by bin
      std::vector<int> who(nloc, -1);
      for (int i = 0; i < nloc; ++i) {
        const int d = bins.dest(i);
        REQUIRE(d >= 0);
        REQUIRE(d < nloc);
        REQUIRE(who[d] == -1);
        who[d] = i;
      }
      auto bin_of = [&](int i) {
        return (p.cell(i, 1) - gy + 1) * bins.nbx() + bins.col_bin(p.cell(i, 0) - gx + 1);
      };
      for (int d = 1; d < nloc; ++d) REQUIRE(bin_of(who[d - 1]) <= bin_of(who[d]));
      // neighbour sums of every owned particle
      for (int i = 0; i < nloc; ++i) {
        int64_t sx = 0, sy = 0;
        int count = 0;
        for (int j = 0; j < n; ++j) {
          const double ex = xs[j] - xs[i], ey = ys[j] - ys[i];
          if (ex * ex + ey * ey < 1.0) sx += fixed_of(p.aux(j, 0)), sy += fixed_of(p.aux(j, 1)), ++count;
        }
        const int cx = p.cell(i, 0) - gx + 1, cy = p.cell(i, 1) - gy + 1;
        const NeighbourSum a = neighbour_sum(bins.start, bins.px, bins.py, bins.qx, bins.qy, bins.nbx(),
                                             bins.col_bin(cx - 1), bins.col_bin(cx + 1), cy, xs[i], ys[i], 1.0);
        const NeighbourSum b = neighbour_sum_lanes(bins.start, bins.px, bins.py, bins.qx, bins.qy, bins.nbx(),
                                                   bins.col_bin(cx - 1), bins.col_bin(cx + 1), cy, xs[i], ys[i], 1.0);
        REQUIRE(a.count == count);
        REQUIRE(a.sx == sx);
        REQUIRE(a.sy == sy);
        REQUIRE(b.count == count);
        REQUIRE(b.sx == sx);
        REQUIRE(b.sy == sy);
      }
    }
  }
}
