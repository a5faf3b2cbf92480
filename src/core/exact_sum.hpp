#pragma once
// Order-independent (hence rank- and thread-count-independent) sums of doubles.
//
// Floating-point addition is not associative, so a sum reduced over ranks or threads changes in its
// last bits with the decomposition. Here every term is converted to a 128-bit fixed-point integer
// with a binary scale 2^e chosen from the global largest |term| and the term count, so that no sum can
// overflow; integer addition is exact, so the total does not depend on the order of the terms. Bits of
// a term below 2^-e are dropped; e leaves about 126 - log2(count) bits below the largest term, far
// below double precision for any count up to 2^60.
//
// Use (two passes over the terms, as in AllenCahnGrid::free_energy):
//   const int e = exact_sum::scale_exponent(global max |term|, global count);
//   const double scale = std::ldexp(1.0, e);
//   exact_sum::Fixed local = 0;  ... local += exact_sum::to_fixed(term, scale) in a parallel_reduce ...
//   const double total = exact_sum::allreduce(local, e, comm);
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <cmath>
#include <vector>

namespace macrodyn::exact_sum {

using Fixed = __int128;

// Exponent e with max_abs * 2^e * count < 2^126 (0 terms or all zero: any e works). Capped so that
// 2^e is a finite double (terms below 2^-1000 then lose bits; they cannot matter to a double total).
inline int scale_exponent(double max_abs, double count) {
  if (!(max_abs > 0.0) || !(count > 0.0)) return 0;
  int max_exp = 0, count_exp = 0;
  std::frexp(max_abs, &max_exp);  // max_abs < 2^max_exp
  std::frexp(count, &count_exp);  // count < 2^count_exp
  const int e = 126 - max_exp - count_exp;
  return e < 1000 ? e : 1000;
}

// x * scale with scale = 2^e: exact (a power of two), then truncated to an integer.
KOKKOS_INLINE_FUNCTION Fixed to_fixed(double x, double scale) { return static_cast<Fixed>(x * scale); }

// Sum over the ranks of `comm` of this rank's fixed-point partial sum, as a double (collective).
inline double allreduce(Fixed local, int e, MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  std::vector<Fixed> all(static_cast<size_t>(size));
  MPI_Allgather(&local, sizeof(Fixed), MPI_BYTE, all.data(), sizeof(Fixed), MPI_BYTE, comm);
  Fixed total = 0;
  for (const Fixed v : all) total += v;
  return std::ldexp(static_cast<double>(total), -e);
}

}  // namespace macrodyn::exact_sum
