// Harmonic oscillator pairs: exact flow, energy conservation to round-off, the stage's dataset.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

#include "core/config.hpp"
#include "io/h5file.hpp"
#include "sim/oscillator/harmonic_oscillator.hpp"
#include "sim/oscillator/oscillator_simulate_stage.hpp"

using namespace macrodyn;

TEST_CASE("SHO flow matches A cos(tau + phi), -A sin(tau + phi) and a fine RK4", "[oscillator]") {
  const double x0 = 0.7, p0 = -0.4;
  const double amp = std::hypot(x0, p0), phi = std::atan2(-p0, x0);  // x0 = A cos phi, p0 = -A sin phi
  for (double tau : {0.0, 0.3, 1.7, 3.14159, 5.5, 6.283185307179586}) {
    double x, p;
    oscillator::sho_flow(x0, p0, tau, x, p);
    REQUIRE(x == Approx(amp * std::cos(tau + phi)).margin(1e-14));
    REQUIRE(p == Approx(-amp * std::sin(tau + phi)).margin(1e-14));
    // dx/dt = p, dp/dt = -x by RK4 with 20000 steps
    const int n = 20000;
    const double h = tau / n;
    double a = x0, b = p0;
    for (int i = 0; i < n; ++i) {
      const double k1a = b, k1b = -a;
      const double k2a = b + 0.5 * h * k1b, k2b = -(a + 0.5 * h * k1a);
      const double k3a = b + 0.5 * h * k2b, k3b = -(a + 0.5 * h * k2a);
      const double k4a = b + h * k3b, k4b = -(a + h * k3a);
      a += h / 6 * (k1a + 2 * k2a + 2 * k3a + k4a);
      b += h / 6 * (k1b + 2 * k2b + 2 * k3b + k4b);
    }
    REQUIRE(x == Approx(a).margin(1e-12));
    REQUIRE(p == Approx(b).margin(1e-12));
  }
}

TEST_CASE("simulate oscillator: energy of u equals energy of v to round-off", "[oscillator][stage]") {
  const std::string file = "test_oscillator_stage.h5";
  Deck deck = Deck::from_string("file = \"" + file + "\"\nsamples = 1000\ninit_half_width = 2.0\nseed = 3\n", "test");
  auto stage = oscillator::make_oscillator_simulate_stage(deck.root());
  RunContext ctx;
  stage->run(ctx);
  auto f = io::H5File::open_read(file, MPI_COMM_SELF);
  auto u = f.read_all<double>("/u");
  auto v = f.read_all<double>("/v");
  auto tau = f.read_all<double>("/tau");
  auto e = f.read_all<double>("/energy");
  REQUIRE(u.size() == 2000);
  REQUIRE(tau.size() == 1000);
  double tau_mean = 0, e_max = 0;
  for (int s = 0; s < 1000; ++s) {
    const double eu = 0.5 * (u[2 * s] * u[2 * s] + u[2 * s + 1] * u[2 * s + 1]);
    const double ev = 0.5 * (v[2 * s] * v[2 * s] + v[2 * s + 1] * v[2 * s + 1]);
    REQUIRE(e[s] == eu);
    REQUIRE(std::fabs(ev - eu) <= 8 * 2.220446049250313e-16 * (eu + 1e-300));
    REQUIRE(std::fabs(u[2 * s]) <= 2.0);
    REQUIRE(std::fabs(u[2 * s + 1]) <= 2.0);
    REQUIRE(tau[s] >= 0.0);
    REQUIRE(tau[s] < 2 * M_PI);
    tau_mean += tau[s] / 1000;
    e_max = std::max(e_max, eu);
    // v really is u advanced by tau (not just some point on the same circle)
    REQUIRE(v[2 * s] == Approx(u[2 * s] * std::cos(tau[s]) + u[2 * s + 1] * std::sin(tau[s])).margin(1e-13));
  }
  REQUIRE(tau_mean == Approx(M_PI).margin(0.15));  // std of the mean = 2pi/sqrt(12 * 1000) = 0.057
  REQUIRE(e_max > 3.0);                            // energies cover [0, a^2 = 4]
  std::remove(file.c_str());
}
