#pragma once
// Shared set-up for the LJ tests (unit and MPI): a density-rho system on random simple-cubic sites (optionally
// jittered), velocities for T0, built on `comm` from this rank's id block.
#include <mpi.h>

#include <map>

#include "core/rng.hpp"
#include "sim/lj/lj_initial_state.hpp"
#include "sim/lj/lj_pair_driver.hpp"

namespace lj_test {

using namespace macrodyn;
using namespace macrodyn::lj;

inline HostAtoms sc_atoms(MPI_Comm comm, double L, int64_t N, double T0, double jitter, uint64_t seed) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  auto [first, last] = id_block(N, rank, size);
  HostAtoms a = sc_random_positions(L, N, seed, first, last);
  const CounterRng rng(seed, 99);
  for (size_t k = 0; k < a.id.size(); ++k)
    for (int d = 0; d < 3; ++d) a.x[3 * k + d] += jitter * (rng.uniform(a.id[k], 0, d) - 0.5);
  assign_velocities(a, N, T0, seed + 1);
  return a;
}

// Largest expected difference between two force sums over the same pairs in different orders, for
// forces of magnitude up to `scale`: double rounding, plus on concurrent backends the half list's
// fixed-point rounding (under 2^-34 per pair term, at most 64 terms within the cutoff here).
inline double force_sum_tolerance(bool newton, double scale) {
  const bool fixed = newton && OrderIndependentHalfList<Exec>::value;
  return 1e-12 * scale + (fixed ? 64.0 / FixedPoint::scale : 0.0);
}

// id -> 3 values of the owned atoms, gathered on every rank.
inline std::map<int64_t, std::array<double, 3>> gather_by_id(MPI_Comm comm, const std::vector<int64_t>& id,
                                                             const std::vector<double>& v) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  int n = static_cast<int>(id.size());
  std::vector<int> counts(size), displs(size + 1, 0);
  MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  for (int r = 0; r < size; ++r) displs[r + 1] = displs[r] + counts[r];
  std::vector<int64_t> all_id(displs[size]);
  std::vector<double> all_v(3 * static_cast<size_t>(displs[size]));
  MPI_Allgatherv(id.data(), n, MPI_INT64_T, all_id.data(), counts.data(), displs.data(), MPI_INT64_T, comm);
  for (int r = 0; r < size; ++r) counts[r] *= 3, displs[r] *= 3;
  MPI_Allgatherv(v.data(), 3 * n, MPI_DOUBLE, all_v.data(), counts.data(), displs.data(), MPI_DOUBLE, comm);
  std::map<int64_t, std::array<double, 3>> out;
  for (size_t k = 0; k < all_id.size(); ++k) out[all_id[k]] = {all_v[3 * k], all_v[3 * k + 1], all_v[3 * k + 2]};
  return out;
}

}  // namespace lj_test
