// Vicsek model: ordered/disordered limits, cell-list neighbours vs brute force, lattice sums, stage output.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "core/config.hpp"
#include "io/h5file.hpp"
#include "sim/vicsek/vicsek_model.hpp"
#include "sim/vicsek/vicsek_simulate_stage.hpp"

using namespace macrodyn;
using namespace macrodyn::vicsek;

TEST_CASE("eta = 0 from an aligned start stays aligned (phi = 1)", "[vicsek]") {
  VicsekParams p;
  p.L = 16;
  p.rho = 0.5;
  p.eta = 0.0;
  p.aligned_start = true;
  VicsekModel model(MPI_COMM_SELF, p);
  REQUIRE(model.order_parameter() == Approx(1.0).epsilon(1e-14));
  for (int s = 0; s < 40; ++s) model.step();
  REQUIRE(model.order_parameter() == Approx(1.0).epsilon(1e-14));
  for (const auto& q : model.gather()) REQUIRE(q.theta == 0.0);
  // and everyone moved 40 * v0 dt along x (mod L)
  VicsekModel fresh(MPI_COMM_SELF, p);
  auto a = fresh.gather(), b = model.gather();
  for (size_t i = 0; i < a.size(); ++i) {
    REQUIRE(b[i].y == a[i].y);
    REQUIRE(std::fmod(b[i].x - a[i].x + 2 * 16.0, 16.0) == Approx(40.0 - 32.0).margin(1e-9));
  }
}

TEST_CASE("eta = 2 pi gives phi ~ 1/sqrt(N) (random headings)", "[vicsek]") {
  VicsekParams p;
  p.L = 32;
  p.rho = 0.3;
  p.eta = 2 * M_PI;
  p.seed = 5;
  VicsekModel model(MPI_COMM_SELF, p);
  const double n = static_cast<double>(model.n_particles());
  REQUIRE(n == 307);
  double m1 = 0, m2 = 0;
  const int samples = 300;
  for (int s = 0; s < samples; ++s) {
    model.step();
    const double phi = model.order_parameter();
    m1 += phi / samples;
    m2 += phi * phi / samples;
  }
  // N * phi^2 has mean 1 for independent uniform headings; phi is Rayleigh: E phi = sqrt(pi / (4 N)).
  REQUIRE(m2 * n == Approx(1.0).margin(0.2));
  REQUIRE(m1 == Approx(std::sqrt(M_PI / (4 * n))).epsilon(0.12));
}

TEST_CASE("low noise orders, high noise does not (same density)", "[vicsek]") {
  VicsekParams p;
  p.L = 16;
  p.rho = 1.0;
  p.seed = 2;
  double phi[2];
  const double etas[2] = {0.3, 5.0};
  for (int k = 0; k < 2; ++k) {
    p.eta = etas[k];
    VicsekModel model(MPI_COMM_SELF, p);
    for (int s = 0; s < 300; ++s) model.step();
    phi[k] = model.order_parameter();
  }
  REQUIRE(phi[0] > 0.8);
  REQUIRE(phi[1] < 0.3);
}

TEST_CASE("cell-list neighbours equal a brute-force O(N^2) search", "[vicsek]") {
  // rho 2: one cell per bin, several slots per bin; rho 0.3: bins of several cells (sparse)
  for (auto [radius, rho] : {std::pair{1.0, 2.0}, {0.7, 2.0}, {1.6, 2.0}, {1.0, 0.3}, {1.6, 0.3}}) {
    VicsekParams p;
    p.L = rho < 1 ? 24 : 12;
    p.rho = rho;
    p.radius = radius;
    p.speed = 0.5;
    p.eta = 1.0;
    VicsekModel model(MPI_COMM_SELF, p);
    for (int s = 0; s < 7; ++s) model.step();
    auto all = model.gather();
    std::vector<int64_t> ids;
    std::vector<int> counts;
    model.neighbour_counts(ids, counts);
    REQUIRE(ids.size() == all.size());
    const double L = static_cast<double>(p.L);
    long total = 0;
    for (size_t k = 0; k < ids.size(); ++k) {
      const auto& a = all[ids[k]];
      REQUIRE(a.id == ids[k]);
      int brute = 0;
      for (const auto& b : all) {
        double dx = b.x - a.x, dy = b.y - a.y;
        dx -= L * std::round(dx / L);
        dy -= L * std::round(dy / L);
        brute += dx * dx + dy * dy < radius * radius;
      }
      INFO("radius " << radius << " rho " << rho << " particle " << a.id);
      REQUIRE(counts[k] == brute);
      total += brute;
    }
    REQUIRE(total > static_cast<long>(ids.size()));  // there were real neighbours, not just self
  }
}

TEST_CASE("a noise-free step turns each heading to its brute-force neighbourhood's mean direction", "[vicsek]") {
  // rho 2: several particles per cell, rows longer than one SIMD block; rho 0.3: bins of 3 cells
  for (auto [radius, rho] : {std::pair{1.0, 2.0}, {1.6, 2.0}, {1.0, 0.3}}) {
    VicsekParams p;
    p.L = 12;
    p.rho = rho;
    p.radius = radius;
    p.speed = 0.3;
    p.eta = 0.0;
    VicsekModel model(MPI_COMM_SELF, p);
    for (int s = 0; s < 3; ++s) model.step();
    const auto before = model.gather();
    model.step();
    const auto after = model.gather();
    const double L = 12.0;
    double worst_angle = 0.0, worst_move = 0.0;
    for (const auto& a : before) {
      double sx = 0, sy = 0;
      for (const auto& b : before) {
        double dx = b.x - a.x, dy = b.y - a.y;
        dx -= L * std::round(dx / L);
        dy -= L * std::round(dy / L);
        if (dx * dx + dy * dy < radius * radius) sx += std::cos(b.theta), sy += std::sin(b.theta);
      }
      const auto& n = after[a.id];
      worst_angle = std::max(worst_angle, std::fabs(std::remainder(n.theta - std::atan2(sy, sx), 2 * M_PI)));
      double mx = n.x - a.x - 0.3 * std::cos(a.theta), my = n.y - a.y - 0.3 * std::sin(a.theta);
      mx -= L * std::round(mx / L);
      my -= L * std::round(my / L);
      worst_move = std::max({worst_move, std::fabs(mx), std::fabs(my)});
    }
    INFO("radius " << radius << " rho " << rho);
    CHECK(worst_angle < 1e-9);
    CHECK(worst_move < 1e-9);
  }
}

TEST_CASE("restore refuses headings that are not quantised unit vectors", "[vicsek][restart][validation]") {
  VicsekParams p;
  p.L = 8;
  p.rho = 0.25;
  VicsekModel model(MPI_COMM_SELF, p);
  std::vector<int64_t> ids;
  std::vector<double> state;
  model.owned_state(ids, state);
  REQUIRE(state.size() == 4 * ids.size());
  model.restore(ids, state, 3);  // its own state is accepted
  CHECK(model.step_index() == 3);
  state[2] = 0.3;  // (0.3, u_y): not a unit vector
  CHECK_THROWS_WITH(model.restore(ids, state, 3), Catch::Contains("1 heading(s) that are not unit vectors"));
}

TEST_CASE("lattice channels: counts sum to N, count * mean velocity sums to the momentum", "[vicsek]") {
  VicsekParams p;
  p.L = 10;
  p.rho = 0.8;
  p.eta = 1.5;
  VicsekModel model(MPI_COMM_SELF, p);
  for (int s = 0; s < 5; ++s) model.step();
  Kokkos::View<double***, Kokkos::LayoutRight, Kokkos::HostSpace> lat;
  model.lattice(lat);
  REQUIRE(lat.extent(0) == 3);
  REQUIRE(lat.extent(1) == 10);
  double n = 0, px = 0, py = 0;
  std::vector<double> count_ref(100, 0.0);
  double qx = 0, qy = 0;
  for (const auto& q : model.gather()) {
    qx += std::cos(q.theta);
    qy += std::sin(q.theta);
    count_ref[static_cast<int>(q.y) * 10 + static_cast<int>(q.x)] += 1;
  }
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 10; ++x) {
      n += lat(0, y, x);
      px += lat(0, y, x) * lat(1, y, x);
      py += lat(0, y, x) * lat(2, y, x);
      REQUIRE(lat(0, y, x) == count_ref[y * 10 + x]);
      if (lat(0, y, x) == 0) REQUIRE(lat(1, y, x) == 0.0);
      // mean of unit vectors has norm <= 1
      REQUIRE(std::hypot(lat(1, y, x), lat(2, y, x)) <= 1.0 + 1e-12);
    }
  REQUIRE(n == model.n_particles());
  REQUIRE(px == Approx(qx).margin(1e-10));
  REQUIRE(py == Approx(qy).margin(1e-10));
}

TEST_CASE("simulate vicsek writes phi(t), lattice frames and the summary", "[vicsek][stage]") {
  Deck deck = Deck::from_string(
      "file_prefix = \"test_vicsek\"\nsizes = [12]\netas = [0.2, 6.0]\nrepeats = 2\nsteps = 60\ntransient = 30\n"
      "rho = 1.0\nlattice_every = 20\n",
      "test");
  auto stage = make_vicsek_simulate_stage(deck.root());
  RunContext ctx;
  stage->run(ctx);
  {
    auto f = io::H5File::open_read("test_vicsek_L12_eta0_k1.h5", MPI_COMM_SELF);
    REQUIRE(f.dims("/phi") == io::Dims{61});
    REQUIRE(f.dims("/lattice") == io::Dims{4, 3, 12, 12});
    auto steps = f.read_all<double>("/lattice_step");
    REQUIRE(steps == std::vector<double>{0, 20, 40, 60});
    auto lat = f.read_all<double>("/lattice");
    double n = 0;
    for (int k = 0; k < 144; ++k) n += lat[3 * 144 * 3 + k];  // frame 3, channel 0
    REQUIRE(n == 144);
    REQUIRE(f.attr_int("/", "N") == 144);
  }
  auto s = io::H5File::open_read("test_vicsek_summary.h5", MPI_COMM_SELF);
  REQUIRE(s.dims("/phi_mean") == io::Dims{1, 2, 2});
  auto m = s.read_all<double>("/phi_mean");
  // eta = 0.2 orders (a short run may still hold two flocks); eta = 6: disordered, ~ sqrt(pi / 4N) = 0.07
  REQUIRE(std::min(m[0], m[1]) > std::max(m[2], m[3]) + 0.1);
  REQUIRE(std::max(m[2], m[3]) < 0.2);
  auto sd = s.read_all<double>("/phi_std");
  for (double v : sd) REQUIRE(v > 0.0);
  for (const char* f : {"test_vicsek_summary.h5", "test_vicsek_L12_eta0_k0.h5", "test_vicsek_L12_eta0_k1.h5",
                        "test_vicsek_L12_eta1_k0.h5", "test_vicsek_L12_eta1_k1.h5", "test_vicsek_L12_eta0_k0.xdmf",
                        "test_vicsek_L12_eta0_k1.xdmf", "test_vicsek_L12_eta1_k0.xdmf", "test_vicsek_L12_eta1_k1.xdmf"})
    std::remove(f);
}
