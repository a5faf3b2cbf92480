// PETSc-backed pseudo-inverse of a column-distributed d x N Jacobian against the analytic answer for
// J = U diag(s) Q (U a reflection, Q orthonormal rows): J J^T = U diag(s^2) U^T, J^+ g = Q^T diag(1/s) U^T g.
#include <catch2/catch.hpp>
#include <cmath>

#include "core/rng.hpp"
#include "core/runtime.hpp"
#include "decomp/cart_decomposition.hpp"
#include "linalg/jacobian_pseudo_inverse.hpp"

using namespace macrodyn;

namespace {

struct Problem {
  int d;
  long n;
  std::vector<double> s, u, q, j;  // u: reflection vector; q: d x n; j: d x n (row-major)
  double reflect(const std::vector<double>& x, int r) const {  // (U x)_r with U = I - 2 u u^T / |u|^2
    double uu = 0, ux = 0;
    for (int k = 0; k < d; ++k) uu += u[k] * u[k], ux += u[k] * x[k];
    return x[r] - 2 * u[r] * ux / uu;
  }
};

Problem make_problem(int d, long n, double smin, double smax) {
  Problem p{d, n, {}, {}, {}, {}};
  CounterRng rng(11, 3);
  p.q.resize(d * n);
  for (int r = 0; r < d; ++r) {  // Gram-Schmidt on random rows
    for (long c = 0; c < n; ++c) p.q[r * n + c] = rng.normal(c, r);
    for (int pass = 0; pass < 2; ++pass)
      for (int k = 0; k < r; ++k) {
        double dot = 0;
        for (long c = 0; c < n; ++c) dot += p.q[r * n + c] * p.q[k * n + c];
        for (long c = 0; c < n; ++c) p.q[r * n + c] -= dot * p.q[k * n + c];
      }
    double norm = 0;
    for (long c = 0; c < n; ++c) norm += p.q[r * n + c] * p.q[r * n + c];
    for (long c = 0; c < n; ++c) p.q[r * n + c] /= std::sqrt(norm);
  }
  for (int r = 0; r < d; ++r) p.s.push_back(smin * std::pow(smax / smin, d == 1 ? 0.0 : r / double(d - 1)));
  for (int r = 0; r < d; ++r) p.u.push_back(1.0 + r);
  p.j.resize(d * n);
  std::vector<double> col(d);
  for (long c = 0; c < n; ++c) {
    for (int r = 0; r < d; ++r) col[r] = p.s[r] * p.q[r * n + c];
    for (int r = 0; r < d; ++r) p.j[r * n + c] = p.reflect(col, r);
  }
  return p;
}

}  // namespace

TEST_CASE("Gram spectrum, condition number and pseudo-inverse match the analytic values", "[linalg][mpi]") {
  for (double smax : {1.0, 10.0, 1000.0}) {
    const int d = 5;
    const long n = 301;
    Problem p = make_problem(d, n, 1.0, smax);
    CartDecomposition<1> cols(MPI_COMM_WORLD, {n}, {false});
    const long lo = cols.lo(0), nl = cols.local_cells(0);
    linalg::JacobianPseudoInverse pinv(MPI_COMM_WORLD, d, nl);
    REQUIRE(pinv.first_column() == lo);
    REQUIRE(pinv.global_columns() == n);
    std::vector<double> block(d * nl);
    for (int r = 0; r < d; ++r)
      for (long c = 0; c < nl; ++c) block[r * nl + c] = p.j[r * n + lo + c];
    pinv.set_local_block(block.data());

    const double kappa = (smax / 1.0) * (smax / 1.0);
    CHECK(pinv.condition_number() == Approx(kappa).epsilon(1e-10));
    for (int r = 0; r < d; ++r) CHECK(pinv.gram_eigenvalues()[r] == Approx(p.s[r] * p.s[r]).epsilon(1e-10));
    for (int a = 0; a < d; ++a)
      for (int b = 0; b < d; ++b) CHECK(pinv.gram()[a * d + b] == Approx(pinv.gram()[b * d + a]).margin(1e-12 * kappa));

    std::vector<double> g{0.3, -1.0, 2.0, 0.5, -0.25}, y(nl);
    pinv.apply(g.data(), y.data());
    // Analytic: y = Q^T diag(1/s) U^T g (U is symmetric).
    std::vector<double> ug(d), w(d);
    for (int r = 0; r < d; ++r) ug[r] = p.reflect(g, r);
    for (int r = 0; r < d; ++r) w[r] = ug[r] / p.s[r];
    double max_err = 0, scale = 0;
    for (long c = 0; c < nl; ++c) {
      double ref = 0;
      for (int r = 0; r < d; ++r) ref += p.q[r * n + lo + c] * w[r];
      max_err = std::max(max_err, std::abs(y[c] - ref));
      scale = std::max(scale, std::abs(ref));
    }
    CHECK(max_err <= 1e-12 * kappa * scale);
    // J y = g (a right inverse), summed over the ranks' column blocks.
    std::vector<double> jy(d, 0.0);
    for (int r = 0; r < d; ++r)
      for (long c = 0; c < nl; ++c) jy[r] += block[r * nl + c] * y[c];
    MPI_Allreduce(MPI_IN_PLACE, jy.data(), d, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    for (int r = 0; r < d; ++r) CHECK(jy[r] == Approx(g[r]).margin(1e-11 * kappa));
  }
}

TEST_CASE("a rank-deficient Jacobian is reported, not silently inverted", "[linalg][mpi]") {
  const int d = 3;
  const long n = 40;
  CartDecomposition<1> cols(MPI_COMM_WORLD, {n}, {false});
  const long lo = cols.lo(0), nl = cols.local_cells(0);
  std::vector<double> block(d * nl);
  for (long c = 0; c < nl; ++c) {
    block[0 * nl + c] = std::sin(0.1 * (lo + c));
    block[1 * nl + c] = std::cos(0.3 * (lo + c));
    block[2 * nl + c] = 2.0 * block[0 * nl + c];  // row 2 = 2 * row 0
  }
  linalg::JacobianPseudoInverse pinv(MPI_COMM_WORLD, d, nl);
  CHECK_THROWS_WITH(pinv.set_local_block(block.data()), Catch::Contains("not positive definite"));
}
