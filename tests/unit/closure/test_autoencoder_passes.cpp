// Passes over the data in memory-bounded chunks: configurations_per_chunk keeps a chunk within its
// budget (a 51200-atom Jacobian chunk is a few configurations, not 1024), and condition_numbers gives
// the same kappa(J J^T) in chunks of 3 as the training loss's own eigen-decomposition of all at once.
#include <catch2/catch.hpp>

#include "core/rng.hpp"
#include "learn/closure/autoencoder_training.hpp"
#include "nn/jacobian.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

TEST_CASE("configurations_per_chunk stays within 2^26 values, at least one configuration", "[closure]") {
  CHECK(configurations_per_chunk(100, 4096) == 4096);
  CHECK(configurations_per_chunk(307200, 4096) == 218);
  CHECK(configurations_per_chunk(307200 * 32, 1024) == 6);
  CHECK(configurations_per_chunk(size_t(1) << 30, 256) == 1);
  CHECK(configurations_per_chunk(0, 7) == 7);
}

TEST_CASE("condition_numbers in chunks equal kappa of the whole batch's Jacobian", "[closure]") {
  AutoencoderSpec spec;
  spec.system = "predator_prey";
  spec.state_dim = 12;  // 2 blocks of 6
  spec.latent_dim = 4;
  spec.hidden = {9, 7};
  spec.seed = 5;
  ClosureAutoencoder ae(spec);
  ClosureData data;
  data.system = spec.system;
  data.state_dim = spec.state_dim;
  data.configs = 10;
  data.states.resize(data.configs * data.state_dim);
  const CounterRng rng(2, 3);
  for (size_t e = 0; e < data.states.size(); ++e) data.states[e] = static_cast<float>(0.2 + 0.6 * rng.uniform(e, 0));

  const auto kappa = condition_numbers(ae, data, 100, 3);  // count is cut to the 10 configurations
  REQUIRE(kappa.size() == 10);

  std::vector<int64_t> ids(10);
  for (size_t s = 0; s < 10; ++s) ids[s] = static_cast<int64_t>(s);
  nn::Tensor<float> x, J, G;
  gather_states(data, ids, x);
  std::vector<double> M, S;
  ae.gram(x, M);
  const auto whole = nn::condition_number_loss_gram(M, spec.latent_dim, S, 10.0);
  // The same kappa from the formed float J (its Gram matrices in double): float round-off apart.
  ae.jacobian(x, J);
  const auto formed = nn::condition_number_loss(J, spec.latent_dim, G, 10.0);
  for (size_t s = 0; s < 10; ++s) {
    CHECK(kappa[s] > 1.0);
    // Chunks of 3 vs one batch of 10: the float upper-network GEMMs may round differently with the
    // column count (OpenBLAS picks kernels per CPU and size; 1e-8 relative seen on an AMD EPYC), and
    // kappa ~ 450 amplifies it. A chunk mixed up would change kappa at the first digit.
    CHECK(kappa[s] == Approx(whole.kappa[s]).epsilon(1e-6));
    CHECK(kappa[s] == Approx(formed.kappa[s]).epsilon(1e-5));
  }
}
