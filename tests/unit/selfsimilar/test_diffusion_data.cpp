// Diffusion coefficient from the decay of the longest Fourier mode (used for D_micro and D_macro).
#include <catch2/catch.hpp>

#include "learn/selfsimilar/diffusion_data.hpp"
#include "sim/diffusion/diffusion_model.hpp"

using namespace macrodyn;

TEST_CASE("mode_decay_diffusion recovers D of exact lattice diffusion, and D T / S^2 after coarse-graining",
          "[selfsimilar]") {
  const long L = 48, rows = 41;
  const double D = 0.5;
  std::vector<double> initial(L);
  for (long x = 0; x < L; ++x) initial[x] = 1.0 + 0.3 * ((x * 7919) % 13) / 13.0;
  std::vector<double> v;
  for (long t = 0; t < rows; ++t) {
    const auto row = diffusion::evolve_exact(initial, D, double(t));
    v.insert(v.end(), row.begin(), row.end());
  }
  CHECK(selfsimilar::mode_decay_diffusion(v, 1, rows, L) == Approx(D).epsilon(1e-6));
  // block averages over S = 2 sites and T = 4 rows: macro D in macro sites^2 per macro step ~ D T / S^2
  const long S = 2, T = 4, M = L / S, blocks = rows / T;
  std::vector<double> y;
  for (long b = 0; b < blocks; ++b)
    for (long j = 0; j < M; ++j) {
      double s = 0;
      for (long dt = 0; dt < T; ++dt)
        for (long ds = 0; ds < S; ++ds) s += v[static_cast<size_t>((b * T + dt) * L + j * S + ds)];
      y.push_back(s / (S * T));
    }
  CHECK(selfsimilar::mode_decay_diffusion(y, 1, blocks, M) == Approx(D * T / (S * S)).epsilon(0.01));
}
