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

#include "core/config.hpp"
#include "nn/tensor.hpp"

namespace macrodyn::macronet {

struct SampleMatrix {
  long n = 0, d = 0;
  std::vector<long> shape;     // per-sample shape (dims after the first), product d
  std::vector<double> values;  // values[i + d * s]
  double at(long s, long i) const { return values[static_cast<size_t>(i + d * s)]; }
};

SampleMatrix read_samples(const std::string& path, const std::string& name, MPI_Comm comm);
std::vector<double> read_column(const std::string& path, const std::string& name, MPI_Comm comm);

// Keeps the listed features (per-sample flat indices) in that order.
SampleMatrix select_features(const SampleMatrix& m, const std::vector<long>& features);
// Gray-Scott patterns (n, 2, H, W) = (a, b) -> (n, 3, H, W) = (a, b, (a + b)/2), the learning
// channels of the MacroNet paper's Turing-pattern experiment (Appendix A.3.3).
SampleMatrix gray_scott_channels(const SampleMatrix& m);
// Applies a v_scale ("linear": nothing, "asinh") to every value.
void apply_scale(std::vector<double>& values, const std::string& scale);

// The (u, v) data keys shared by the macronet stages (defaults):
//   u = "/u", v = "/v"           datasets
//   u_features = []              keep these per-sample features of u (empty: all), e.g. [1, 2, 3]
//                                drops a parameter that the data set holds constant
//   v_channels = "as_stored"     | "gray_scott": (a, b) patterns -> (a, b, (a + b)/2)
//   v_scale = "linear"           | "asinh": v -> asinh(v) entrywise (compresses the exponentially
//                                growing trajectories of unstable linear systems)
struct PairData {
  std::string u_name = "/u", v_name = "/v";
  std::vector<long> u_features;
  std::string v_channels = "as_stored";
  std::string v_scale = "linear";
  static PairData from_config(const ConfigTable& t);
  // Reads and transforms both datasets (same sample count checked).
  void load(const std::string& path, MPI_Comm comm, SampleMatrix& u, SampleMatrix& v) const;
};

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
