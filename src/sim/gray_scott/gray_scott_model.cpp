#include "sim/gray_scott/gray_scott_model.hpp"

#include <cmath>

#include "core/rng.hpp"
#include "decomp/halo_exchange_2d.hpp"

namespace macrodyn::gray_scott {

std::vector<double> run_sample(const Params& p, long n, long steps, double dt, uint64_t seed, uint64_t attempt) {
  using Exec = Kokkos::DefaultExecutionSpace;
  using Policy2 = Kokkos::MDRangePolicy<Exec, Kokkos::Rank<2>>;
  CartDecomposition<2> decomp(MPI_COMM_SELF, {n, n}, {true, true});
  HaloExchange2D<Exec> halo(decomp, 2, 1, EdgeFill::None);
  auto u = halo.make_field("gray_scott_u"), w = halo.make_field("gray_scott_w");
  const CounterRng rng(seed, kStreamInitial);
  const uint32_t step_key = static_cast<uint32_t>(attempt);
  const uint64_t hi = attempt >> 32;
  Kokkos::parallel_for(
      "gray_scott_init", Policy2({0, 0}, {n, n}), KOKKOS_LAMBDA(long j, long i) {
        const uint64_t cell = (hi << 40) + static_cast<uint64_t>(j * n + i);
        u(0, j + 1, i + 1) = rng.uniform(cell, step_key, 0);
        u(1, j + 1, i + 1) = rng.uniform(cell, step_key, 1);
      });
  const double Da = p.Da, Db = p.Db, F = p.F, k = p.k;
  for (long s = 0; s < steps; ++s) {
    halo.exchange(u);
    Kokkos::parallel_for(
        "gray_scott_euler", Policy2({1, 1}, {n + 1, n + 1}), KOKKOS_LAMBDA(long j, long i) {
          const double a = u(0, j, i), b = u(1, j, i);
          const double la = u(0, j, i - 1) + u(0, j, i + 1) + u(0, j - 1, i) + u(0, j + 1, i) - 4.0 * a;
          const double lb = u(1, j, i - 1) + u(1, j, i + 1) + u(1, j - 1, i) + u(1, j + 1, i) - 4.0 * b;
          const double r = a * b * b;
          w(0, j, i) = a + dt * (Da * la - r + F * (1.0 - a));
          w(1, j, i) = b + dt * (Db * lb + r - (F + k) * b);
        });
    std::swap(u, w);
  }
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u);
  std::vector<double> out(static_cast<size_t>(2 * n * n));
  for (int c = 0; c < 2; ++c)
    for (long j = 0; j < n; ++j)
      for (long i = 0; i < n; ++i) out[(c * n + j) * n + i] = host(c, j + 1, i + 1);
  return out;
}

double channel_std(const std::vector<double>& pattern, long n, int channel) {
  const double* x = pattern.data() + static_cast<size_t>(channel) * n * n;
  double mean = 0.0, sq = 0.0;
  for (long q = 0; q < n * n; ++q) mean += x[q];
  mean /= static_cast<double>(n * n);
  for (long q = 0; q < n * n; ++q) sq += (x[q] - mean) * (x[q] - mean);
  return std::sqrt(sq / static_cast<double>(n * n));
}

}  // namespace macrodyn::gray_scott
