#pragma once
// (u, v) pairs of a simulate stage's HDF5 file, read whole on every rank (the MacroNet data sets are
// small: 2048 x 2, 512 x (4 + 16)), as feature-major host arrays: u[i + du * s] is feature i of sample s.
// Datasets of any rank >= 1 are flattened per sample: (n, d1, d2, ...) -> d = d1 * d2 * ...
//
//   read_pairs(path, u_name, v_name, comm)     both datasets must have the same number of samples
//   read_column(path, name, comm)              a 1-D dataset (n) (energy, tau ...)
//   gather(rows, ids, tensor)                  tensor(:, b) = sample ids[b] (tensor resized to (d, B))
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "nn/tensor.hpp"

namespace macrodyn::macronet {

struct SampleMatrix {
  long n = 0, d = 0;
  std::vector<double> values;  // values[i + d * s]
  double at(long s, long i) const { return values[static_cast<size_t>(i + d * s)]; }
};

SampleMatrix read_samples(const std::string& path, const std::string& name, MPI_Comm comm);
std::vector<double> read_column(const std::string& path, const std::string& name, MPI_Comm comm);

template <class T>
void gather(const SampleMatrix& m, const std::vector<int64_t>& ids, nn::Tensor<T>& out) {
  nn::ensure_shape(out, "macronet_batch", size_t(m.d), ids.size());
  auto h = Kokkos::create_mirror_view(out);
  for (size_t b = 0; b < ids.size(); ++b)
    for (long i = 0; i < m.d; ++i) h(size_t(i), b) = static_cast<T>(m.at(ids[b], i));
  Kokkos::deep_copy(out, h);
}

// All samples [lo, hi) in order.
template <class T>
void gather_range(const SampleMatrix& m, long lo, long hi, nn::Tensor<T>& out) {
  std::vector<int64_t> ids;
  for (long s = lo; s < hi; ++s) ids.push_back(s);
  gather(m, ids, out);
}

}  // namespace macrodyn::macronet
