// Reading (u, v) pair data sets. See the header.
#include "learn/macronet/pair_dataset.hpp"

#include <cmath>

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
  for (size_t k = 1; k < dims.size(); ++k) {
    m.d *= static_cast<long>(dims[k]);
    m.shape.push_back(static_cast<long>(dims[k]));
  }
  // Row-major (n, d...) is exactly values[i + d * s].
  m.values = f.read_all<double>(name);
  return m;
}

std::vector<double> read_column(const std::string& path, const std::string& name, MPI_Comm comm) {
  const auto m = read_samples(path, name, comm);
  if (m.d != 1) fail(path, ": dataset '", name, "' has ", m.d, " values per sample, expected 1");
  return m.values;
}

SampleMatrix select_features(const SampleMatrix& m, const std::vector<long>& features) {
  if (features.empty()) return m;
  SampleMatrix out;
  out.n = m.n;
  out.d = long(features.size());
  out.shape = {out.d};
  out.values.resize(size_t(out.n * out.d));
  for (long f : features)
    if (f < 0 || f >= m.d) fail("u_features: feature ", f, " is outside 0..", m.d - 1);
  for (long s = 0; s < m.n; ++s)
    for (long i = 0; i < out.d; ++i) out.values[size_t(i + out.d * s)] = m.at(s, features[size_t(i)]);
  return out;
}

SampleMatrix gray_scott_channels(const SampleMatrix& m) {
  if (m.shape.size() != 3 || m.shape[0] != 2) fail("v_channels = \"gray_scott\" needs patterns of shape (n, 2, H, W)");
  const long plane = m.shape[1] * m.shape[2];
  SampleMatrix out;
  out.n = m.n;
  out.shape = {3, m.shape[1], m.shape[2]};
  out.d = 3 * plane;
  out.values.resize(size_t(out.n * out.d));
  for (long s = 0; s < m.n; ++s)
    for (long q = 0; q < plane; ++q) {
      const double a = m.at(s, q), b = m.at(s, plane + q);
      double* o = &out.values[size_t(out.d * s)];
      o[q] = a;
      o[plane + q] = b;
      o[2 * plane + q] = 0.5 * (a + b);
    }
  return out;
}

void apply_scale(std::vector<double>& values, const std::string& scale) {
  if (scale == "asinh")
    for (auto& x : values) x = std::asinh(x);
  else if (scale != "linear")
    fail("unknown v_scale '", scale, "' (linear | asinh)");
}

PairData PairData::from_config(const ConfigTable& t) {
  PairData p;
  p.u_name = t.get_string("u", "/u");
  p.v_name = t.get_string("v", "/v");
  const auto f = t.get_ints("u_features", {}, Range::at_least(0));
  p.u_features.assign(f.begin(), f.end());
  p.v_channels = t.get_string("v_channels", "as_stored", {"as_stored", "gray_scott"});
  p.v_scale = t.get_string("v_scale", "linear", {"linear", "asinh"});
  return p;
}

void PairData::load(const std::string& path, MPI_Comm comm, SampleMatrix& u, SampleMatrix& v) const {
  u = select_features(read_samples(path, u_name, comm), u_features);
  v = read_samples(path, v_name, comm);
  if (v_channels == "gray_scott") v = gray_scott_channels(v);
  apply_scale(v.values, v_scale);
  if (u.n != v.n) fail(path, ": ", u_name, " has ", u.n, " samples but ", v_name, " has ", v.n);
}

}  // namespace macrodyn::macronet
