// Allen-Cahn physics and numerics on one rank: stationary states, energy decay, the energy
// dissipation law, convergence order of the Euler step, partial forces, deck validation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/random_subset.hpp"
#include "sim/allen_cahn/allen_cahn_config.hpp"
#include "sim/allen_cahn/allen_cahn_grid.hpp"

using namespace macrodyn;
using namespace macrodyn::allen_cahn;

namespace {
std::vector<double> owned_force(const AllenCahnGrid& g) {
  AllenCahnGrid::Owned f("f", g.ny(), g.nx());
  g.force(f);
  auto h = Kokkos::create_mirror_view(f);
  Kokkos::deep_copy(h, f);
  return std::vector<double>(h.data(), h.data() + g.nx() * g.ny());
}
const double kEps = Model::eps_from_interface(10.0, 1.0 / 200);
}  // namespace

TEST_CASE("flat states v = 1 and v = -1 are stationary; their energy is zero", "[allen_cahn]") {
  for (double value : {1.0, -1.0}) {
    AllenCahnGrid g(MPI_COMM_WORLD, Model::make(40, kEps));
    g.set_constant(value);
    g.advance(g.model().dt_max(), 50);
    auto v = g.gather_global();
    for (double x : v) REQUIRE(x == value);
    for (double f : owned_force(g)) REQUIRE(f == 0.0);
    REQUIRE(g.free_energy() == 0.0);
  }
}

TEST_CASE("free energy of v = 0 is |Omega| F(0) / eps^2", "[allen_cahn]") {
  AllenCahnGrid g(MPI_COMM_WORLD, Model::make(30, 0.05));
  g.set_constant(0.0);
  REQUIRE(g.free_energy() == Approx(0.25 / (0.05 * 0.05)).epsilon(1e-13));
}

TEST_CASE("torus: energy never increases at the largest stable step, |v| <= 1", "[allen_cahn]") {
  AllenCahnGrid g(MPI_COMM_WORLD, Model::make(64, kEps));
  g.set_torus(0.35, 0.12);
  const double dt = g.model().dt_max();
  double e = g.free_energy();
  const double e0 = e;
  for (int s = 0; s < 3000; ++s) {
    g.advance(dt, 1);
    const double next = g.free_energy();
    REQUIRE(next <= e);
    e = next;
  }
  REQUIRE(e < 0.9 * e0);  // the interfaces really moved
  auto v = g.gather_global();
  REQUIRE(*std::max_element(v.begin(), v.end()) <= 1.0);
  REQUIRE(*std::min_element(v.begin(), v.end()) >= -1.0);
}

TEST_CASE("energy dissipation law dE/dt = -h^2 sum f^2 (gradient flow)", "[allen_cahn]") {
  AllenCahnGrid g(MPI_COMM_WORLD, Model::make(64, kEps));
  g.set_torus(0.35, 0.12);
  const double h2 = g.model().h * g.model().h;
  for (int round = 0; round < 3; ++round) {
    g.advance(g.model().dt_max(), 300);
    double rate = 0.0;
    for (double f : owned_force(g)) rate -= h2 * f * f;
    const double dt = 1e-4 * g.model().dt_max(), e0 = g.free_energy();
    g.advance(dt, 1);
    REQUIRE((g.free_energy() - e0) / dt == Approx(rate).epsilon(1e-3));
  }
}

TEST_CASE("explicit Euler converges at first order in dt", "[allen_cahn]") {
  const Model model = Model::make(32, 0.05);
  const double dt0 = model.dt_max();
  const long steps0 = 200;
  auto run = [&](long refine) {
    AllenCahnGrid g(MPI_COMM_WORLD, model);
    g.set_torus(0.35, 0.12);
    g.advance(dt0 / refine, steps0 * refine);
    return g.gather_global();
  };
  const auto ref = run(128);
  double err[3];
  for (int k = 0; k < 3; ++k) {
    auto v = run(1L << k);
    err[k] = 0.0;
    for (size_t i = 0; i < v.size(); ++i) err[k] = std::max(err[k], std::abs(v[i] - ref[i]));
  }
  const double order1 = std::log2(err[0] / err[1]), order2 = std::log2(err[1] / err[2]);
  INFO("errors " << err[0] << " " << err[1] << " " << err[2] << ", orders " << order1 << " " << order2);
  REQUIRE(err[0] > 1e-8);  // the test measures something
  REQUIRE(order1 == Approx(1.0).margin(0.1));
  REQUIRE(order2 == Approx(1.0).margin(0.1));
}

TEST_CASE("partial forces equal the full force at I exactly, |I| = round(N p)", "[allen_cahn]") {
  AllenCahnGrid g(MPI_COMM_WORLD, Model::make(50, kEps));
  g.set_torus(0.33, 0.11);
  g.advance(g.model().dt_max(), 20);
  const auto full = owned_force(g);
  const int64_t N = 50 * 50;
  for (double p : {0.04, 0.2, 1.0}) {
    const int64_t m = subset_size(N, p);
    REQUIRE(m == static_cast<int64_t>(std::llround(N * p)));
    const auto ids = random_subset(N, m, 3, 4, 5);
    REQUIRE(static_cast<int64_t>(ids.size()) == m);
    const auto values = g.partial_forces(ids);
    REQUIRE(values.size() == ids.size());
    for (size_t k = 0; k < ids.size(); ++k) REQUIRE(values[k] == full[ids[k]]);
  }
  // Interface cells have a large force: the comparison is not vacuous.
  REQUIRE(*std::max_element(full.begin(), full.end()) > 1.0);
}

TEST_CASE("deck: defaults follow the seed, an unstable dt is rejected", "[allen_cahn]") {
  auto deck = Deck::from_string("n = 200\n", "test");
  auto c = SimulateConfig::parse(deck.root());
  REQUIRE(c.model.eps == Approx(0.01200).epsilon(1e-3));
  REQUIRE(c.partial_count == 1600);
  REQUIRE(c.dt == Approx(1.0 / (4 * 200.0 * 200.0 + 2.0 / (c.model.eps * c.model.eps))));
  auto bad = Deck::from_string("n = 200\ndt = 2.5e-5\n", "test");
  REQUIRE_THROWS_AS(SimulateConfig::parse(bad.root()), Error);
}

TEST_CASE("blocked Euler: bitwise the one-step result for any block length and strip width", "[allen_cahn]") {
  const Model model = Model::make(37, kEps);  // 37 = prime: partial strips and blocks everywhere
  auto run = [&](TimeBlocking blocking, long steps) {
    AllenCahnGrid g(MPI_COMM_SELF, model, {1, 1}, blocking);
    g.set_torus(0.34, 0.12);
    g.advance(model.dt_max(), steps);
    return g.gather_global();
  };
  for (long steps : {1L, 16L, 53L}) {
    const auto ref = run({1, 1024}, steps);
    for (long block : {2L, 3L, 7L, 16L, 40L})
      for (long strip : {1L, 5L, 13L, 1024L}) {
        INFO("steps " << steps << ", block " << block << ", strip " << strip);
        REQUIRE(run({block, strip}, steps) == ref);
      }
  }
  // The mirror ghosts evolve like the cells they mirror: a field that is not symmetric tests them.
  AllenCahnGrid a(MPI_COMM_SELF, model, {1, 1}, {1, 1024}), b(MPI_COMM_SELF, model, {1, 1}, {16, 8});
  std::vector<double> init(37 * 37);
  for (size_t i = 0; i < init.size(); ++i) init[i] = std::sin(0.37 * static_cast<double>(i)) * 0.9;
  a.set_owned(init.data());
  b.set_owned(init.data());
  a.advance(model.dt_max(), 40);
  b.advance(model.dt_max(), 40);
  REQUIRE(b.ghost() == 16);
  REQUIRE(a.gather_global() == b.gather_global());
}
