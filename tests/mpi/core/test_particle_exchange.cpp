// ParticleExchange<D> (2-D and 3-D) against brute force over all particles with minimum image:
// ownership after distribute/migrate, every pair within the cutoff visible exactly once through the
// ghosts, ghost refresh (positions and ghost aux columns), image counts, and a half-list pairwise
// sum + reverse_sum equal to the full minimum-image sum. Runs on 1, 2 and 4 ranks.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <vector>

#include "core/rng.hpp"
#include "decomp/particle_exchange.hpp"

using namespace macrodyn;

namespace {

using Exec = Kokkos::DefaultExecutionSpace;

template <int D>
struct Setup {
  std::array<double, D> L;
  std::array<long, D> cells;
  double rc;
};

// Deterministic global configuration: position of particle `id` after `round` random moves.
template <int D>
std::array<double, D> start_position(const Setup<D>& s, int64_t id) {
  CounterRng rng(7, 1);
  std::array<double, D> x{};
  for (int d = 0; d < D; ++d) x[d] = rng.uniform(id, 0, d) * s.L[d];
  return x;
}

// Host copy that never aliases the device view (create_mirror_view would on host spaces).
template <class V>
auto snapshot(const V& v) {
  auto h = Kokkos::create_mirror(v);
  Kokkos::deep_copy(h, v);
  return h;
}

template <int D>
double min_image(double dx, double L) {
  return dx - L * std::round(dx / L);
}

// pair "force" g(r) = (rc - r) * dx: any smooth function of the separation will do
template <int D>
void brute_force_sum(const Setup<D>& s, const std::vector<std::array<double, D>>& all, int64_t i, double* out,
                     int* partners) {
  for (int d = 0; d < D; ++d) out[d] = 0.0;
  *partners = 0;
  for (size_t j = 0; j < all.size(); ++j) {
    if (static_cast<int64_t>(j) == i) continue;
    double dx[D], r2 = 0;
    for (int d = 0; d < D; ++d) {
      dx[d] = min_image<D>(all[j][d] - all[i][d], s.L[d]);
      r2 += dx[d] * dx[d];
    }
    if (r2 >= s.rc * s.rc) continue;
    ++*partners;
    const double g = s.rc - std::sqrt(r2);
    for (int d = 0; d < D; ++d) out[d] += g * dx[d];
  }
}

template <int D>
void run_exchange_checks(const Setup<D>& s, int64_t N, std::array<int, D> process_dims = {}) {
  CartDecomposition<D> decomp(
      MPI_COMM_WORLD, s.cells,
      [] {
        std::array<bool, D> p;
        p.fill(true);
        return p;
      }(),
      process_dims);
  ParticleExchange<D, Exec> ex(decomp, s.L);
  const int rank = decomp.rank(), size = decomp.size();
  // fields: a heading-like tag carried by ghosts, then the image counts
  constexpr ParticleField heading_tag{0, 1}, image{1, D};
  ParticleArrays<D, Exec::memory_space> p(image.end(), heading_tag.end(), 0);

  // every rank starts with ids = rank mod size, which are NOT its own particles
  std::vector<std::array<double, D>> all(N);
  for (int64_t i = 0; i < N; ++i) all[i] = start_position<D>(s, i);
  {
    int n = 0;
    for (int64_t i = rank; i < N; i += size) ++n;
    p.reserve(n);
    auto hx = Kokkos::create_mirror(p.x);
    auto hid = Kokkos::create_mirror(p.id);
    auto haux = Kokkos::create_mirror(p.aux);
    int k = 0;
    for (int64_t i = rank; i < N; i += size, ++k) {
      for (int d = 0; d < D; ++d) hx(k, d) = all[i][d];
      hid(k) = i;
      for (int a = 0; a < 1 + D; ++a) haux(k, a) = a == 0 ? 100.0 + i : 0.0;
    }
    Kokkos::deep_copy(p.x, hx);
    Kokkos::deep_copy(p.id, hid);
    Kokkos::deep_copy(p.aux, haux);
    p.n_local = n;
  }
  ex.distribute(p);

  CounterRng mover(11, 2);
  std::vector<std::array<double, D>> unwrapped = all;
  for (int round = 0; round < 4; ++round) {
    if (round > 0) {
      // move every particle by up to 0.45 h per axis (keyed by id and round), then migrate
      auto hx = snapshot(p.x);
      auto hid = snapshot(p.id);
      for (int i = 0; i < p.n_local; ++i)
        for (int d = 0; d < D; ++d) hx(i, d) += (mover.uniform(hid(i), round, d) - 0.5) * 0.9 * ex.cell_width(d);
      Kokkos::deep_copy(p.x, hx);
      for (int64_t i = 0; i < N; ++i)
        for (int d = 0; d < D; ++d) {
          const double step = (mover.uniform(i, round, d) - 0.5) * 0.9 * ex.cell_width(d);
          unwrapped[i][d] += step;
          all[i][d] = unwrapped[i][d] - s.L[d] * std::floor(unwrapped[i][d] / s.L[d]);
        }
      ex.migrate(p, image);
    }
    ex.build_ghosts(p);

    auto hx = snapshot(p.x);
    auto hid = snapshot(p.id);
    auto hcell = snapshot(p.cell);
    auto haux = snapshot(p.aux);

    // ownership: all N particles once, each in an owned cell, unwrapped position from image counts
    long count = p.n_local, total = 0;
    MPI_Allreduce(&count, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    REQUIRE(total == N);
    double id_sum = 0, id_sum_all = 0;
    int bad = 0;
    for (int i = 0; i < p.n_local; ++i) {
      id_sum += static_cast<double>(hid(i));
      for (int d = 0; d < D; ++d) {
        if (hcell(i, d) < ex.cell_lo(d) || hcell(i, d) >= ex.cell_hi(d)) ++bad;
        if (std::abs(hx(i, d) + haux(i, image.first + d) * s.L[d] - unwrapped[hid(i)][d]) > 1e-12) ++bad;
      }
    }
    MPI_Allreduce(&id_sum, &id_sum_all, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    CHECK(bad == 0);
    CHECK(id_sum_all == Approx(0.5 * N * (N - 1)));

    // ghosts: position = owner's + a multiple of L, ghost aux carried, none inside the owned block
    int ghost_bad = 0;
    for (int g = p.n_local; g < p.n_total(); ++g) {
      if (haux(g, 0) != 100.0 + hid(g)) ++ghost_bad;
      bool inside = true;
      for (int d = 0; d < D; ++d) {
        const double k = (hx(g, d) - all[hid(g)][d]) / s.L[d];
        if (std::abs(k - std::round(k)) > 1e-12) ++ghost_bad;
        inside = inside && hcell(g, d) >= ex.cell_lo(d) && hcell(g, d) < ex.cell_hi(d);
      }
      if (inside) ++ghost_bad;
    }
    CHECK(ghost_bad == 0);

    // half-list sum (pair counted by the lower id) + reverse_sum == brute force
    Kokkos::View<double**, Kokkos::LayoutRight, Exec::memory_space> f("f", p.capacity(), D);
    auto hf = Kokkos::create_mirror(f);
    Kokkos::deep_copy(hf, 0.0);
    std::vector<int> partners(p.n_local, 0);
    for (int i = 0; i < p.n_local; ++i)
      for (int j = 0; j < p.n_total(); ++j) {
        if (j == i) continue;
        double dx[D], r2 = 0;
        for (int d = 0; d < D; ++d) dx[d] = hx(j, d) - hx(i, d), r2 += dx[d] * dx[d];
        if (r2 >= s.rc * s.rc) continue;
        ++partners[i];
        if (hid(j) < hid(i)) continue;  // the other order (here or on another rank) counts it
        const double gr = s.rc - std::sqrt(r2);
        for (int d = 0; d < D; ++d) hf(i, d) += gr * dx[d], hf(j, d) -= gr * dx[d];
      }
    Kokkos::deep_copy(f, hf);
    ex.reverse_sum(f);
    Kokkos::deep_copy(hf, f);
    int sum_bad = 0;
    for (int i = 0; i < p.n_local; ++i) {
      double ref[D];
      int np = 0;
      brute_force_sum<D>(s, all, hid(i), ref, &np);
      if (np != partners[i]) ++sum_bad;
      for (int d = 0; d < D; ++d)
        if (std::abs(hf(i, d) - ref[d]) > 1e-12 * (1 + std::abs(ref[d]))) ++sum_bad;
    }
    CHECK(sum_bad == 0);

    // forward refresh: shift owned positions and tags, ghosts must follow (with their periodic shift)
    Kokkos::View<double**, Kokkos::LayoutRight, Exec::memory_space> tag("tag", p.capacity(), 2);
    auto htag = Kokkos::create_mirror(tag);
    for (int i = 0; i < p.n_local; ++i) {
      for (int d = 0; d < D; ++d) hx(i, d) += 0.01 * (d + 1);
      haux(i, 0) = -static_cast<double>(hid(i));
      htag(i, 0) = 3.0 * hid(i), htag(i, 1) = -1.0 * hid(i);
    }
    Kokkos::deep_copy(p.x, hx);
    Kokkos::deep_copy(p.aux, haux);
    Kokkos::deep_copy(tag, htag);
    ex.update_ghosts(p);
    ex.forward(tag);
    auto hx2 = snapshot(p.x);
    auto haux2 = snapshot(p.aux);
    Kokkos::deep_copy(htag, tag);
    int fwd_bad = 0;
    for (int g = p.n_local; g < p.n_total(); ++g) {
      if (haux2(g, 0) != -static_cast<double>(hid(g))) ++fwd_bad;
      if (htag(g, 0) != 3.0 * hid(g) || htag(g, 1) != -1.0 * hid(g)) ++fwd_bad;
      for (int d = 0; d < D; ++d)
        if (std::abs(hx2(g, d) - hx(g, d) - 0.01 * (d + 1)) > 1e-12) ++fwd_bad;
    }
    CHECK(fwd_bad == 0);
    // undo the shift so the next round's bookkeeping holds
    for (int i = 0; i < p.n_local; ++i) {
      for (int d = 0; d < D; ++d) hx(i, d) -= 0.01 * (d + 1);
      haux(i, 0) = 100.0 + hid(i);
    }
    Kokkos::deep_copy(Kokkos::subview(p.x, std::make_pair(0, p.n_local), Kokkos::ALL),
                      Kokkos::subview(hx, std::make_pair(0, p.n_local), Kokkos::ALL));
    Kokkos::deep_copy(p.aux, haux);
  }
}

}  // namespace

TEST_CASE("ParticleExchange 3-D: ownership, ghosts, migration, reverse sum", "[particle_exchange]") {
  Setup<3> s{{9.0, 7.5, 8.0}, {6, 5, 5}, 1.4};
  run_exchange_checks<3>(s, 400);
}

TEST_CASE("ParticleExchange 2-D: ownership, ghosts with aux, migration, reverse sum", "[particle_exchange]") {
  Setup<2> s{{12.0, 10.0}, {8, 6}, 1.45};
  run_exchange_checks<2>(s, 300);
}

TEST_CASE("ParticleExchange: one cell per block along an axis", "[particle_exchange]") {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  // exactly `size` cells along x: each rank owns one cell layer, which is also both ghost layers
  const int nx = size < 3 ? 3 : size;
  Setup<3> s{{3.2 * nx, 6.4, 6.6}, {nx, 4, 4}, 1.5};
  run_exchange_checks<3>(s, 250, {size, 1, 1});
}
