// Consistency (self-similar dynamics paper, eq. 6) of hand-built and learnt CA coarse-grainings.
#include <catch2/catch.hpp>

#include "ca_test_data.hpp"
#include "learn/selfsimilar/ca_metrics.hpp"
#include "learn/selfsimilar/ca_networks.hpp"
#include "learn/selfsimilar/ca_training.hpp"

using namespace macrodyn;
using namespace macrodyn::selfsimilar;

namespace {

constexpr long kWidth = 24, kRows = 41, kSamples = 24;

// Dynamics learner trained on `rule` until it reproduces the rule's truth table.
std::shared_ptr<nn::Sequential<double>> learnt_rule(const CaRuleData& data) {
  auto f = make_ca_dynamics<double>(static_cast<int>(data.width), 3);
  CaTrainOptions opt;
  opt.lr = 1e-2;
  opt.epochs = 40;
  opt.stop_loss = 1e-3;
  opt.progress_interval_s = 1e9;
  train_ca_dynamics<double>(MPI_COMM_SELF, data, data.samples, opt, *f);
  return f;
}

// P(block) = sigmoid(20 x(0, 0) - 10): the top-left cell of every N x N block, saturated.
std::shared_ptr<nn::Sequential<double>> pick_corner(int N, int W) {
  auto P = make_ca_coarse_grainer<double>(N, W, 1, false);
  auto params = P->parameters();
  auto w = Kokkos::create_mirror_view(params[0].value);
  for (size_t j = 0; j < w.extent(1); ++j) w(0, j) = j == 0 ? 20.0 : 0.0;
  Kokkos::deep_copy(params[0].value, w);
  Kokkos::deep_copy(params[1].value, -10.0);
  return P;
}

CaBlockMetrics corner_consistency(int rule, int N) {
  const auto data = test::make_ca_data(rule, kSamples, kRows, kWidth, 5);
  auto f = learnt_rule(data);
  REQUIRE(ca_truth_table_correct<double>(*f, rule, kWidth) == 8);
  auto F = make_ca_macro_dynamics<double>(kWidth / N, 0);
  copy_parameters<double>(*f, *F);
  MacroPipeline<double> pipeline(pick_corner(N, kWidth), F, make_ca_decoder<double>(N, kWidth / N, 2), false);
  return ca_block_metrics<double>(MPI_COMM_SELF, pipeline, data, 0, kSamples, N);
}

}  // namespace

TEST_CASE("Rule 60 with the corner coarse-graining at N = 2 is self-similar: consistency ~ 0", "[selfsimilar]") {
  // Two steps of rule 60 (x_i XOR x_{i-1}) are x_i XOR x_{i-2}: every second cell of every second
  // row follows rule 60 again.
  const auto m = corner_consistency(60, 2);
  CHECK(m.consistency < 1e-3);
  CHECK(m.binary_consistency == 0.0);
}

TEST_CASE("Rule 30 with the same coarse-graining is not: consistency well above 0", "[selfsimilar]") {
  const auto m = corner_consistency(30, 2);
  CHECK(m.consistency > 0.05);
  CHECK(m.binary_consistency > 0.05);
}

TEST_CASE("Rule 60 at N = 3 is not self-similar under the corner coarse-graining", "[selfsimilar]") {
  const auto m = corner_consistency(60, 3);
  CHECK(m.consistency > 0.05);
}
