// 2x2 linear ODE pairs: exact exponential vs a fine RK4, semigroup property, the stage's dataset.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

#include "core/config.hpp"
#include "io/h5file.hpp"
#include "sim/linear_ode/linear_ode_simulate_stage.hpp"
#include "sim/linear_ode/matrix_exponential_2x2.hpp"

using namespace macrodyn;

namespace {

// x(t) of dx/dt = M x by classical RK4 with n steps.
void rk4(const double m[4], const double x0[2], double t, int n, double x[2]) {
  const double h = t / n;
  double a = x0[0], b = x0[1];
  auto f = [&](double p, double q, double& fp, double& fq) {
    fp = m[0] * p + m[1] * q;
    fq = m[2] * p + m[3] * q;
  };
  for (int i = 0; i < n; ++i) {
    double k1a, k1b, k2a, k2b, k3a, k3b, k4a, k4b;
    f(a, b, k1a, k1b);
    f(a + 0.5 * h * k1a, b + 0.5 * h * k1b, k2a, k2b);
    f(a + 0.5 * h * k2a, b + 0.5 * h * k2b, k3a, k3b);
    f(a + h * k3a, b + h * k3b, k4a, k4b);
    a += h / 6 * (k1a + 2 * k2a + 2 * k3a + k4a);
    b += h / 6 * (k1b + 2 * k2b + 2 * k3b + k4b);
  }
  x[0] = a;
  x[1] = b;
}

}  // namespace

TEST_CASE("exp(Mt) matches a fine RK4 for real, complex and repeated eigenvalues", "[linear_ode]") {
  const double mats[][4] = {
      {-1.0, 2.0, -3.0, 0.5},    // complex pair (spiral)
      {1.2, 0.3, 0.4, -0.8},     // real distinct (saddle)
      {0.5, 1.0, 0.0, 0.5},      // defective (Jordan block): z = 0 exactly
      {0.5, 1.0, -1e-7, 0.5},    // nearly defective, complex side
      {0.5, 1.0, 1e-7, 0.5},     // nearly defective, real side
      {0.0, 1.0, -1.0, 0.0},     // rotation
      {2.0, 0.0, 0.0, -2.0},     // diagonal
      {0.0, 0.0, 0.0, 0.0},      // zero
  };
  const double x0[2] = {0.6, -0.9};
  for (const auto& m : mats) {
    for (double t : {0.0, 0.2, 0.7, 1.4, 3.0}) {
      double e[4], ref[2];
      linear_ode::expm_2x2(m, t, e);
      rk4(m, x0, t, 4000, ref);
      INFO("M = [" << m[0] << " " << m[1] << "; " << m[2] << " " << m[3] << "], t = " << t);
      const double scale = 1.0 + std::hypot(ref[0], ref[1]);
      REQUIRE(std::fabs(e[0] * x0[0] + e[1] * x0[1] - ref[0]) < 1e-11 * scale);
      REQUIRE(std::fabs(e[2] * x0[0] + e[3] * x0[1] - ref[1]) < 1e-11 * scale);
    }
  }
}

TEST_CASE("exp(M(s+t)) = exp(Ms) exp(Mt) and det exp(Mt) = exp(t tr M)", "[linear_ode]") {
  const double m[4] = {0.3, -1.7, 0.9, -0.4};
  double a[4], b[4], c[4];
  linear_ode::expm_2x2(m, 0.45, a);
  linear_ode::expm_2x2(m, 0.8, b);
  linear_ode::expm_2x2(m, 1.25, c);
  REQUIRE(a[0] * b[0] + a[1] * b[2] == Approx(c[0]).margin(1e-14));
  REQUIRE(a[0] * b[1] + a[1] * b[3] == Approx(c[1]).margin(1e-14));
  REQUIRE(a[2] * b[0] + a[3] * b[2] == Approx(c[2]).margin(1e-14));
  REQUIRE(a[2] * b[1] + a[3] * b[3] == Approx(c[3]).margin(1e-14));
  REQUIRE(c[0] * c[3] - c[1] * c[2] == Approx(std::exp(1.25 * (m[0] + m[3]))).epsilon(1e-14));
}

TEST_CASE("simulate linear_ode: trajectories follow dx/dt = M x from x0", "[linear_ode][stage]") {
  const std::string file = "test_linear_ode_stage.h5";
  Deck deck = Deck::from_string("file = \"" + file + "\"\nsamples = 400\npoints = 8\ndt = 0.2\nseed = 11\n", "test");
  auto stage = linear_ode::make_linear_ode_simulate_stage(deck.root());
  RunContext ctx;
  stage->run(ctx);
  auto f = io::H5File::open_read(file, MPI_COMM_SELF);
  REQUIRE(f.dims("/trajectory") == io::Dims{400, 8, 2});
  auto mat = f.read_all<double>("/M");
  auto x0 = f.read_all<double>("/x0");
  auto tr = f.read_all<double>("/trajectory");
  auto t = f.read_all<double>("/t");
  REQUIRE(t.size() == 8);
  double mean = 0, var = 0;
  for (int s = 0; s < 400; ++s) {
    const double* m = &mat[4 * s];
    for (int k = 0; k < 4; ++k) {
      mean += m[k] / 1600;
      var += m[k] * m[k] / 1600;
    }
    REQUIRE(std::fabs(x0[2 * s]) <= 1.0);
    REQUIRE(std::fabs(x0[2 * s + 1]) <= 1.0);
    REQUIRE(tr[16 * s] == x0[2 * s]);
    REQUIRE(tr[16 * s + 1] == x0[2 * s + 1]);
    for (int j = 1; j < 8; ++j) {
      REQUIRE(t[j] == Approx(0.2 * j));
      double ref[2];
      rk4(m, &x0[2 * s], t[j], 400 * j, ref);
      const double scale = 1.0 + std::hypot(ref[0], ref[1]);
      REQUIRE(std::fabs(tr[16 * s + 2 * j] - ref[0]) < 1e-10 * scale);
      REQUIRE(std::fabs(tr[16 * s + 2 * j + 1] - ref[1]) < 1e-10 * scale);
    }
  }
  // entries ~ N(0, 1): mean 0 +- 0.025, second moment 1 +- 0.035 (1600 draws)
  REQUIRE(std::fabs(mean) < 0.1);
  REQUIRE(var == Approx(1.0).margin(0.15));
  std::remove(file.c_str());
}
