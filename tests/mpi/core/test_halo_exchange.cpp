// Halo exchange on 1, 2 and 4 ranks equals the 1-rank reference (every ghost and owned cell),
// for periodic, reflecting (cell and node) and mixed boundaries.
#include <catch2/catch.hpp>

#include "core/runtime.hpp"
#include "decomp/halo_exchange_2d.hpp"

using namespace macrodyn;
using Exec = Kokkos::DefaultExecutionSpace;
using Halo = HaloExchange2D<Exec>;

namespace {

double value(int c, long y, long x) { return 1e6 * c + 1e3 * y + x; }

// Owned cells of `f` set from the global function; ghosts poisoned.
Halo::Field filled(const Halo& halo, const CartDecomposition<2>& d) {
  auto f = halo.make_field("f");
  auto h = Kokkos::create_mirror_view(f);
  const int g = halo.ghost();
  Kokkos::deep_copy(h, -777.0);
  for (int c = 0; c < halo.ncomp(); ++c)
    for (long j = 0; j < halo.ny(); ++j)
      for (long i = 0; i < halo.nx(); ++i) h(c, j + g, i + g) = value(c, d.lo(1) + j, d.lo(0) + i);
  Kokkos::deep_copy(f, h);
  return f;
}

void check_against_reference(long nx, long ny, int g, std::array<bool, 2> periodic, EdgeFill fill) {
  const int ncomp = 2;
  CartDecomposition<2> one(MPI_COMM_SELF, {nx, ny}, periodic);
  Halo ref_halo(one, ncomp, g, fill);
  auto ref = filled(ref_halo, one);
  ref_halo.exchange(ref);
  auto ref_h = Kokkos::create_mirror_view(ref);
  Kokkos::deep_copy(ref_h, ref);

  CartDecomposition<2> many(MPI_COMM_WORLD, {nx, ny}, periodic);
  Halo halo(many, ncomp, g, fill);
  auto f = filled(halo, many);
  halo.exchange(f);
  auto h = Kokkos::create_mirror_view(f);
  Kokkos::deep_copy(h, f);
  long mismatches = 0;
  for (int c = 0; c < ncomp; ++c)
    for (long j = 0; j < halo.ny() + 2 * g; ++j)
      for (long i = 0; i < halo.nx() + 2 * g; ++i) {
        const long gy = many.lo(1) + j, gx = many.lo(0) + i;  // index in the reference array
        mismatches += h(c, j, i) != ref_h(c, gy, gx);
      }
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("the 1-rank reference fills ghosts by the boundary rule", "[halo]") {
  CartDecomposition<2> one(MPI_COMM_SELF, {7, 5}, {true, false});
  Halo halo(one, 1, 2, EdgeFill::ReflectCell);
  auto f = filled(halo, one);
  halo.exchange(f);
  auto h = Kokkos::create_mirror_view(f);
  Kokkos::deep_copy(h, f);
  // periodic in x: ghost x=-1 is x=6, ghost x=7 is x=0 (owned x index i -> array i + 2)
  CHECK(h(0, 2, 1) == value(0, 0, 6));
  CHECK(h(0, 2, 9) == value(0, 0, 0));
  // reflecting in y (cell-centred): ghost y=-1 is y=0, y=-2 is y=1, y=5 is y=4
  CHECK(h(0, 1, 3) == value(0, 0, 1));
  CHECK(h(0, 0, 3) == value(0, 1, 1));
  CHECK(h(0, 7, 3) == value(0, 4, 1));
  // corner: x wraps, y reflects
  CHECK(h(0, 1, 1) == value(0, 0, 6));
}

TEST_CASE("halo exchange equals the 1-rank reference", "[halo][mpi]") {
  check_against_reference(37, 23, 1, {true, true}, EdgeFill::ReflectCell);
  check_against_reference(37, 23, 2, {true, true}, EdgeFill::ReflectCell);
  check_against_reference(37, 23, 2, {false, false}, EdgeFill::ReflectCell);
  check_against_reference(37, 23, 2, {false, false}, EdgeFill::ReflectNode);
  check_against_reference(30, 41, 3, {true, false}, EdgeFill::ReflectNode);
}

TEST_CASE("a ghost wider than the local block is refused", "[halo][mpi]") {
  CartDecomposition<2> d(MPI_COMM_WORLD, {8, 8}, {true, true});
  CHECK_THROWS_AS(Halo(d, 1, 9, EdgeFill::ReflectCell), Error);
}
