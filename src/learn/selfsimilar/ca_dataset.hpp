#pragma once
// Cellular-automaton data for the self-similar learners: one rule's space-time samples from the
// simulate stage (system = "cellular_automata": /spacetime (samples, rows, W) uint8, /rule), read on
// every rank (a rule's block is small), plus kernels that gather training batches by sample id.
//
// Samples [0, n_train) train, [n_train, samples) are held out (whole rows of time never seen).
// Micro pair id k (of a sample range starting at `first`): sample first + k / (rows - 1), row
//   t = k % (rows - 1); x = row t, target = row t + 1 (W features each).
// Micro windows: the same pairs per site: x (3, W B), column b W + i = cells (i-1, i, i+1) of row t
//   (periodic), target (1, W B) = cell i of row t + 1.
// Macro pair id k with group size N: sample first + k / taus, block tau = k % taus, taus =
//   rows / N - 1; x_now = rows [tau N, tau N + N), x_next = the next N rows (features dt * W + x),
//   target = x_next rearranged as the decoder's output: feature (dt * N + ds) * M + j =
//   cell (row dt, site j N + ds), M = W / N.
#include <Kokkos_Core.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "io/h5file.hpp"
#include "nn/tensor.hpp"

namespace macrodyn::selfsimilar {

using CaCells = Kokkos::View<uint8_t***, Kokkos::LayoutRight, nn::MemSpace>;
using IdView = Kokkos::View<int64_t*, nn::MemSpace>;

struct CaRuleData {
  int rule = 0;
  long samples = 0, rows = 0, width = 0;
  CaCells cells;  // (samples, rows, width)
  long n_train(double holdout) const;
  long micro_pairs(long n_samples) const { return n_samples * (rows - 1); }
  long macro_pairs(long n_samples, int group) const { return n_samples * (rows / group - 1); }
};

class CaDataset {
 public:
  CaDataset(const std::string& path, MPI_Comm comm);
  const std::vector<int>& rules() const { return rules_; }  // distinct rules, in file order
  CaRuleData load(int rule) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  io::H5File file_;
  std::vector<int32_t> rule_of_sample_;
  std::vector<int> rules_;
  long rows_ = 0, width_ = 0;
};

IdView to_device_ids(const std::vector<int64_t>& ids, long offset = 0);

// x, target: (W, B) with B = ids.extent(0)
template <class T>
void gather_micro_pairs(const CaRuleData& d, long first, const IdView& ids, nn::Tensor<T>& x, nn::Tensor<T>& target);
// x: (3, W B), target: (1, W B)
template <class T>
void gather_micro_windows(const CaRuleData& d, long first, const IdView& ids, nn::Tensor<T>& x, nn::Tensor<T>& target);
// x_now, x_next: (N W, B); target: (N N M, B)
template <class T>
void gather_macro_pairs(const CaRuleData& d, long first, int group, const IdView& ids, nn::Tensor<T>& x_now,
                        nn::Tensor<T>& x_next, nn::Tensor<T>& target);

}  // namespace macrodyn::selfsimilar
