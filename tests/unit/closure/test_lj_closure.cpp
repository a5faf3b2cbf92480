// The LJ closure pieces: the temperature observable (gradient against finite differences, value
// against the simulator's stored temperature), the H5MD reader (microstate (x, v), force (v, F),
// partial forces expanded to 6 coordinates per atom) and its displacement representation (positions
// (r - r_0) / s, force rows v / s: checked against the frames' time differences and through an encoder).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "io/h5file.hpp"
#include "test_support.hpp"
#include "learn/closure/closure_autoencoder.hpp"
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
  // A snapshot stride is refused for LJ files, with the file named.
  ClosureDataRequest strided;
  strided.snapshot_stride = 2;
  CHECK(test::error_of([&] { read_closure_data(kData, MPI_COMM_WORLD, strided); }).find("snapshot stride is not supported") !=
        std::string::npos);
}

// ---- The displacement representation: x' = ((r - r_0) / s, v), f' = (v / s, F) ----

namespace {
const std::string kSteps = std::string(MACRODYN_SOURCE_DIR) + "/tests/unit/closure/data/lj_steps.h5";

ClosureData read_steps(const std::string& positions, double scale, bool forces = true) {
  ClosureDataRequest req;
  req.forces = req.partial_forces = forces;
  req.representation.lj_positions = positions;
  req.representation.position_scale = scale;
  return read_closure_data(kSteps, MPI_COMM_WORLD, req);
}
}  // namespace

TEST_CASE("LJ displacement representation: states, forces and partial forces transformed consistently",
          "[closure][lj]") {
  const double s = 0.25;
  const auto raw = read_steps("absolute", 1.0), d = read_steps("displacement", s);
  REQUIRE(d.configs == raw.configs);
  REQUIRE(d.trajectories() == 2);
  const size_t N = d.state_dim, A3 = N / 2;
  const auto obs = make_fixed_observable("lj", N);
  for (size_t k = 0; k < d.trajectories(); ++k) {
    const size_t s0 = d.trajectory_start[k];
    for (size_t c = s0; c < d.trajectory_start[k + 1]; ++c) {
      for (size_t i = 0; i < A3; ++i) {
        const double expect = (double(raw.state(c)[i]) - double(raw.state(s0)[i])) / s;
        CHECK(d.state(c)[i] == Approx(expect).margin(1e-5));  // float storage of r
        if (c == s0) CHECK(d.state(c)[i] == 0.0f);
        CHECK(d.state(c)[A3 + i] == raw.state(c)[A3 + i]);
        CHECK(d.forces[c * N + i] == Approx(raw.forces[c * N + i] / s).epsilon(1e-14));
        CHECK(d.forces[c * N + A3 + i] == raw.forces[c * N + A3 + i]);
      }
      // The temperature reads velocities only: the same value in both representations.
      const std::vector<double> xa(raw.state(c), raw.state(c) + N), xd(d.state(c), d.state(c) + N);
      double ta = 0, td = 0;
      obs->value(xa.data(), &ta), obs->value(xd.data(), &td);
      CHECK(td == ta);
    }
  }
  REQUIRE(d.partial_index == raw.partial_index);
  for (size_t e = 0; e < d.partial_value.size(); ++e) {
    const bool position_row = d.partial_index[e] < static_cast<int64_t>(A3);
    CHECK(d.partial_value[e] == Approx(raw.partial_value[e] / (position_row ? s : 1.0)).epsilon(1e-14));
  }
}

TEST_CASE("LJ displacement representation: the force is the time derivative of the represented state",
          "[closure][lj]") {
  // Every step kept (dt = 0.001): central differences of consecutive frames against f' at the middle
  // frame, for both blocks (velocity Verlet: O(dt^2) apart).
  const double s = 0.1;
  const auto d = read_steps("displacement", s);
  const size_t N = d.state_dim;
  REQUIRE(d.snapshot_dt == Approx(0.001));
  double err = 0, ref = 0;
  for (size_t k = 0; k < d.trajectories(); ++k)
    for (size_t c = d.trajectory_start[k] + 1; c + 1 < d.trajectory_start[k + 1]; ++c)
      for (size_t i = 0; i < N; ++i) {
        const double fd = (double(d.state(c + 1)[i]) - double(d.state(c - 1)[i])) / (2 * d.snapshot_dt);
        err = std::max(err, std::abs(fd - d.forces[c * N + i]));
        ref = std::max(ref, std::abs(d.forces[c * N + i]));
      }
  REQUIRE(ref > 1.0);
  CHECK(err / ref < 2e-3);  // float states: ~1e-7 * 10 / 0.002 on the position block
}

TEST_CASE("LJ displacement representation: J f' equals the time derivative of the encoded trajectory",
          "[closure][lj]") {
  // The whole chain the latent losses use: encoder Jacobian on the represented state times the
  // represented force = dz/dt along the true trajectory (central differences of encoded frames).
  const auto d = read_steps("displacement", 0.1);
  AutoencoderSpec spec;
  spec.system = "lj";
  spec.state_dim = d.state_dim;
  spec.latent_dim = 4;
  spec.hidden = {8};
  spec.seed = 3;
  ClosureAutoencoderT<double> ae(spec);
  const size_t N = d.state_dim, C = d.configs, dim = 4;
  nn::Tensor<double> x("x", N, C), J, z;
  auto xh = Kokkos::create_mirror_view(x);
  for (size_t c = 0; c < C; ++c)
    for (size_t i = 0; i < N; ++i) xh(i, c) = d.state(c)[i];
  Kokkos::deep_copy(x, xh);
  ae.jacobian(x, J, &z);
  auto Jh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
  auto zh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), z);
  size_t checked = 0;
  for (size_t k = 0; k < d.trajectories(); ++k)
    for (size_t c = d.trajectory_start[k] + 1; c + 1 < d.trajectory_start[k + 1]; ++c)
      for (size_t r = 0; r < dim; ++r) {
        double jf = 0;
        for (size_t i = 0; i < N; ++i) jf += Jh(i, r * C + c) * d.forces[c * N + i];
        const double fd = (zh(r, c + 1) - zh(r, c - 1)) / (2 * d.snapshot_dt);
        CHECK(fd == Approx(jf).epsilon(2e-3).margin(1e-3 * (std::abs(jf) + 1e-2)));
        ++checked;
      }
  CHECK(checked == 2 * 5 * dim);
}

TEST_CASE("LJ displacement representation: balanced scale, stored with the autoencoder", "[closure][lj]") {
  const auto unit = read_steps("displacement", 1.0, false);
  const double s = lj_balanced_position_scale(unit);
  CHECK(s > 0);
  const auto d = read_steps("displacement", s, false);
  const size_t A3 = d.state_dim / 2;
  double sx = 0, sv = 0;
  for (size_t c = 0; c < d.configs; ++c)
    for (size_t i = 0; i < A3; ++i) sx += double(d.state(c)[i]) * d.state(c)[i], sv += double(d.state(c)[A3 + i]) * d.state(c)[A3 + i];
  CHECK(std::sqrt(sx / sv) == Approx(1.0).epsilon(1e-5));
  AutoencoderSpec spec;
  spec.system = "lj";
  spec.state_dim = d.state_dim;
  spec.latent_dim = 3;
  spec.hidden = {4};
  spec.representation.lj_positions = "displacement";
  spec.representation.position_scale = s;
  ClosureAutoencoder ae(spec);
  const test::ScratchDir dir("closure_lj_representation");
  const std::string path = dir.path() + "/autoencoder.h5";
  {
    auto f = io::H5File::create(path, MPI_COMM_SELF);
    ae.save(f, "/autoencoder");
    f.commit();
  }
  const auto loaded = ClosureAutoencoder::load(io::H5File::open_read(path, MPI_COMM_SELF), "/autoencoder");
  CHECK(loaded->spec().representation.lj_positions == "displacement");
  CHECK(loaded->spec().representation.position_scale == s);
  ClosureDataRequest bad;
  bad.representation.lj_positions = "wrapped";
  CHECK_THROWS(read_closure_data(kSteps, MPI_COMM_WORLD, bad));
}
