// The latent losses as precomputed quadratic forms (latent_targets.hpp): each equals its definition
// evaluated directly (J^+ through the PETSc-backed linalg::JacobianPseudoInverse), its gradient in g
// matches finite differences, E over I of L_x,p equals L_x (seed eq. 13) for both draws of I, and the
// gradient through a latent model's parameters matches finite differences.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/random_subset.hpp"
#include "core/rng.hpp"
#include "learn/closure/latent_models.hpp"
#include "learn/closure/latent_targets.hpp"
#include "learn/closure/latent_training.hpp"
#include "linalg/jacobian_pseudo_inverse.hpp"
#include "io/h5file.hpp"
#include "nn/gradient_check.hpp"
#include "nn/model_io.hpp"
#include "nn/parameter_init.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

namespace {

struct Sample {
  size_t d = 4, N = 30;
  std::vector<double> J, f, g;
  std::vector<float> z;
};

Sample random_sample(uint64_t seed) {
  Sample s;
  const CounterRng rng(seed, 11);
  s.J.resize(s.d * s.N), s.f.resize(s.N), s.g.resize(s.d), s.z.resize(s.d);
  for (size_t e = 0; e < s.J.size(); ++e) s.J[e] = rng.uniform(e, 0) - 0.5;
  for (size_t k = 0; k < s.N; ++k) s.f[k] = rng.uniform(k, 1) - 0.5;
  for (size_t i = 0; i < s.d; ++i) s.g[i] = 3 * (rng.uniform(i, 2) - 0.5), s.z[i] = float(rng.uniform(i, 3));
  return s;
}

// |f_I - (J^+ g)_I|^2 / |I| directly, J^+ g from the PETSc pseudo-inverse on one rank.
double direct_loss(const Sample& s, const std::vector<int64_t>& idx) {
  linalg::JacobianPseudoInverse pinv(MPI_COMM_SELF, static_cast<int>(s.d), static_cast<long>(s.N));
  pinv.set_local_block(s.J.data());
  std::vector<double> y(s.N);
  pinv.apply(s.g.data(), y.data());
  double e = 0;
  for (int64_t k : idx) e += std::pow(s.f[k] - y[k], 2);
  return e / static_cast<double>(idx.size());
}

std::vector<int64_t> all_coordinates(size_t N) {
  std::vector<int64_t> v(N);
  for (size_t k = 0; k < N; ++k) v[k] = static_cast<int64_t>(k);
  return v;
}

}  // namespace

TEST_CASE("latent quadratic forms equal the losses' definitions", "[closure]") {
  const Sample s = random_sample(1);
  LatentTargets lz, lx, lxp;
  lz.d = lx.d = lxp.d = s.d;
  add_sample(lz, LatentLoss::Lz, s.z.data(), s.J.data(), s.N, s.f.data());
  add_sample(lx, LatentLoss::Lx, s.z.data(), s.J.data(), s.N, s.f.data());
  const std::vector<int64_t> idx{3, 7, 7, 21, 29, 0};  // a repeat, as draws with replacement give
  std::vector<double> fI;
  for (int64_t k : idx) fI.push_back(s.f[k]);
  add_sample(lxp, LatentLoss::Lxp, s.z.data(), s.J.data(), s.N, fI.data(), idx.data(), idx.size());

  double lz_direct = 0;
  for (size_t i = 0; i < s.d; ++i) {
    double jf = 0;
    for (size_t k = 0; k < s.N; ++k) jf += s.J[i * s.N + k] * s.f[k];
    lz_direct += std::pow(jf - s.g[i], 2) / static_cast<double>(s.d);
  }
  CHECK(lz.loss(0, s.g.data()) == Approx(lz_direct).epsilon(1e-12));
  CHECK(lx.loss(0, s.g.data()) == Approx(direct_loss(s, all_coordinates(s.N))).epsilon(1e-10));
  CHECK(lxp.loss(0, s.g.data()) == Approx(direct_loss(s, idx)).epsilon(1e-10));
  CHECK(lx.z == s.z);

  // Gradients in g by central differences.
  for (const LatentTargets* t : {&lz, &lx, &lxp}) {
    std::vector<double> grad(s.d), g = s.g;
    t->loss(0, g.data(), grad.data());
    for (size_t i = 0; i < s.d; ++i) {
      const double h = 1e-6, g0 = g[i];
      g[i] = g0 + h;
      const double fp = t->loss(0, g.data());
      g[i] = g0 - h;
      const double fm = t->loss(0, g.data());
      g[i] = g0;
      CHECK(grad[i] == Approx((fp - fm) / (2 * h)).epsilon(1e-6).margin(1e-9));
    }
  }
}

TEST_CASE("E over I of L_x,p equals L_x (exact and with-replacement draws)", "[closure]") {
  const Sample s = random_sample(2);
  LatentTargets lx;
  lx.d = s.d;
  add_sample(lx, LatentLoss::Lx, s.z.data(), s.J.data(), s.N, s.f.data());
  const double target = lx.loss(0, s.g.data());
  for (bool replacement : {false, true}) {
    const size_t m = 6, draws = 20000;
    const CounterRng rng(5, 77);
    double sum = 0, sum2 = 0;
    for (size_t r = 0; r < draws; ++r) {
      std::vector<int64_t> idx;
      if (replacement)
        for (size_t q = 0; q < m; ++q) idx.push_back(static_cast<int64_t>(rng.below(s.N, q, static_cast<uint32_t>(r))));
      else
        idx = random_subset(static_cast<int64_t>(s.N), static_cast<int64_t>(m), 5, 78, static_cast<uint32_t>(r));
      std::vector<double> fI;
      for (int64_t k : idx) fI.push_back(s.f[k]);
      LatentTargets t;
      t.d = s.d;
      add_sample(t, LatentLoss::Lxp, s.z.data(), s.J.data(), s.N, fI.data(), idx.data(), m);
      const double l = t.loss(0, s.g.data());
      sum += l, sum2 += l * l;
    }
    const double mean = sum / draws, sem = std::sqrt((sum2 / draws - mean * mean) / draws);
    INFO("replacement " << replacement << " mean " << mean << " +- " << sem << " vs L_x " << target);
    CHECK(std::abs(mean - target) < 4 * sem);
    CHECK(sem < 0.05 * target);  // the check has power
  }
}

TEST_CASE("latent model gradient through the quadratic forms matches finite differences", "[closure]") {
  LatentTargets t;
  t.d = 4;
  for (uint64_t k = 0; k < 5; ++k) {
    const Sample s = random_sample(10 + k);
    const std::vector<int64_t> idx{1, 4, 9, 16, 25};
    std::vector<double> fI;
    for (int64_t i : idx) fI.push_back(s.f[i]);
    add_sample(t, LatentLoss::Lxp, s.z.data(), s.J.data(), s.N, fI.data(), idx.data(), idx.size());
  }
  LatentNormalization norm;
  norm.z_mean = {0, 0, 0, 0}, norm.z_std = {1, 1, 1, 1};
  norm.dz_mean = {0.1, -0.2, 0.0, 0.3}, norm.dz_std = {0.5, 2.0, 1.0, 1.5};
  LatentModelSpec spec;
  spec.dim = 4;
  spec.hidden = {8, 8};
  auto model = make_latent_model(spec);
  const std::vector<int64_t> ids{0, 1, 2, 3, 4};
  LatentBatchBuffers buf;
  for (auto& p : model->parameters()) Kokkos::deep_copy(p.grad, 0.0f);
  latent_batch_loss(*model, t, norm, ids, 0.2, true, buf);
  std::vector<std::vector<double>> grads;
  for (auto& p : model->parameters()) grads.push_back(nn::gradcheck::to_vector(p.grad));
  auto objective = [&]() { return latent_batch_loss(*model, t, norm, ids, 0.2, false, buf); };
  size_t k = 0;
  for (auto& p : model->parameters()) {
    const auto fd = nn::gradcheck::fd_gradient<float>(objective, p.value, 1e-2);
    INFO("parameter " << p.name);
    CHECK(nn::gradcheck::relative_error(grads[k++], fd) < 2e-2);  // float network: h = 1e-2
  }
}

TEST_CASE("latent targets shifted to the excess loss: same gradient, minimum zero", "[closure]") {
  const auto s = random_sample(21);
  const std::vector<int64_t> idx{1, 4, 7, 9, 12, 15, 20, 22};
  std::vector<double> fI;
  for (auto k : idx) fI.push_back(s.f[static_cast<size_t>(k)]);
  for (auto loss : {LatentLoss::Lz, LatentLoss::Lx, LatentLoss::Lxp}) {
    LatentTargets t;
    t.d = s.d;
    if (loss == LatentLoss::Lxp)
      add_sample(t, loss, s.z.data(), s.J.data(), s.N, fI.data(), idx.data(), idx.size());
    else
      add_sample(t, loss, s.z.data(), s.J.data(), s.N, s.f.data());
    LatentTargets shifted = t;
    const double removed = shift_to_excess(shifted);
    std::vector<double> g0(s.d), g1(s.d);
    const double l0 = t.loss(0, s.g.data(), g0.data()), l1 = shifted.loss(0, s.g.data(), g1.data());
    CHECK(l0 - l1 == Approx(removed).epsilon(1e-10));
    for (size_t i = 0; i < s.d; ++i) CHECK(g1[i] == g0[i]);
    // The minimiser g* = Q^-1 b gives (numerically) zero excess, a nonzero loss before the shift
    // except for L_z, where J f is reachable exactly.
    const auto qi = spd_inverse(std::vector<double>(t.Q.begin(), t.Q.end()), s.d);
    std::vector<double> gs(s.d, 0.0);
    for (size_t i = 0; i < s.d; ++i)
      for (size_t j = 0; j < s.d; ++j) gs[i] += qi[i * s.d + j] * t.b[j];
    CHECK(std::abs(shifted.loss(0, gs.data())) < 1e-12 * (1 + t.c[0]));
    if (loss == LatentLoss::Lz) CHECK(std::abs(removed) < 1e-12 * (1 + t.c[0]));
    else CHECK(removed > 1e-3 * t.scale[0] * t.c[0]);
  }
}

namespace {

void save_latent_file(const std::string& path, const LatentModelSpec& spec, nn::Layer<float>& model) {
  auto f = io::H5File::create(path, MPI_COMM_SELF);
  save_latent_model(f, "/latent", spec, model);
  f.commit();
}

// y = model(z) on a fixed batch of 4 latent states in R^3
void outputs_on_fixed_input(nn::Layer<float>& model, nn::Tensor<float>& z, nn::Tensor<float>& y) {
  z = nn::Tensor<float>("z", 3, 4);
  nn::fill_uniform(z, 9, 0, -2.0, 2.0);
  model.forward(z, y, false);
}

}  // namespace

TEST_CASE("latent MLP activation is saved and restored with the model", "[closure]") {
  // A relu MLP read back as tanh would give other dynamics: compare outputs after a round trip, and
  // the default (tanh) must differ from relu on the same parameters.
  const test::ScratchDir dir("latent_activation");
  const std::string path = dir.path() + "/mlp.h5";
  LatentModelSpec spec;
  spec.dim = 3;
  spec.hidden = {5};
  spec.activation = "relu";
  auto model = make_latent_model(spec);
  save_latent_file(path, spec, *model);
  LatentModelSpec read;
  const auto f = io::H5File::open_read(path, MPI_COMM_SELF);
  auto loaded = load_latent_model(f, "/latent", &read);
  CHECK(read.activation == "relu");
  nn::Tensor<float> z, y0, y1;
  outputs_on_fixed_input(*model, z, y0);
  outputs_on_fixed_input(*loaded, z, y1);
  CHECK(nn::gradcheck::to_vector(y0) == nn::gradcheck::to_vector(y1));
  spec.activation = "tanh";
  auto as_tanh = make_latent_model(spec);
  nn::load_model(f, "/latent/model", *as_tanh);
  as_tanh->forward(z, y1, false);
  CHECK(nn::gradcheck::to_vector(y0) != nn::gradcheck::to_vector(y1));
}

TEST_CASE("OnsagerNet forcing and min_damping are saved and restored with the model", "[closure]") {
  const test::ScratchDir dir("latent_onsager");
  const std::string path = dir.path() + "/onsager.h5";
  LatentModelSpec spec;
  spec.kind = "onsager";
  spec.dim = 3;
  spec.hidden = {6, 8};
  spec.forcing = true;
  spec.min_damping = 0.1;
  auto model = make_latent_model(spec);
  save_latent_file(path, spec, *model);
  LatentModelSpec read;
  const auto f = io::H5File::open_read(path, MPI_COMM_SELF);
  auto loaded = load_latent_model(f, "/latent", &read);
  CHECK(read.forcing);
  CHECK(read.min_damping == 0.1);
  nn::Tensor<float> z, y0, y1;
  outputs_on_fixed_input(*model, z, y0);
  outputs_on_fixed_input(*loaded, z, y1);
  CHECK(nn::gradcheck::to_vector(y0) == nn::gradcheck::to_vector(y1));
  // a model of another damping refuses these parameters (its hyper-parameters differ)
  spec.min_damping = 0.01;
  auto other = make_latent_model(spec);
  CHECK_THROWS(nn::load_model(f, "/latent/model", *other));
}
