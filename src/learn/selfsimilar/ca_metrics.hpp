#pragma once
// Evaluation of the CA learners on samples [first, first + count) of one rule (the held-out ones; stage
// 1's restart test uses the training ones). Pairs are split in contiguous blocks over the ranks and the
// sums reduced (counts are exact for any rank count).
//
// ca_truth_table_correct: how many of the 8 neighbourhoods (left, centre, right) the learner maps to
//   the rule's bit (arg-max class), probed on rows holding one neighbourhood at sites 0-2 (8 = the
//   rule is learnt exactly, independent of which neighbourhoods the data visited).
// ca_next_state_accuracy: fraction of the cells (all rows t -> t+1) predicted right.
// ca_block_metrics: consistency (paper eq. 6: mean over macro sites and block pairs of
//   (F(P(X_t)) - P(X_{t+1}))^2), its hard-macrostate form (MacroPipeline::binary_consistency_sum)
//   and the reconstruction MSE of the next block.
#include <mpi.h>

#include "learn/selfsimilar/ca_dataset.hpp"
#include "learn/selfsimilar/macro_pipeline.hpp"
#include "nn/sequential.hpp"

namespace macrodyn::selfsimilar {

struct CaBlockMetrics {
  double consistency = 0;
  double reconstruction = 0;
  double binary_consistency = 0;  // fraction of macro sites missed on hard macrostates
};

template <class T>
int ca_truth_table_correct(nn::Sequential<T>& dynamics, int rule, int width);

template <class T>
double ca_next_state_accuracy(MPI_Comm comm, nn::Sequential<T>& dynamics, const CaRuleData& data, long first,
                              long count);

template <class T>
CaBlockMetrics ca_block_metrics(MPI_Comm comm, MacroPipeline<T>& pipeline, const CaRuleData& data, long first,
                                long count, int group);

}  // namespace macrodyn::selfsimilar
