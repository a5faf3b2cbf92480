// Sample-block execution (nn/sample_blocks.hpp): a Sequential MLP, RealNVP flows and a conv layer run
// in forced sample blocks (3, more than the threads of any test build, and more than some batches)
// give the same outputs, input gradients and parameter gradients as their per-kernel paths.
#include <catch2/catch.hpp>

#include <functional>

#include "nn/conv.hpp"
#include "nn/flow.hpp"
#include "nn/flow_nll.hpp"
#include "nn/gradient_check.hpp"
#include "nn/invertible_linear.hpp"
#include "nn/realnvp_coupling.hpp"
#include "nn/sample_blocks.hpp"
#include "nn/sequential.hpp"

using namespace macrodyn::nn;
using gradcheck::relative_error;
using gradcheck::to_vector;

namespace {

// Forces `blocks` sample blocks while alive (1 = never split), then restores the default.
struct ForcedBlocks {
  explicit ForcedBlocks(int blocks) { force_sample_blocks(blocks); }
  ~ForcedBlocks() { force_sample_blocks(0); }
};

Tensor<double> random_tensor(size_t n, size_t B, uint64_t seed) {
  Tensor<double> t("t", n, B);
  fill_normal(t, seed, 0);
  return t;
}

// Everything a pass produces: outputs, input gradient, parameter gradients, flattened in order.
using Pass = std::vector<std::vector<double>>;

void require_same(const Pass& kernels, const Pass& blocks) {
  REQUIRE(kernels.size() == blocks.size());
  for (size_t i = 0; i < kernels.size(); ++i) {
    INFO("result " << i);
    CHECK(relative_error(blocks[i], kernels[i]) < 1e-13);
  }
}

Pass run_layer(Layer<double>& layer, size_t B, bool input_gradient) {
  auto x = random_tensor(layer.in_features(), B, 1);
  auto dy = random_tensor(layer.out_features(), B, 2);
  for (auto& p : layer.parameters()) Kokkos::deep_copy(p.grad, 0.0);
  Tensor<double> y, dx;
  layer.forward(x, y, true);
  if (input_gradient)
    layer.backward(dy, dx);
  else
    layer.backward_parameters(dy);
  Pass r{to_vector(y)};
  if (input_gradient) r.push_back(to_vector(dx));
  for (auto& p : layer.parameters()) r.push_back(to_vector(p.grad));
  return r;
}

Pass run_flow(Flow<double>& flow, size_t B) {
  auto x = random_tensor(flow.in_features(), B, 3);
  for (auto& p : flow.parameters()) Kokkos::deep_copy(p.grad, 0.0);
  Tensor<double> z, dz, dc, dx;
  flow.forward(x, z, true);
  flow_nll(z, flow.log_det(), 1.0 / double(B), dz, dc);
  flow.backward_flow(dz, dc, dx);
  Pass r{to_vector(z), to_vector(flow.log_det()), to_vector(dx)};
  for (auto& p : flow.parameters()) r.push_back(to_vector(p.grad));
  return r;
}

template <class F>
void compare_paths(const F& run) {
  Pass kernels, blocks;
  {
    ForcedBlocks never(1);
    kernels = run();
  }
  {
    ForcedBlocks three(3);
    blocks = run();
  }
  require_same(kernels, blocks);
}

}  // namespace

TEST_CASE("sample_blocks: one block per thread, forced counts, ranges cover the batch", "[nn][blocks]") {
  {
    ForcedBlocks three(3);
    CHECK(sample_blocks(100) == 3);
    CHECK(sample_blocks(2) == 2);
    CHECK(sample_blocks(1) == 0);
  }
  {
    ForcedBlocks never(1);
    CHECK(sample_blocks(100) == 0);
  }
  size_t next = 0;
  for (int p = 0; p < 3; ++p) {
    const auto [b0, b1] = block_range(10, p, 3);
    CHECK(b0 == next);
    next = b1;
  }
  CHECK(next == 10);
}

TEST_CASE("A Sequential MLP in sample blocks equals its per-kernel path", "[nn][blocks]") {
  for (const char* act : {"tanh", "relu", "softplus"})
    for (size_t B : {2, 37}) {
      INFO(act << ", batch " << B);
      compare_paths([&] {
        auto mlp = make_mlp<double>({5, 16, 16, 3}, act, 7);
        return run_layer(*mlp, B, true);
      });
      compare_paths([&] {  // backward_parameters: no input gradient of the first layer
        auto mlp = make_mlp<double>({5, 16, 3}, act, 8, true);
        return run_layer(*mlp, B, false);
      });
    }
}

TEST_CASE("Sample blocks keep the MLP gradient exact (finite differences)", "[nn][blocks]") {
  ForcedBlocks three(3);
  auto mlp = make_mlp<double>({4, 12, 12, 2}, "tanh", 9);
  auto x = random_tensor(4, 11, 4);
  const auto r = gradcheck::check_backward(*mlp, x, 5);
  CHECK(r.input < 1e-6);
  CHECK(r.params < 1e-6);
}

TEST_CASE("A RealNVP flow in sample blocks equals its per-kernel path", "[nn][blocks]") {
  // with_linear: an InvertibleLinear between the couplings, which has no sample-block path, so the
  // flow runs layer by layer and each coupling runs its own blocks; without it the whole flow does.
  auto build = [](bool with_linear) {
    Flow<double> flow;
    for (int k = 0; k < 3; ++k) {
      auto mask = CouplingMask::halves(6, k % 2);
      flow.add(std::make_shared<RealNVPCoupling<double>>(
          mask, make_mlp<double>({mask.n_pass(), 16, 16, 2 * mask.n_act()}, "relu", 20 + uint64_t(k))));
      if (with_linear && k == 0) flow.add(std::make_shared<InvertibleLinear<double>>(6, 5));
    }
    return flow;
  };
  for (bool with_linear : {false, true})
    for (size_t B : {2, 29}) {
      INFO("batch " << B << (with_linear ? ", with a linear layer" : ""));
      compare_paths([&] {
        auto flow = build(with_linear);
        CHECK(flow.flow_in_sample_blocks() == !with_linear);
        return run_flow(flow, B);
      });
    }
}

TEST_CASE("A conv layer in sample blocks equals its per-sample path", "[nn][blocks]") {
  compare_paths([] {
    Conv<double> conv(conv_options(2, 2, 3, {6, 5}, {3}, {2}, {1}, true), 12);
    return run_layer(conv, 5, true);
  });
}

TEST_CASE("A Sequential in sample blocks rejects a gradient of the wrong batch", "[nn][blocks]") {
  ForcedBlocks three(3);
  auto mlp = make_mlp<double>({3, 8, 2}, "tanh", 10);
  auto x = random_tensor(3, 9, 6);
  Tensor<double> y, dx;
  mlp->forward(x, y, true);
  auto dy = random_tensor(2, 8, 7);
  CHECK_THROWS_WITH(mlp->backward(dy, dx), Catch::Contains("the forward pass gave (2, 9)"));
}
