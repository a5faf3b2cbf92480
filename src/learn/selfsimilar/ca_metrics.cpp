#include "learn/selfsimilar/ca_metrics.hpp"

#include <algorithm>
#include <functional>

#include "core/runtime.hpp"
#include "decomp/cart_decomposition.hpp"
#include "learn/selfsimilar/two_class_softmax.hpp"
#include "nn/mse_loss.hpp"

namespace macrodyn::selfsimilar {
namespace {

constexpr long kChunk = 512;

// Calls body(ids) on this rank's contiguous share of [0, total), in chunks.
void for_local_chunks(MPI_Comm comm, long total, const std::function<void(const std::vector<int64_t>&)>& body) {
  const int rank = comm_rank(comm), size = comm_size(comm);
  const long lo = CartDecomposition<1>::block_lo(total, size, rank);
  const long hi = CartDecomposition<1>::block_lo(total, size, rank + 1);
  for (long c = lo; c < hi; c += kChunk) {
    std::vector<int64_t> ids(static_cast<size_t>(std::min(kChunk, hi - c)));
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = c + static_cast<long>(i);
    body(ids);
  }
}

}  // namespace

template <class T>
int ca_truth_table_correct(nn::Sequential<T>& dynamics, int rule, int width) {
  if (width < 3) fail("truth table probe needs rows of at least 3 sites");
  nn::Tensor<T> x("ca_probe", width, 8), target("ca_probe_target", width, 8), logits;
  auto xh = Kokkos::create_mirror_view(x);
  for (int n = 0; n < 8; ++n) {
    xh(0, n) = T((n >> 2) & 1);
    xh(1, n) = T((n >> 1) & 1);
    xh(2, n) = T(n & 1);
  }
  Kokkos::deep_copy(x, xh);
  dynamics.forward(x, logits, false);
  auto lh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), logits);
  int correct = 0;
  for (int n = 0; n < 8; ++n) {
    const bool one = lh(width + 1, n) > lh(1, n);
    correct += one == bool((rule >> n) & 1) ? 1 : 0;
  }
  return correct;
}

template <class T>
double ca_next_state_accuracy(MPI_Comm comm, nn::Sequential<T>& dynamics, const CaRuleData& data, long first,
                              long count) {
  nn::Tensor<T> x, target, logits;
  long correct = 0;
  for_local_chunks(comm, data.micro_pairs(count), [&](const std::vector<int64_t>& ids) {
    gather_micro_pairs(data, first, to_device_ids(ids), x, target);
    dynamics.forward(x, logits, false);
    correct += two_class_correct(logits, target);
  });
  MPI_Allreduce(MPI_IN_PLACE, &correct, 1, MPI_LONG, MPI_SUM, comm);
  return static_cast<double>(correct) / static_cast<double>(data.micro_pairs(count) * data.width);
}

template <class T>
CaBlockMetrics ca_block_metrics(MPI_Comm comm, MacroPipeline<T>& pipeline, const CaRuleData& data, long first,
                                long count, int group) {
  nn::Tensor<T> x_now, x_next, target, y;
  double sums[3] = {0, 0, 0};
  for_local_chunks(comm, data.macro_pairs(count, group), [&](const std::vector<int64_t>& ids) {
    gather_macro_pairs(data, first, group, to_device_ids(ids), x_now, x_next, target);
    pipeline.forward(x_now, y, false);
    sums[1] += nn::mse_value(y, target, 1.0);
    sums[0] += pipeline.consistency_sum(x_now, x_next);
    sums[2] += pipeline.binary_consistency_sum(x_now, x_next);
  });
  MPI_Allreduce(MPI_IN_PLACE, sums, 3, MPI_DOUBLE, MPI_SUM, comm);
  const double pairs = static_cast<double>(data.macro_pairs(count, group));
  CaBlockMetrics m;
  m.consistency = sums[0] / (pairs * static_cast<double>(data.width / group));
  m.binary_consistency = sums[2] / (pairs * static_cast<double>(data.width / group));
  m.reconstruction = sums[1] / (pairs * static_cast<double>(pipeline.out_features()));
  return m;
}

#define MACRODYN_CA_METRICS(T)                                                                            \
  template int ca_truth_table_correct<T>(nn::Sequential<T>&, int, int);                                   \
  template double ca_next_state_accuracy<T>(MPI_Comm, nn::Sequential<T>&, const CaRuleData&, long, long); \
  template CaBlockMetrics ca_block_metrics<T>(MPI_Comm, MacroPipeline<T>&, const CaRuleData&, long, long, int);
MACRODYN_CA_METRICS(double)
MACRODYN_CA_METRICS(float)
#undef MACRODYN_CA_METRICS

}  // namespace macrodyn::selfsimilar
