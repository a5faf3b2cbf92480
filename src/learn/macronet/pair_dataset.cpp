// Reading (u, v) pair data sets. See the header.
#include "learn/macronet/pair_dataset.hpp"

#include "core/error.hpp"
#include "io/h5file.hpp"

namespace macrodyn::macronet {

SampleMatrix read_samples(const std::string& path, const std::string& name, MPI_Comm comm) {
  auto f = io::H5File::open_read(path, comm);
  if (!f.exists(name)) fail(path, ": no dataset '", name, "'");
  const auto dims = f.dims(name);
  if (dims.empty()) fail(path, ": dataset '", name, "' is a scalar, expected (samples, features...)");
  SampleMatrix m;
  m.n = static_cast<long>(dims[0]);
  m.d = 1;
  for (size_t k = 1; k < dims.size(); ++k) m.d *= static_cast<long>(dims[k]);
  // Row-major (n, d...) is exactly values[i + d * s].
  m.values = f.read_all<double>(name);
  return m;
}

std::vector<double> read_column(const std::string& path, const std::string& name, MPI_Comm comm) {
  const auto m = read_samples(path, name, comm);
  if (m.d != 1) fail(path, ": dataset '", name, "' has ", m.d, " values per sample, expected 1");
  return m.values;
}

}  // namespace macrodyn::macronet
