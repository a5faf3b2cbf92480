#pragma once
// Per-particle values redistributed into global-id order for I/O: rank r receives the values of ids
// [first_r, last_r) (contiguous blocks, sizes differing by at most one), ready for one collective
// hyperslab write of rows [first_r, last_r). Host vectors: this is an I/O path (MPI_Alltoallv).
#include <mpi.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace macrodyn {

inline std::pair<int64_t, int64_t> particle_id_block(int64_t n, int rank, int nranks) {
  const int64_t q = n / nranks, r = n % nranks;
  const int64_t first = rank * q + (rank < r ? rank : r);
  return {first, first + q + (rank < r ? 1 : 0)};
}

// values: ncomp per particle, in the order of `ids`. Returns (last - first) * ncomp values.
inline std::vector<double> to_id_blocks(MPI_Comm comm, int64_t n, const std::vector<int64_t>& ids,
                                        const std::vector<double>& values, int ncomp) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::vector<int64_t> starts(size + 1);
  for (int r = 0; r < size; ++r) starts[r] = particle_id_block(n, r, size).first;
  starts[size] = n;
  auto owner = [&](int64_t id) {
    int lo = 0, hi = size;  // last r with starts[r] <= id
    while (hi - lo > 1) {
      const int mid = (lo + hi) / 2;
      (starts[mid] <= id ? lo : hi) = mid;
    }
    return lo;
  };
  const int w = ncomp + 1;
  std::vector<int> scount(size, 0), rcount(size), sdisp(size + 1, 0), rdisp(size + 1, 0);
  for (int64_t id : ids) scount[owner(id)] += w;
  MPI_Alltoall(scount.data(), 1, MPI_INT, rcount.data(), 1, MPI_INT, comm);
  for (int r = 0; r < size; ++r) sdisp[r + 1] = sdisp[r] + scount[r], rdisp[r + 1] = rdisp[r] + rcount[r];
  std::vector<double> send(sdisp[size]), recv(rdisp[size]);
  std::vector<int> fill(sdisp.begin(), sdisp.end() - 1);
  for (size_t k = 0; k < ids.size(); ++k) {
    double* out = &send[fill[owner(ids[k])]];
    fill[owner(ids[k])] += w;
    out[0] = static_cast<double>(ids[k]);
    for (int c = 0; c < ncomp; ++c) out[1 + c] = values[k * ncomp + c];
  }
  MPI_Alltoallv(send.data(), scount.data(), sdisp.data(), MPI_DOUBLE, recv.data(), rcount.data(), rdisp.data(),
                MPI_DOUBLE, comm);
  const int64_t first = starts[rank];
  std::vector<double> block(static_cast<size_t>(starts[rank + 1] - first) * ncomp, 0.0);
  for (size_t k = 0; k < recv.size(); k += w) {
    const int64_t id = static_cast<int64_t>(recv[k]);
    for (int c = 0; c < ncomp; ++c) block[static_cast<size_t>(id - first) * ncomp + c] = recv[k + 1 + c];
  }
  return block;
}

}  // namespace macrodyn
