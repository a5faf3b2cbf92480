// Allen-Cahn RK4 integrator (integrator = "rk4"): fourth order against the exact solution of the
// spatially uniform problem, fourth order on the torus against a refined run, energy decrease and
// |v| <= 1 at the closure data's step dt = 0.1 h^2, and the deck keys that select it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "core/config.hpp"
#include "core/error.hpp"
#include "sim/allen_cahn/allen_cahn_config.hpp"
#include "sim/allen_cahn/allen_cahn_grid.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::allen_cahn;

namespace {
const double kEps = Model::eps_from_interface(10.0, 1.0 / 200);

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0.0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}
}  // namespace

TEST_CASE("RK4: uniform state follows the exact ODE solution at fourth order", "[allen_cahn][rk4]") {
  // A uniform field has zero Laplacian (Neumann), so dv/dt = v (1 - v^2) / eps^2, whose solution is
  // v(t) = c / sqrt(c^2 + (1 - c^2) exp(-2 t / eps^2)).
  const double eps = 0.05, c = 0.3, t_final = 0.005;
  const double exact = c / std::sqrt(c * c + (1 - c * c) * std::exp(-2 * t_final / (eps * eps)));
  double err[3];
  for (int k = 0; k < 3; ++k) {
    const long steps = 10L << k;
    AllenCahnGrid g(MPI_COMM_SELF, Model::make(8, eps), {1, 1}, {1, 1024});
    g.set_constant(c);
    g.advance_rk4(t_final / static_cast<double>(steps), steps);
    const auto v = g.gather_global();
    for (double x : v) REQUIRE(x == v[0]);  // stays uniform
    err[k] = std::abs(v[0] - exact);
  }
  const double order1 = std::log2(err[0] / err[1]), order2 = std::log2(err[1] / err[2]);
  INFO("exact " << exact << ", errors " << err[0] << " " << err[1] << " " << err[2] << ", orders " << order1 << " "
                << order2);
  REQUIRE(exact > 0.8);     // the solution really moved from 0.3
  REQUIRE(err[0] > 1e-9);   // above round-off: the order is measured
  REQUIRE(err[0] < 1e-4);   // and it is accurate
  REQUIRE(order1 == Approx(4.0).margin(0.3));
  REQUIRE(order2 == Approx(4.0).margin(0.3));
}

TEST_CASE("RK4: torus converges at fourth order in dt", "[allen_cahn][rk4]") {
  const Model model = Model::make(32, 0.05);
  const double dt0 = 0.25 * model.h * model.h;
  const long steps0 = 40;
  auto run = [&](long refine) {
    AllenCahnGrid g(MPI_COMM_SELF, model, {1, 1}, {1, 1024});
    g.set_torus(0.35, 0.12);
    g.advance_rk4(dt0 / static_cast<double>(refine), steps0 * refine);
    return g.gather_global();
  };
  const auto ref = run(32);
  const double err[3] = {max_abs_diff(run(1), ref), max_abs_diff(run(2), ref), max_abs_diff(run(4), ref)};
  const double order1 = std::log2(err[0] / err[1]), order2 = std::log2(err[1] / err[2]);
  INFO("errors " << err[0] << " " << err[1] << " " << err[2] << ", orders " << order1 << " " << order2);
  REQUIRE(err[0] > 1e-10);
  REQUIRE(order1 == Approx(4.0).margin(0.4));
  REQUIRE(order2 == Approx(4.0).margin(0.4));
  // RK4 and Euler approximate the same flow: at a small common step they agree to Euler's O(dt) error.
  AllenCahnGrid euler(MPI_COMM_SELF, model, {1, 1}, {1, 1024});
  euler.set_torus(0.35, 0.12);
  euler.advance(dt0 / 32, steps0 * 32);
  const double gap = max_abs_diff(euler.gather_global(), ref);
  INFO("Euler - RK4 at dt0/32: " << gap);
  REQUIRE(gap < 1e-3);
  REQUIRE(gap > 0.0);
}

TEST_CASE("RK4 at dt = 0.1 h^2: free energy decreases, |v| <= 1", "[allen_cahn][rk4]") {
  AllenCahnGrid g(MPI_COMM_SELF, Model::make(64, kEps), {1, 1}, {1, 1024});
  g.set_torus(0.35, 0.12);
  const double dt = 0.1 * g.model().h * g.model().h;
  double e = g.free_energy();
  const double e0 = e;
  for (int s = 0; s < 2000; ++s) {
    g.advance_rk4(dt, 1);
    const double next = g.free_energy();
    REQUIRE(next <= e);
    e = next;
  }
  REQUIRE(e < 0.9 * e0);
  const auto v = g.gather_global();
  REQUIRE(*std::max_element(v.begin(), v.end()) <= 1.0);
  REQUIRE(*std::min_element(v.begin(), v.end()) >= -1.0);
}

TEST_CASE("RK4 deck keys: default dt = 0.1 h^2, stability bound, steps", "[allen_cahn][rk4]") {
  auto deck = Deck::from_string("n = 200\nintegrator = \"rk4\"\nsteps = 40000\n", "test");
  const auto c = SimulateConfig::parse(deck.root());
  REQUIRE(c.integrator == Integrator::Rk4);
  REQUIRE(c.dt == Approx(0.1 / (200.0 * 200.0)).epsilon(1e-14));
  REQUIRE(c.steps == 40000);
  REQUIRE(c.snapshots == 401);
  REQUIRE(c.model.dt_max_rk4() > 2.0 * c.dt);  // 0.1 h^2 is well inside the bound
  // The Euler default is unchanged.
  auto euler = Deck::from_string("n = 200\n", "test");
  REQUIRE(SimulateConfig::parse(euler.root()).integrator == Integrator::EulerBlocked);
  // The paper's literal step is outside RK4's stability region: rejected, naming the key.
  auto bad = Deck::from_string("n = 200\nintegrator = \"rk4\"\ndt = 2.5e-5\n", "test");
  REQUIRE_THAT(test::error_of([&] { SimulateConfig::parse(bad.root()); }),
               Catch::Contains("dt") && Catch::Contains("RK4's stability bound"));
  auto both = Deck::from_string("steps = 10\nt_final = 0.1\n", "test");
  REQUIRE_THAT(test::error_of([&] { SimulateConfig::parse(both.root()); }), Catch::Contains("not both"));
  auto unknown = Deck::from_string("integrator = \"leapfrog\"\n", "test");
  REQUIRE_THAT(test::error_of([&] { SimulateConfig::parse(unknown.root()); }), Catch::Contains("integrator"));
}
