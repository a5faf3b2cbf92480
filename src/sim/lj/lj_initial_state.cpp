#include "sim/lj/lj_initial_state.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/random_subset.hpp"
#include "core/rng.hpp"

namespace macrodyn::lj {

std::pair<int64_t, int64_t> id_block(int64_t n, int rank, int nranks) {
  const int64_t q = n / nranks, r = n % nranks;
  const int64_t first = rank * q + std::min<int64_t>(rank, r);
  return {first, first + q + (rank < r ? 1 : 0)};
}

int64_t sc_atom_count(double box, double density) { return std::llround(density * box * box * box); }

HostAtoms sc_random_positions(double box, int64_t n_atoms, uint64_t seed, int64_t first, int64_t last) {
  const int64_t G = static_cast<int64_t>(std::floor(box + 1e-9));
  if (G < 1 || G * G * G < n_atoms)
    fail("lj sc_random: ", n_atoms, " atoms do not fit on the ", G, "^3 sites of a unit-spacing grid in box ", box,
         " (density above 1?)");
  const std::vector<int64_t> sites = random_subset(G * G * G, n_atoms, seed, 0x5C, 0);
  const double a = box / static_cast<double>(G);
  HostAtoms out;
  for (int64_t k = first; k < last; ++k) {
    const int64_t s = sites[k];
    out.id.push_back(k);
    out.x.push_back((s % G + 0.5) * a);
    out.x.push_back(((s / G) % G + 0.5) * a);
    out.x.push_back((s / (G * G) + 0.5) * a);
  }
  return out;
}

double fcc_box(int cells, double density) { return cells * std::cbrt(4.0 / density); }

HostAtoms fcc_positions(int cells, double density, int64_t first, int64_t last) {
  const double a = std::cbrt(4.0 / density);
  static const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  HostAtoms out;
  for (int64_t k = first; k < last; ++k) {
    const int64_t c = k / 4, b = k % 4;
    const int64_t cx = c % cells, cy = (c / cells) % cells, cz = c / (static_cast<int64_t>(cells) * cells);
    out.id.push_back(k);
    out.x.push_back((cx + basis[b][0]) * a);
    out.x.push_back((cy + basis[b][1]) * a);
    out.x.push_back((cz + basis[b][2]) * a);
  }
  return out;
}

void assign_velocities(HostAtoms& a, int64_t n_atoms, double T0, uint64_t velocity_seed) {
  const CounterRng rng(velocity_seed, 0x7E1);
  double mean[3] = {0, 0, 0};
  for (int64_t i = 0; i < n_atoms; ++i)
    for (int d = 0; d < 3; ++d) mean[d] += rng.normal(i, 0, d);
  for (int d = 0; d < 3; ++d) mean[d] /= static_cast<double>(n_atoms);
  double sum2 = 0;
  for (int64_t i = 0; i < n_atoms; ++i)
    for (int d = 0; d < 3; ++d) {
      const double u = rng.normal(i, 0, d) - mean[d];
      sum2 += u * u;
    }
  const double T_raw = sum2 / (3.0 * (n_atoms - 1.0));
  const double scale = std::sqrt(T0 / T_raw);
  a.v.resize(3 * a.id.size());
  for (size_t k = 0; k < a.id.size(); ++k)
    for (int d = 0; d < 3; ++d) a.v[3 * k + d] = (rng.normal(a.id[k], 0, d) - mean[d]) * scale;
}

}  // namespace macrodyn::lj
