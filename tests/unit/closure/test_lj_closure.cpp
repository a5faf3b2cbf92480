// The LJ closure pieces: the temperature observable (gradient against finite differences, value
// against the simulator's stored temperature) and the H5MD reader (microstate (x, v), force (v, F),
// partial forces expanded to 6 coordinates per atom).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "io/h5file.hpp"
#include "learn/closure/closure_data.hpp"
#include "learn/closure/fixed_observable.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

namespace {
const std::string kData = std::string(MACRODYN_SOURCE_DIR) + "/tests/unit/closure/data/lj_small.h5";
}

TEST_CASE("LJ temperature: exact gradient equals finite differences", "[closure][lj]") {
  const size_t atoms = 5, N = 6 * atoms;
  const auto obs = make_fixed_observable("lj", N);
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<double> x(N), rows(N);
  for (auto& e : x) e = g(rng);
  obs->jacobian(x.data(), rows.data());
  for (size_t i = 0; i < N; ++i) {
    const double step = 1e-6, keep = x[i];
    double ep = 0, em = 0;
    x[i] = keep + step, obs->value(x.data(), &ep);
    x[i] = keep - step, obs->value(x.data(), &em);
    x[i] = keep;
    CHECK((ep - em) / (2 * step) == Approx(rows[i]).margin(1e-8));
    if (i < 3 * atoms) CHECK(rows[i] == 0.0);
  }
}

TEST_CASE("LJ closure data: H5MD frames as (x, v) with force (v, F) and the stored temperature", "[closure][lj]") {
  ClosureDataRequest req;
  req.forces = req.partial_forces = true;
  const auto d = read_closure_data(kData, MPI_COMM_WORLD, req);
  const auto f = io::H5File::open_read(kData, MPI_COMM_WORLD);
  const size_t atoms = f.dims("/particles/all/position/value")[1], A3 = 3 * atoms;
  REQUIRE(d.system == "lj");
  REQUIRE(d.state_dim == 6 * atoms);
  CHECK(d.configs == 12);
  CHECK(d.trajectory_start == std::vector<size_t>{0, 6, 12});
  CHECK(d.snapshot_dt == Approx(0.01));
  const auto temperature = f.read_all<double>("/observables/temperature/value");
  const auto obs = make_fixed_observable(d.system, d.state_dim);
  std::vector<double> vel(A3), force(A3);
  for (size_t s = 0; s < d.configs; ++s) {
    const std::vector<double> x(d.state(s), d.state(s) + d.state_dim);
    double t = 0;
    obs->value(x.data(), &t);
    CHECK(t == Approx(temperature[s]).epsilon(1e-6));  // float storage of the state
  }
  const size_t s = 7;
  f.read<double>("/particles/all/velocity/value", {s, 0, 0}, {1, atoms, 3}, vel.data());
  f.read<double>("/particles/all/force/value", {s, 0, 0}, {1, atoms, 3}, force.data());
  for (size_t i = 0; i < A3; ++i) {
    CHECK(d.forces[s * d.state_dim + i] == vel[i]);
    CHECK(d.forces[s * d.state_dim + A3 + i] == force[i]);
  }
  // Every partial coordinate carries the full force's value there (the simulator computes partial
  // forces separately: equal up to the summation order).
  REQUIRE(d.partial == 6 * f.dims("/partial_forces/index")[1]);
  for (size_t c = 0; c < d.configs; ++c)
    for (size_t j = 0; j < d.partial; ++j)
      CHECK(d.partial_value[c * d.partial + j] ==
            Approx(d.forces[c * d.state_dim + static_cast<size_t>(d.partial_index[c * d.partial + j])])
                .epsilon(1e-10).margin(1e-12));
  ClosureDataRequest one;
  one.max_trajectories = 1;
  CHECK(read_closure_data(kData, MPI_COMM_WORLD, one).configs == 6);
}
