#include <catch2/catch.hpp>
#include <csignal>

#include "core/runtime.hpp"
#include "core/signals.hpp"
#include "decomp/cart_decomposition.hpp"

using namespace macrodyn;

TEST_CASE("blocks tile the global grid and neighbours agree", "[decomp][mpi]") {
  CartDecomposition<3> d(MPI_COMM_WORLD, {50, 31, 17}, {true, false, true});
  long owned = d.local_cells(0) * d.local_cells(1) * d.local_cells(2), total = 0;
  MPI_Allreduce(&owned, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  CHECK(total == 50L * 31 * 17);
  for (int axis = 0; axis < 3; ++axis) {
    // My upper neighbour's lower neighbour is me; its lo is my hi (or 0 across a periodic wrap).
    int up = d.neighbor(axis, +1);
    long my_hi = d.hi(axis), their_lo = -1;
    int me = d.rank(), their_lower = -1;
    MPI_Sendrecv(&me, 1, MPI_INT, up, 0, &their_lower, 1, MPI_INT, d.neighbor(axis, -1), 0, d.comm(), MPI_STATUS_IGNORE);
    MPI_Sendrecv(&my_hi, 1, MPI_LONG, up, 1, &their_lo, 1, MPI_LONG, d.neighbor(axis, -1), 1, d.comm(), MPI_STATUS_IGNORE);
    if (d.neighbor(axis, -1) != MPI_PROC_NULL) {
      CHECK(their_lower == d.neighbor(axis, -1));
      CHECK(their_lo == (d.at_lower_edge(axis) ? d.global_cells()[axis] : d.lo(axis)));
    } else {
      CHECK_FALSE(d.periodic(axis));
      CHECK(d.at_lower_edge(axis));
    }
  }
  CHECK(CartDecomposition<1>::block_lo(10, 3, 0) == 0);
  CHECK(CartDecomposition<1>::block_lo(10, 3, 1) == 4);
  CHECK(CartDecomposition<1>::block_lo(10, 3, 2) == 7);
  CHECK(CartDecomposition<1>::block_lo(10, 3, 3) == 10);
}

TEST_CASE("the largest process split goes to the longest axis", "[decomp][mpi]") {
  CartDecomposition<2> d(MPI_COMM_WORLD, {1000, 10}, {true, true});
  CHECK(d.process_dims()[0] >= d.process_dims()[1]);
}

TEST_CASE("a stop signal on one rank stops every rank", "[signals][mpi]") {
  install_stop_signal_handlers();
  set_stop_requested(false);
  CHECK_FALSE(stop_requested_collective(MPI_COMM_WORLD));
  if (comm_rank(MPI_COMM_WORLD) == comm_size(MPI_COMM_WORLD) - 1) std::raise(SIGUSR1);
  CHECK(stop_requested_collective(MPI_COMM_WORLD));
  set_stop_requested(false);
  if (comm_rank(MPI_COMM_WORLD) == 0) std::raise(SIGTERM);
  CHECK(stop_requested_collective(MPI_COMM_WORLD));
  set_stop_requested(false);
}
