#include "learn/selfsimilar/ca_dataset.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "learn/selfsimilar/block_gather.hpp"

namespace macrodyn::selfsimilar {

long CaRuleData::n_train(double holdout) const {
  const long held = std::max(1L, static_cast<long>(std::lround(holdout * static_cast<double>(samples))));
  if (held >= samples) fail("rule ", rule, ": ", samples, " samples leave none for training with holdout ", holdout);
  return samples - held;
}

CaDataset::CaDataset(const std::string& path, MPI_Comm comm) : path_(path), file_(io::H5File::open_read(path, comm)) {
  if (!file_.exists("/spacetime") || !file_.exists("/rule"))
    fail(path, ": not a cellular_automata dataset (needs /spacetime and /rule)");
  const auto dims = file_.dims("/spacetime");
  if (dims.size() != 3) fail(path, ": /spacetime must be 3-D (samples, rows, width)");
  rows_ = static_cast<long>(dims[1]);
  width_ = static_cast<long>(dims[2]);
  rule_of_sample_ = file_.read_all<int32_t>("/rule");
  for (const int32_t r : rule_of_sample_)
    if (std::find(rules_.begin(), rules_.end(), r) == rules_.end()) rules_.push_back(r);
}

CaRuleData CaDataset::load(int rule) const {
  const auto begin = std::find(rule_of_sample_.begin(), rule_of_sample_.end(), rule);
  if (begin == rule_of_sample_.end()) fail(path_, ": holds no samples of rule ", rule);
  const auto end = std::find_if(begin, rule_of_sample_.end(), [rule](int32_t r) { return r != rule; });
  if (std::find(end, rule_of_sample_.end(), rule) != rule_of_sample_.end())
    fail(path_, ": the samples of rule ", rule, " are not contiguous");
  CaRuleData d;
  d.rule = rule;
  d.samples = static_cast<long>(end - begin);
  d.rows = rows_;
  d.width = width_;
  const hsize_t first = static_cast<hsize_t>(begin - rule_of_sample_.begin());
  std::vector<uint8_t> host(static_cast<size_t>(d.samples * rows_ * width_));
  file_.read("/spacetime", {first, 0, 0},
             {static_cast<hsize_t>(d.samples), static_cast<hsize_t>(rows_), static_cast<hsize_t>(width_)}, host.data());
  d.cells = CaCells("ca_cells", d.samples, rows_, width_);
  auto h = Kokkos::create_mirror_view(d.cells);
  std::copy(host.begin(), host.end(), h.data());
  Kokkos::deep_copy(d.cells, h);
  return d;
}

IdView to_device_ids(const std::vector<int64_t>& ids, long offset) {
  IdView v("ca_ids", ids.size());
  auto h = Kokkos::create_mirror_view(v);
  for (size_t i = 0; i < ids.size(); ++i) h(i) = ids[i] + offset;
  Kokkos::deep_copy(v, h);
  return v;
}

template <class T>
void gather_micro_pairs(const CaRuleData& d, long first, const IdView& ids, nn::Tensor<T>& x, nn::Tensor<T>& target) {
  gather_row_pairs(d.cells, first, ids, x, target);
}

template <class T>
void gather_micro_windows(const CaRuleData& d, long first, const IdView& ids, nn::Tensor<T>& x, nn::Tensor<T>& target) {
  const long B = static_cast<long>(ids.extent(0)), W = d.width, steps = d.rows - 1;
  nn::ensure_shape(x, "ca_windows", 3, W * B);
  nn::ensure_shape(target, "ca_window_target", 1, W * B);
  auto cells = d.cells;
  auto xx = x, tt = target;
  Kokkos::parallel_for(
      "selfsimilar::gather_windows", Kokkos::MDRangePolicy<nn::ExecSpace, Kokkos::Rank<2>>({0, 0}, {B, W}),
      KOKKOS_LAMBDA(long b, long i) {
        const long s = first + ids(b) / steps, t = ids(b) % steps, c = b * W + i;
        xx(0, c) = static_cast<T>(cells(s, t, i == 0 ? W - 1 : i - 1));
        xx(1, c) = static_cast<T>(cells(s, t, i));
        xx(2, c) = static_cast<T>(cells(s, t, i == W - 1 ? 0 : i + 1));
        tt(0, c) = static_cast<T>(cells(s, t + 1, i));
      });
}

template <class T>
void gather_macro_pairs(const CaRuleData& d, long first, int group, const IdView& ids, nn::Tensor<T>& x_now,
                        nn::Tensor<T>& x_next, nn::Tensor<T>& target) {
  gather_block_pairs(d.cells, first, group, group, ids, x_now, x_next, target);
}

template void gather_micro_pairs<double>(const CaRuleData&, long, const IdView&, nn::Tensor<double>&,
                                         nn::Tensor<double>&);
template void gather_micro_pairs<float>(const CaRuleData&, long, const IdView&, nn::Tensor<float>&, nn::Tensor<float>&);
template void gather_micro_windows<double>(const CaRuleData&, long, const IdView&, nn::Tensor<double>&,
                                           nn::Tensor<double>&);
template void gather_micro_windows<float>(const CaRuleData&, long, const IdView&, nn::Tensor<float>&,
                                          nn::Tensor<float>&);
template void gather_macro_pairs<double>(const CaRuleData&, long, int, const IdView&, nn::Tensor<double>&,
                                         nn::Tensor<double>&, nn::Tensor<double>&);
template void gather_macro_pairs<float>(const CaRuleData&, long, int, const IdView&, nn::Tensor<float>&,
                                        nn::Tensor<float>&, nn::Tensor<float>&);

}  // namespace macrodyn::selfsimilar
