#pragma once
// One kernel over many tensors: the element-wise updates of an optimizer (and zeroing gradients)
// touch every parameter tensor of a model, often a hundred small ones. One kernel per tensor costs a
// parallel region each (on a threaded host, a fork and a join worth several microseconds), which is
// most of an update for a small network. TensorChunks<T, K> cuts K parallel lists of equally sized
// contiguous tensors (e.g. K = 4: value, gradient and two moments of every parameter) into chunks of
// at most kChunk entries and runs an element-wise function over all of them in ONE kernel:
//
//   TensorChunks<T, 4> chunks;
//   chunks.assign({{p0, g0, m0, v0}, {p1, g1, m1, v1}, ...}, {w0, w1, ...});  // cheap when nothing moved
//   chunks.for_each(KOKKOS_LAMBDA(T* const* t, int64_t k, T w) { t[0][k] -= w * ...; });
//
// w is the per-set weight given to assign() (1 when none is given): an optimizer's per-parameter
// learning-rate scale.
//
// A chunk is one team; its entries are the team's vector lanes (contiguous on a host, coalesced on a
// device). Each entry is visited exactly once and by the same arithmetic as a per-tensor kernel, so
// results do not depend on the chunking or the thread count. assign() keeps the raw pointers of the
// tensors; it must be called again (it is cheap: it rebuilds only if a pointer or size changed)
// whenever a tensor may have been reallocated.
#include <Kokkos_Core.hpp>

#include <array>
#include <vector>

#include "core/error.hpp"
#include "nn/tensor.hpp"

namespace macrodyn::nn {

template <class T, int K>
class TensorChunks {
 public:
  struct Chunk {
    T* ptr[K];
    int64_t size;
    T weight;
  };
  using Set = std::array<Tensor<T>, K>;
  static constexpr int64_t kChunk = 4096;

  void assign(const std::vector<Set>& sets, const std::vector<double>& weights = {}) {
    if (!weights.empty() && weights.size() != sets.size())
      fail("TensorChunks: ", weights.size(), " weights for ", sets.size(), " tensor sets");
    std::vector<std::array<T*, K>> ptrs;
    std::vector<int64_t> sizes;
    for (const auto& s : sets) {
      std::array<T*, K> p{};
      for (int j = 0; j < K; ++j) {
        if (s[j].size() != s[0].size()) fail("TensorChunks: tensors of one set differ in size");
        if (!s[j].span_is_contiguous()) fail("TensorChunks: tensor '", s[j].label(), "' is not contiguous");
        p[j] = s[j].data();
      }
      ptrs.push_back(p);
      sizes.push_back(static_cast<int64_t>(s[0].size()));
    }
    if (ptrs == ptrs_ && sizes == sizes_ && weights == weights_ && chunks_.extent(0) > 0) return;
    ptrs_ = ptrs;
    sizes_ = sizes;
    weights_ = weights;
    std::vector<Chunk> list;
    for (size_t i = 0; i < ptrs.size(); ++i)
      for (int64_t lo = 0; lo < sizes[i]; lo += kChunk) {
        Chunk c{};
        for (int j = 0; j < K; ++j) c.ptr[j] = ptrs[i][j] + lo;
        c.size = std::min(kChunk, sizes[i] - lo);
        c.weight = static_cast<T>(weights.empty() ? 1.0 : weights[i]);
        list.push_back(c);
      }
    chunks_ = Kokkos::View<Chunk*, MemSpace>("tensor_chunks", list.size());
    auto host = Kokkos::create_mirror_view(chunks_);
    for (size_t c = 0; c < list.size(); ++c) host(c) = list[c];
    Kokkos::deep_copy(chunks_, host);
  }

  // f(T* const* ptr, int64_t k, T w) for entry k of every chunk (ptr[j] = tensor j of the chunk's set,
  // w its set's weight).
  template <class F>
  void for_each(const char* label, const F& f) const {
    const auto chunks = chunks_;
    if (chunks.extent(0) == 0) return;
    using Policy = Kokkos::TeamPolicy<ExecSpace, Kokkos::Schedule<Kokkos::Dynamic>>;
    Kokkos::parallel_for(
        label, Policy(static_cast<int>(chunks.extent(0)), Kokkos::AUTO, Kokkos::AUTO),
        KOKKOS_LAMBDA(const typename Policy::member_type& team) {
          // Local copies: the entries' stores cannot then alias the pointers or the weight (a float in
          // the chunk list), which would force reloads on every entry and keep the loop scalar.
          const Chunk& c = chunks(team.league_rank());
          T* ptr[K];
          for (int j = 0; j < K; ++j) ptr[j] = c.ptr[j];
          const T w = c.weight;
          Kokkos::parallel_for(Kokkos::TeamVectorRange(team, c.size), [&](const int64_t k) { f(ptr, k, w); });
        });
  }

 private:
  Kokkos::View<Chunk*, MemSpace> chunks_;
  std::vector<std::array<T*, K>> ptrs_;
  std::vector<int64_t> sizes_;
  std::vector<double> weights_;
};

}  // namespace macrodyn::nn
