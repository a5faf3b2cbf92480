#pragma once
// The neural core's one GEMM: C = alpha op(A) op(B) + beta C on column-major (LayoutLeft) matrices,
// op = "N" (as is) or "T" (transposed).
//
// - Device spaces and one-thread host spaces: KokkosBlas::gemm (the system BLAS on a host, the vendor
//   BLAS on a GPU build).
// - Host spaces with several threads (Kokkos OpenMP): C is cut into one block of columns (or of rows,
//   when C is tall and narrow) per thread, and each thread calls the system BLAS, single-threaded, on
//   its block inside a Kokkos parallel_for. The GEMMs then run on the same threads as every other
//   kernel. A BLAS thread pool of its own (OPENBLAS_NUM_THREADS > 1) would compete with the Kokkos
//   threads for the cores, and its workers inherit the master thread's binding to a single core
//   (OMP_PROC_BIND), so it buys little or nothing: Runtime sets OpenBLAS to one thread in such builds.
// Every element of C is the same dot product either way, but a BLAS may order its inner sums by tile,
// so blocked and unblocked results can differ in the last bits (as between thread counts generally).
#include <KokkosBlas3_gemm.hpp>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdint>
#include <type_traits>

extern "C" {
void sgemm_(const char* ta, const char* tb, const int* m, const int* n, const int* k, const float* alpha,
            const float* a, const int* lda, const float* b, const int* ldb, const float* beta, float* c,
            const int* ldc);
void dgemm_(const char* ta, const char* tb, const int* m, const int* n, const int* k, const double* alpha,
            const double* a, const int* lda, const double* b, const int* ldb, const double* beta, double* c,
            const int* ldc);
}

namespace macrodyn::nn {

namespace gemm_detail {

inline void blas(char ta, char tb, int m, int n, int k, float alpha, const float* a, int lda, const float* b,
                 int ldb, float beta, float* c, int ldc) {
  sgemm_(&ta, &tb, &m, &n, &k, &alpha, a, &lda, b, &ldb, &beta, c, &ldc);
}
inline void blas(char ta, char tb, int m, int n, int k, double alpha, const double* a, int lda, const double* b,
                 int ldb, double beta, double* c, int ldc) {
  dgemm_(&ta, &tb, &m, &n, &k, &alpha, a, &lda, b, &ldb, &beta, c, &ldc);
}

// Below this many multiply-adds per thread a parallel region costs more than it saves.
constexpr double kMinWorkPerThread = 131072.0;

}  // namespace gemm_detail

template <class AV, class BV, class CV>
void gemm(const char* transa, const char* transb, typename CV::value_type alpha, const AV& A, const BV& B,
          typename CV::value_type beta, const CV& C) {
  using T = typename CV::value_type;
  using Exec = typename CV::execution_space;
  constexpr bool host = Kokkos::SpaceAccessibility<Kokkos::HostSpace, typename CV::memory_space>::accessible;
  if constexpr (host && std::is_same<Exec, Kokkos::DefaultHostExecutionSpace>::value) {
    const bool ta = transa[0] == 'T', tb = transb[0] == 'T';
    const int64_t m = C.extent(0), n = C.extent(1), k = ta ? A.extent(0) : A.extent(1);
    const int threads = Exec().concurrency();
    const double work = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
    const bool unit_stride = A.stride(0) == 1 && B.stride(0) == 1 && C.stride(0) == 1;
    if (threads > 1 && unit_stride && m > 0 && n > 0 && work >= 2 * gemm_detail::kMinWorkPerThread) {
      const int lda = static_cast<int>(std::max<int64_t>(1, A.stride(1)));
      const int ldb = static_cast<int>(std::max<int64_t>(1, B.stride(1)));
      const int ldc = static_cast<int>(std::max<int64_t>(1, C.stride(1)));
      const bool by_columns = n >= m || n >= 4 * threads;
      const int64_t extent = by_columns ? n : m;
      const int blocks = static_cast<int>(std::min<double>(
          {static_cast<double>(threads), static_cast<double>(extent), work / gemm_detail::kMinWorkPerThread}));
      const T* a = A.data();
      const T* b = B.data();
      T* c = C.data();
      Kokkos::parallel_for(
          "nn_gemm_blocks", Kokkos::RangePolicy<Exec>(0, blocks), [=](const int p) {
            const int64_t lo = extent * p / blocks, hi = extent * (p + 1) / blocks;
            if (hi == lo) return;
            const int len = static_cast<int>(hi - lo);
            if (by_columns)  // C(:, lo:hi) = op(A) op(B)(:, lo:hi)
              gemm_detail::blas(transa[0], transb[0], static_cast<int>(m), len, static_cast<int>(k), alpha, a, lda,
                                tb ? b + lo : b + lo * ldb, ldb, beta, c + lo * ldc, ldc);
            else  // C(lo:hi, :) = op(A)(lo:hi, :) op(B)
              gemm_detail::blas(transa[0], transb[0], len, static_cast<int>(n), static_cast<int>(k), alpha,
                                ta ? a + lo * lda : a + lo, lda, b, ldb, beta, c + lo, ldc);
          });
      Kokkos::fence();
      return;
    }
  }
  KokkosBlas::gemm(transa, transb, alpha, A, B, beta, C);
}

}  // namespace macrodyn::nn
