// The Allen-Cahn fixed observable (the simulator's discrete free energy): exact gradient against
// central finite differences, value against the energy the simulator stored with its snapshots, and
// the closure data reader on an Allen-Cahn dataset (4-D states, /snapshots_kept, partial forces).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "io/h5file.hpp"
#include "learn/closure/allen_cahn_energy_observable.hpp"
#include "learn/closure/closure_data.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

namespace {
const std::string kData = std::string(MACRODYN_SOURCE_DIR) + "/tests/unit/closure/data/allen_cahn_small.h5";
}

TEST_CASE("Allen-Cahn free energy: exact gradient equals finite differences", "[closure][allen_cahn]") {
  const size_t n = 7, N = n * n;
  const double eps = 0.09;
  const auto obs = make_fixed_observable("allen_cahn", N, {{"eps", eps}});
  REQUIRE(obs->dim() == 1);
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-1.2, 1.2);
  std::vector<double> v(N), g(N);
  for (auto& x : v) x = u(rng);
  obs->jacobian(v.data(), g.data());
  double worst = 0, scale = 0;
  for (size_t i = 0; i < N; ++i) {
    const double step = 1e-5, keep = v[i];
    double ep = 0, em = 0;
    v[i] = keep + step, obs->value(v.data(), &ep);
    v[i] = keep - step, obs->value(v.data(), &em);
    v[i] = keep;
    worst = std::max(worst, std::abs((ep - em) / (2 * step) - g[i]));
    scale = std::max(scale, std::abs(g[i]));
  }
  CHECK(scale > 1e-2);
  CHECK(worst / scale < 1e-8);
  // A constant field v = c has no gradient energy: E = F(c)/eps^2 (sum h^2 = 1).
  std::vector<double> c(N, 0.3);
  double e = 0;
  obs->value(c.data(), &e);
  CHECK(e == Approx(0.25 * std::pow(0.3 * 0.3 - 1.0, 2) / (eps * eps)).epsilon(1e-12));
}

TEST_CASE("Allen-Cahn free energy equals the simulator's stored energy", "[closure][allen_cahn]") {
  const auto d = read_closure_data(kData, MPI_COMM_WORLD, {});
  REQUIRE(d.system == "allen_cahn");
  const auto obs = make_fixed_observable(d.system, d.state_dim, d.observable_parameters);
  const auto f = io::H5File::open_read(kData, MPI_COMM_WORLD);
  const auto energy = f.read_all<double>("/free_energy");  // (K, T), NaN past the kept snapshots
  REQUIRE(d.trajectories() == 2);
  size_t checked = 0;
  for (size_t k = 0; k < d.trajectories(); ++k)
    for (size_t t = 0; t < d.length(k); ++t) {
      const float* s = d.state(d.trajectory_start[k] + t);
      const std::vector<double> x(s, s + d.state_dim);  // stored as double: the float copy is exact to 1e-7
      double e = 0;
      obs->value(x.data(), &e);
      CHECK(e == Approx(energy[k * d.times + t]).epsilon(1e-5));
      ++checked;
    }
  CHECK(checked == 10);
}

TEST_CASE("closure data: Allen-Cahn files are read up to /snapshots_kept", "[closure][allen_cahn]") {
  const auto f = io::H5File::open_read(kData, MPI_COMM_WORLD);
  REQUIRE(f.read_all<int64_t>("/snapshots_kept") == std::vector<int64_t>{4, 6});
  const size_t n = f.dims("/states")[2], T = f.dims("/states")[1];
  REQUIRE(T == 16);
  ClosureDataRequest req;
  req.forces = req.partial_forces = true;
  const auto d = read_closure_data(kData, MPI_COMM_WORLD, req);
  CHECK(d.state_dim == n * n);
  CHECK(d.configs == 10);
  CHECK(d.trajectory_start == std::vector<size_t>{0, 4, 10});
  CHECK(d.whole(0));
  CHECK(d.whole(1));
  CHECK(d.observable_parameters.at("eps") == f.attr_double("/", "eps"));
  const size_t m = d.partial;
  REQUIRE(m == f.dims("/partial_forces/indices")[2]);
  // Every value read is finite (no NaN tail), and snapshot 2 of trajectory 1 is the file's (1, 2).
  for (float x : d.states) REQUIRE(std::isfinite(x));
  for (double x : d.forces) REQUIRE(std::isfinite(x));
  for (auto i : d.partial_index) REQUIRE((i >= 0 && i < static_cast<int64_t>(n * n)));
  std::vector<double> s(n * n), fr(n * n), pv(m);
  f.read<double>("/states", {1, 2, 0, 0}, {1, 1, n, n}, s.data());
  f.read<double>("/forces", {1, 2, 0, 0}, {1, 1, n, n}, fr.data());
  f.read<double>("/partial_forces/values", {1, 2, 0}, {1, 1, m}, pv.data());
  const size_t row = 4 + 2;
  for (size_t i = 0; i < n * n; ++i) {
    CHECK(d.state(row)[i] == static_cast<float>(s[i]));
    CHECK(d.forces[row * n * n + i] == fr[i]);
  }
  for (size_t j = 0; j < m; ++j) {
    CHECK(d.partial_value[row * m + j] == pv[j]);
    // The partial force at a cell is the full force there.
    CHECK(d.partial_value[row * m + j] == d.forces[row * n * n + d.partial_index[row * m + j]]);
  }
  // The first 6 configurations: trajectory 0 whole, 2 snapshots of trajectory 1.
  ClosureDataRequest few;
  few.max_configs = 6;
  const auto p = read_closure_data(kData, MPI_COMM_WORLD, few);
  CHECK(p.trajectory_start == std::vector<size_t>{0, 4, 6});
  CHECK(p.whole(0));
  CHECK_FALSE(p.whole(1));
  // More than the kept snapshots is an error naming the file.
  few.max_configs = 11;
  CHECK(test::error_of([&] { read_closure_data(kData, MPI_COMM_WORLD, few); }).find("allen_cahn_small.h5") !=
        std::string::npos);
  ClosureDataRequest one;
  one.max_trajectories = 1;
  CHECK(read_closure_data(kData, MPI_COMM_WORLD, one).configs == 4);
}

TEST_CASE("closure data: a snapshot stride keeps snapshots 0, s, 2s, ... of each trajectory", "[closure][allen_cahn]") {
  // Kept snapshots are 4 and 6; with stride 3 trajectory 0 gives snapshots 0, 3 and trajectory 1 gives
  // 0, 3 (ceil(4/3) = 2, ceil(6/3) = 2).
  ClosureDataRequest all;
  all.forces = all.partial_forces = true;
  const auto d = read_closure_data(kData, MPI_COMM_WORLD, all);
  ClosureDataRequest req = all;
  req.snapshot_stride = 3;
  const auto s = read_closure_data(kData, MPI_COMM_WORLD, req);
  REQUIRE(s.configs == 4);
  CHECK(s.trajectory_start == std::vector<size_t>{0, 2, 4});
  CHECK(s.whole(0));
  CHECK(s.whole(1));
  CHECK(s.snapshot_dt == Approx(3 * d.snapshot_dt).epsilon(1e-12));
  const size_t N = d.state_dim, m = d.partial;
  const std::vector<size_t> source{0, 3, 4 + 0, 4 + 3};  // rows of the unstrided read
  for (size_t r = 0; r < source.size(); ++r) {
    for (size_t i = 0; i < N; ++i) {
      REQUIRE(s.state(r)[i] == d.state(source[r])[i]);
      REQUIRE(s.forces[r * N + i] == d.forces[source[r] * N + i]);
    }
    for (size_t j = 0; j < m; ++j) {
      REQUIRE(s.partial_index[r * m + j] == d.partial_index[source[r] * m + j]);
      REQUIRE(s.partial_value[r * m + j] == d.partial_value[source[r] * m + j]);
    }
  }
  // The first 3 strided configurations: trajectory 0's two, then snapshot 0 of trajectory 1.
  req.max_configs = 3;
  CHECK(read_closure_data(kData, MPI_COMM_WORLD, req).trajectory_start == std::vector<size_t>{0, 2, 3});
  req.max_configs = 5;
  CHECK(test::error_of([&] { read_closure_data(kData, MPI_COMM_WORLD, req); }).find("snapshot stride 3") !=
        std::string::npos);
}
