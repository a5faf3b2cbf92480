// Reduce-on-plateau: the learning rate halves only after `patience` epochs without relative
// improvement, never below min_lr, and the state survives a round trip through state scalars.
#include <catch2/catch.hpp>

#include "learn/closure/plateau_optimizer.hpp"
#include "nn/sgd.hpp"

using namespace macrodyn;
using namespace macrodyn::closure;

TEST_CASE("plateau optimizer halves the learning rate after patience epochs", "[closure]") {
  nn::Parameter<double> p{"w", nn::Tensor<double>("w", 1, 1), nn::Tensor<double>("g", 1, 1)};
  PlateauOptions o;
  o.reduce = 0.5, o.patience = 2, o.threshold = 1e-4, o.min_lr = 0.3;
  PlateauOptimizer<double> opt(std::make_unique<nn::SGD<double>>(std::vector<nn::Parameter<double>>{p}, 1.0), 1.0, o);
  CHECK_FALSE(opt.end_epoch(1.0));    // best = 1
  CHECK_FALSE(opt.end_epoch(0.5));    // improved
  CHECK_FALSE(opt.end_epoch(0.5));    // bad 1
  CHECK_FALSE(opt.end_epoch(0.49999));  // within threshold: bad 2
  CHECK(opt.end_epoch(0.6));          // bad 3 > patience: reduce
  CHECK(opt.effective_learning_rate() == Approx(0.5));
  const auto saved = opt.state_scalars();
  for (int e = 0; e < 3; ++e) opt.end_epoch(0.6);
  CHECK(opt.effective_learning_rate() == Approx(0.3));  // floored at min_lr
  opt.set_state_scalars(saved);
  CHECK(opt.effective_learning_rate() == Approx(0.5));
  // The wrapped optimizer steps with the effective rate: w <- w - lr g.
  Kokkos::deep_copy(p.grad, 2.0);
  opt.step();
  auto w = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.value);
  CHECK(w(0, 0) == Approx(-1.0));
}
