#pragma once
// 1-D diffusion generators ([Self-similar dynamics] §III.B): random walkers on a periodic lattice of L sites
// (default 100), t in [0, 100], time step dt in {1, 0.1, 0.04, 0.01}, plus the exact dt -> 0 limit.
//
// Walker model (decision; the seed gives no rule): in each step of length dt a walker hops to the left
// or right neighbour with probability D dt each and stays otherwise (requires 2 D dt <= 1; D = 1/2
// with dt = 1 is the simple random walk). The displacement variance grows by 2 D dt per step, so the
// mean squared displacement is exactly 2 D t for every dt, while the shape of the density differs from
// the continuum at large dt. Draws: CounterRng(seed, stream).uniform(walker, step), rank-independent.
//
// dt -> 0 limit: the continuous-time lattice walk (hop rate D to each side). Its density from a point
// source at x0 is the exact lattice heat kernel
//   p(x, t) = (1/L) sum_{k=0}^{L-1} exp(-2 D t (1 - cos(2 pi k / L))) cos(2 pi k (x - x0) / L).
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace macrodyn::diffusion {

struct WalkResult {
  std::vector<double> density;  // (snapshots, L): fraction of walkers per site
  std::vector<double> msd;      // (snapshots): mean squared (unwrapped) displacement
};

// Walkers start at the sites `start`; snapshots every `save_every` steps (snapshot 0 = start).
inline WalkResult random_walk(long L, const std::vector<long>& start, double D, double dt, long steps,
                              long save_every, uint64_t seed, uint64_t stream) {
  const long W = static_cast<long>(start.size());
  if (2.0 * D * dt > 1.0) fail("diffusion: hop probability 2 D dt = ", 2.0 * D * dt, " exceeds 1");
  const long T = steps / save_every + 1;
  WalkResult r{std::vector<double>(static_cast<size_t>(T * L), 0.0), std::vector<double>(T, 0.0)};
  const CounterRng rng(seed, stream);
  const double p = D * dt;
  std::vector<long> disp(W, 0);
  for (long s = 0; s <= steps; ++s) {
    if (s > 0)
      for (long w = 0; w < W; ++w) {
        const double u = rng.uniform(static_cast<uint64_t>(w), static_cast<uint32_t>(s));
        disp[w] += u < p ? -1 : (u < 2.0 * p ? 1 : 0);
      }
    if (s % save_every != 0) continue;
    const long t = s / save_every;
    for (long w = 0; w < W; ++w) {
      const long site = ((start[w] + disp[w]) % L + L) % L;
      r.density[t * L + site] += 1.0 / W;
      r.msd[t] += static_cast<double>(disp[w]) * disp[w] / W;
    }
  }
  return r;
}

// All W walkers at x0.
inline WalkResult random_walk(long L, long W, long x0, double D, double dt, long steps, long save_every,
                              uint64_t seed, uint64_t stream) {
  return random_walk(L, std::vector<long>(W, x0), D, dt, steps, save_every, seed, stream);
}

// Exact lattice heat kernel (dt -> 0 limit) at time t for a point source at x0.
inline std::vector<double> heat_kernel(long L, long x0, double D, double t) {
  std::vector<double> p(L, 0.0);
  for (long k = 0; k < L; ++k) {
    const double q = 2.0 * M_PI * k / L, decay = std::exp(-2.0 * D * t * (1.0 - std::cos(q)));
    for (long x = 0; x < L; ++x) p[x] += decay * std::cos(q * (x - x0)) / L;
  }
  return p;
}

// Exact dt -> 0 evolution of a density: periodic convolution with the heat kernel.
inline std::vector<double> evolve_exact(const std::vector<double>& density, double D, double t) {
  const long L = static_cast<long>(density.size());
  const auto k = heat_kernel(L, 0, D, t);
  std::vector<double> out(L, 0.0);
  for (long x = 0; x < L; ++x)
    for (long y = 0; y < L; ++y) out[x] += density[y] * k[((x - y) % L + L) % L];
  return out;
}

}  // namespace macrodyn::diffusion
