// Model save/load round-trips parameters and buffers exactly; mismatched architectures are rejected.
#include <catch2/catch.hpp>
#include <cstdio>
#include <memory>

#include "core/error.hpp"
#include "nn/dense.hpp"
#include "nn/flow.hpp"
#include "nn/gradient_check.hpp"
#include "nn/invertible_batch_norm.hpp"
#include "nn/invertible_linear.hpp"
#include "nn/model_io.hpp"
#include "nn/realnvp_coupling.hpp"

using namespace macrodyn;
using namespace macrodyn::nn;

namespace {

std::unique_ptr<Flow<double>> build(uint64_t seed) {
  auto flow = std::make_unique<Flow<double>>();
  flow->add(std::make_shared<InvertibleLinear<double>>(4, seed, 0));
  auto mask = CouplingMask::halves(4, 0);
  flow->add(std::make_shared<RealNVPCoupling<double>>(mask, std::make_shared<Dense<double>>(2, 4, seed, 1)));
  flow->add(std::make_shared<InvertibleBatchNorm<double>>(4));
  return flow;
}

}  // namespace

TEST_CASE("Model save/load round-trips a flow exactly", "[nn][model_io]") {
  const std::string path = "nn_model_io_test.h5";
  auto a = build(1);
  Tensor<double> x("x", 4, 16), z;
  fill_normal(x, 3, 0);
  a->forward(x, z, true);  // moves the batch-norm running statistics away from their defaults
  save_model_file(path, MPI_COMM_WORLD, *a);
  auto b = build(2);
  load_model_file(path, MPI_COMM_WORLD, *b);
  auto pa = a->parameters(), pb = b->parameters();
  REQUIRE(pa.size() == pb.size());
  for (size_t i = 0; i < pa.size(); ++i) CHECK(gradcheck::to_vector(pa[i].value) == gradcheck::to_vector(pb[i].value));
  auto ba = a->buffers(), bb = b->buffers();
  REQUIRE(ba.size() == bb.size());
  for (size_t i = 0; i < ba.size(); ++i) CHECK(gradcheck::to_vector(ba[i].value) == gradcheck::to_vector(bb[i].value));
  Tensor<double> za, zb;
  a->forward(x, za, false);
  b->forward(x, zb, false);
  CHECK(gradcheck::to_vector(za) == gradcheck::to_vector(zb));

  Flow<double> other;
  other.add(std::make_shared<InvertibleLinear<double>>(4, 1, 0));
  CHECK_THROWS_AS(load_model_file(path, MPI_COMM_WORLD, other), Error);
  std::remove(path.c_str());
}
