// Vicsek-lattice networks and data of the self-similar pipeline: gradients against finite
// differences, the 2x2 + 2x2 dynamics stencil (translation-invariant, 3x3 reach on the torus), the
// block gather's layout, and the loader's count / velocity-sum channels against the simulator's phi.
#include <catch2/catch.hpp>
#include <cmath>

#include "core/runtime.hpp"
#include "io/h5file.hpp"
#include "learn/selfsimilar/macro_pipeline.hpp"
#include "learn/selfsimilar/vicsek_data.hpp"
#include "learn/selfsimilar/vicsek_networks.hpp"
#include "nn/gradient_check.hpp"
#include "sim/vicsek/vicsek_simulate_stage.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::nn;
using namespace macrodyn::selfsimilar;

namespace {

std::vector<double> forward_host(Layer<double>& f, const std::vector<double>& in) {
  Tensor<double> x("x", in.size(), 1), y;
  auto h = Kokkos::create_mirror_view(x);
  for (size_t i = 0; i < in.size(); ++i) h(i, 0) = in[i];
  Kokkos::deep_copy(x, h);
  f.forward(x, y, false);
  return gradcheck::to_vector(y);
}

}  // namespace

TEST_CASE("Vicsek dynamics learner: gradients match finite differences", "[selfsimilar]") {
  auto f = make_vicsek_dynamics<double>(5, 3, 7);
  REQUIRE(f->in_features() == 75u);
  REQUIRE(f->out_features() == 75u);
  Tensor<double> x("x", 75, 3);
  fill_uniform(x, 3, 0, -1.0, 2.0);
  const auto r = gradcheck::check_backward(*f, x, 5);
  INFO("worst " << r.worst_param);
  CHECK(r.input < 1e-6);
  CHECK(r.params < 1e-6);
}

TEST_CASE("Vicsek coarse-graining pipeline (space-time conv P, frozen f, decoder): gradients match finite differences",
          "[selfsimilar]") {
  // coarse_hidden 0: linear P and P' (2 convs with bias: 4 tensors); 3: one hidden ReLU layer each (8)
  for (const int H : {0, 3})
    for (const auto& [T, S] : std::vector<std::pair<int, int>>{{2, 2}, {4, 2}}) {
      const int L = 4, M = L / S;
      MacroPipeline<double> pipeline(make_vicsek_coarse_grainer<double>(T, S, L, H, 11),
                                     make_vicsek_dynamics<double>(M, 2, 13), make_vicsek_decoder<double>(T, S, M, H, 17),
                                     false);
      REQUIRE(pipeline.in_features() == size_t(3 * T * L * L));
      REQUIRE(pipeline.out_features() == size_t(3 * T * L * L));
      CHECK(pipeline.parameters().size() == (H > 0 ? 8u : 4u));  // f frozen: P and P' only
      Tensor<double> x("x", pipeline.in_features(), 2);
      fill_uniform(x, 5, 0, 0.0, 2.0);
      const auto r = gradcheck::check_backward(pipeline, x, 9);
      INFO("H " << H << " T " << T << " S " << S << " worst " << r.worst_param);
      CHECK(r.input < 1e-6);
      CHECK(r.params < 1e-6);
    }
}

TEST_CASE("Vicsek dynamics learner is translation-invariant on the torus with a centred 3x3 reach", "[selfsimilar]") {
  const int L = 6, LL = L * L;
  auto f = make_vicsek_dynamics<double>(L, 4, 3);
  std::vector<double> in(3 * LL);
  for (size_t i = 0; i < in.size(); ++i) in[i] = std::sin(1.7 * i) + 0.5;
  const auto y = forward_host(*f, in);
  // shift by (dy, dx) = (1, 2) with wrap-around: the output shifts the same way
  std::vector<double> shifted(in.size());
  for (int c = 0; c < 3; ++c)
    for (int j = 0; j < L; ++j)
      for (int i = 0; i < L; ++i) shifted[c * LL + ((j + 1) % L) * L + (i + 2) % L] = in[c * LL + j * L + i];
  const auto ys = forward_host(*f, shifted);
  for (int c = 0; c < 3; ++c)
    for (int j = 0; j < L; ++j)
      for (int i = 0; i < L; ++i)
        CHECK(ys[c * LL + ((j + 1) % L) * L + (i + 2) % L] == Approx(y[c * LL + j * L + i]).margin(1e-12));
  // perturbing cell (0, 0) changes outputs only within periodic distance 1 of it
  auto poked = in;
  for (int c = 0; c < 3; ++c) poked[c * LL] += 0.9;
  const auto yp = forward_host(*f, poked);
  bool reached_corner = false;
  for (int c = 0; c < 3; ++c)
    for (int j = 0; j < L; ++j)
      for (int i = 0; i < L; ++i) {
        const bool near = (j <= 1 || j == L - 1) && (i <= 1 || i == L - 1);
        const double d = std::abs(yp[c * LL + j * L + i] - y[c * LL + j * L + i]);
        if (!near) CHECK(d == 0.0);
        if (j == L - 1 && i == L - 1 && d > 0) reached_corner = true;
      }
  CHECK(reached_corner);  // the wrapped diagonal neighbour is in reach
}

TEST_CASE("Vicsek block gather: coarse-grainer input and decoder target layouts", "[selfsimilar]") {
  const long L = 4, LL = L * L, frames = 9;
  const int T = 2, S = 2, M = 2;
  FrameValues v("v", frames, 3 * LL);
  auto h = Kokkos::create_mirror_view(v);
  auto code = [](long f, long c, long y, long x) { return 1000.0 * f + 100.0 * c + 10.0 * y + x; };
  for (long f = 0; f < frames; ++f)
    for (long c = 0; c < 3; ++c)
      for (long p = 0; p < LL; ++p) h(f, c * LL + p) = code(f, c, p / L, p % L);
  Kokkos::deep_copy(v, h);
  const long first = 2;
  const IdView ids = to_device_ids({3, 0});
  Tensor<double> x_now, x_next, target, x, next;
  gather_vicsek_blocks(v, L, first, T, S, ids, x_now, x_next, target);
  const auto xn = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x_now);
  const auto xx = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x_next);
  const auto tt = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), target);
  const long starts[2] = {first + 3, first};
  for (long b = 0; b < 2; ++b)
    for (long c = 0; c < 3; ++c)
      for (long dt = 0; dt < T; ++dt)
        for (long y = 0; y < L; ++y)
          for (long xi = 0; xi < L; ++xi) {
            CHECK(xn((c * T + dt) * LL + y * L + xi, b) == code(starts[b] + dt, c, y, xi));
            CHECK(xx((c * T + dt) * LL + y * L + xi, b) == code(starts[b] + T + dt, c, y, xi));
            const long ch = ((c * T + dt) * S + y % S) * S + xi % S;
            CHECK(tt(ch * M * M + (y / S) * M + xi / S, b) == code(starts[b] + T + dt, c, y, xi));
          }
  gather_vicsek_pairs(v, first, ids, x, next);
  const auto ph = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  const auto nh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), next);
  CHECK(ph(LL + 5, 0) == code(first + 3, 1, 1, 1));
  CHECK(nh(2 * LL + 7, 1) == code(first + 1, 2, 1, 3));
  CHECK(VicsekLattice::block_pairs(9, 2) == 6);  // starts 0..5: frames up to 8
}

TEST_CASE("Vicsek reconstruction on the leading frames counts frames dt < K of the gathered target only",
          "[selfsimilar]") {
  // Target from the gather (frame dt of the next block known per entry); the "output" differs from it
  // by (dt + 1) in every entry, so the sum over the first K frames is (number of entries per frame) x
  // sum_{dt < K} (dt + 1)^2, whatever the layout gets wrong would change it.
  const long L = 4, LL = L * L, frames = 12;
  const int T = 4, S = 2, M = 2;
  FrameValues v("v", frames, 3 * LL);
  auto h = Kokkos::create_mirror_view(v);
  for (long f = 0; f < frames; ++f)
    for (long i = 0; i < 3 * LL; ++i) h(f, i) = 0.01 * f + 0.001 * i;
  Kokkos::deep_copy(v, h);
  const IdView ids = to_device_ids({0, 3});
  Tensor<double> x_now, x_next, target;
  gather_vicsek_blocks(v, L, 0, T, S, ids, x_now, x_next, target);
  Tensor<double> out("out", target.extent(0), target.extent(1));
  auto th = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), target);
  auto oh = Kokkos::create_mirror_view(out);
  for (size_t b = 0; b < 2; ++b)
    for (size_t ch = 0; ch < size_t(3 * T * S * S); ++ch)
      for (size_t cell = 0; cell < size_t(M * M); ++cell) {
        const size_t dt = (ch / (S * S)) % T, f = ch * M * M + cell;
        oh(f, b) = th(f, b) + static_cast<double>(dt + 1);
      }
  Kokkos::deep_copy(out, oh);
  const double per_frame = 2.0 * 3 * LL;  // samples x channels x cells of one frame
  for (int K = 1; K <= T; ++K) {
    double expected = 0;
    for (int dt = 0; dt < K; ++dt) expected += per_frame * (dt + 1) * (dt + 1);
    CHECK(leading_frames_sq_error(out, target, T, S, M, K) == Approx(expected).epsilon(1e-12));
  }
  CHECK_THROWS(leading_frames_sq_error(out, target, T, S, M + 1, 2));  // layout does not fit the features
}

TEST_CASE("Vicsek lattice loader: counts sum to N, velocity sums give the simulator's order parameter",
          "[selfsimilar]") {
  const test::ScratchDir dir("vicsek_lattice");
  auto deck = Deck::from_string(R"(
[[stage]]
kind = "simulate"
system = "vicsek"
sizes = [8]
etas = [1.5]
repeats = 1
steps = 40
transient = 10
speed = 0.5
lattice_every = 1
lattice_start = 20
)",
                                "test");
  RunContext ctx;
  ctx.comm = MPI_COMM_SELF;
  ctx.run_dir = dir.path();
  ctx.progress_interval_s = 1e9;
  vicsek::make_vicsek_simulate_stage(deck.root().tables("stage")[0])->run(ctx);
  const std::string path = dir.path() + "/vicsek_L8_eta0_k0.h5";
  const auto d = load_vicsek_lattice(path, MPI_COMM_SELF, 25, 34);
  REQUIRE(d.frames == 10);
  REQUIRE(d.L == 8);
  const auto phi = io::H5File::open_read(path, MPI_COMM_SELF).read_all<double>("/phi");
  const auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), d.values);
  const long LL = 64;
  for (long f = 0; f < d.frames; ++f) {
    double n = 0, vx = 0, vy = 0;
    for (long p = 0; p < LL; ++p) {
      n += h(f, p);
      vx += h(f, LL + p);
      vy += h(f, 2 * LL + p);
      CHECK(std::hypot(h(f, LL + p), h(f, 2 * LL + p)) <= h(f, p) + 1e-9);  // |sum of unit vectors| <= count
    }
    CHECK(n == Approx(static_cast<double>(d.N)).margin(1e-12));
    CHECK(std::hypot(vx, vy) / d.N == Approx(phi[static_cast<size_t>(25 + f)]).margin(1e-9));
  }
  CHECK_THROWS_WITH(load_vicsek_lattice(path, MPI_COMM_SELF, 100, 200),
                    Catch::Contains("first_step") && Catch::Contains(path));
}
