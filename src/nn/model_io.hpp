#pragma once
// Saving and loading a model (any Layer, composite layers included) in HDF5 through H5File.
//
// Layout under `group` (collective, rank 0 writes, every rank reads):
//   attributes: kind (string), hyper_parameters (double[]), scalar ("float64" | "float32"),
//               n_parameters, n_buffers (int)
//   <group>/parameters/<name>  (rows, cols) row-major: entry [i][j] = tensor(i, j)
//   <group>/buffers/<name>     the same for non-trainable state (batch-norm statistics ...)
// Names are the layer's Parameter names (composite layers prefix "<child>."), so they must be unique.
// load_model() fills an already built model of the same architecture: kind, hyper-parameters,
// names and shapes must match, else it fails naming the file, dataset and the mismatch.
// Values round-trip exactly (same scalar type; float <-> double conversion is done by HDF5).
#include <string>

#include "io/h5file.hpp"
#include "nn/layer.hpp"

namespace macrodyn::nn {

template <class T>
void save_model(io::H5File& file, const std::string& group, Layer<T>& model);
template <class T>
void load_model(const io::H5File& file, const std::string& group, Layer<T>& model);

// Whole-file helpers: creates `path` (atomic .tmp + rename) with the model under "/model".
template <class T>
void save_model_file(const std::string& path, MPI_Comm comm, Layer<T>& model);
template <class T>
void load_model_file(const std::string& path, MPI_Comm comm, Layer<T>& model);

}  // namespace macrodyn::nn
