// Model save/load through H5File. See the header.
#include "nn/model_io.hpp"

#include <set>

namespace macrodyn::nn {

namespace {

template <class T>
const char* scalar_name() {
  return sizeof(T) == 8 ? "float64" : "float32";
}

template <class T>
void write_list(io::H5File& file, const std::string& prefix, const std::vector<Parameter<T>>& list) {
  std::set<std::string> seen;
  for (const auto& p : list) {
    if (!seen.insert(p.name).second) fail(file.path(), ": duplicate tensor name '", p.name, "' under ", prefix);
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.value);
    const size_t rows = p.value.extent(0), cols = p.value.extent(1);
    std::vector<T> data(rows * cols);
    for (size_t i = 0; i < rows; ++i)
      for (size_t j = 0; j < cols; ++j) data[i * cols + j] = h(i, j);
    file.write_replicated(prefix + "/" + p.name, {rows, cols}, data.data());
  }
}

template <class T>
void read_list(const io::H5File& file, const std::string& prefix, const std::vector<Parameter<T>>& list) {
  for (const auto& p : list) {
    const std::string name = prefix + "/" + p.name;
    if (!file.exists(name)) fail(file.path(), ": dataset ", name, " is missing");
    const auto dims = file.dims(name);
    const size_t rows = p.value.extent(0), cols = p.value.extent(1);
    if (dims.size() != 2 || dims[0] != rows || dims[1] != cols)
      fail(file.path(), ": dataset ", name, " has the wrong shape for the model's (", rows, ", ", cols, ")");
    const auto data = file.read_all<T>(name);
    auto h = Kokkos::create_mirror_view(p.value);
    for (size_t i = 0; i < rows; ++i)
      for (size_t j = 0; j < cols; ++j) h(i, j) = data[i * cols + j];
    Kokkos::deep_copy(p.value, h);
  }
}

}  // namespace

template <class T>
void save_model(io::H5File& file, const std::string& group, Layer<T>& model) {
  file.create_group(group);
  file.set_attr(group, "kind", model.kind());
  file.set_attr(group, "hyper_parameters", model.hyper_parameters());
  file.set_attr(group, "scalar", std::string(scalar_name<T>()));
  const auto params = model.parameters();
  const auto bufs = model.buffers();
  file.set_attr(group, "n_parameters", static_cast<int64_t>(params.size()));
  file.set_attr(group, "n_buffers", static_cast<int64_t>(bufs.size()));
  write_list(file, group + "/parameters", params);
  write_list(file, group + "/buffers", bufs);
}

template <class T>
void load_model(const io::H5File& file, const std::string& group, Layer<T>& model) {
  if (!file.exists(group)) fail(file.path(), ": no model group ", group);
  const std::string kind = file.attr_string(group, "kind");
  if (kind != model.kind()) fail(file.path(), ": ", group, " holds a '", kind, "' model, expected '", model.kind(), "'");
  const auto hp = file.attr_doubles(group, "hyper_parameters");
  if (hp != model.hyper_parameters())
    fail(file.path(), ": ", group, " hyper_parameters differ from the model being loaded (different architecture)");
  const auto params = model.parameters();
  const auto bufs = model.buffers();
  if (file.attr_int(group, "n_parameters") != static_cast<int64_t>(params.size()) ||
      file.attr_int(group, "n_buffers") != static_cast<int64_t>(bufs.size()))
    fail(file.path(), ": ", group, " has ", file.attr_int(group, "n_parameters"), " parameters / ",
         file.attr_int(group, "n_buffers"), " buffers, the model ", params.size(), " / ", bufs.size());
  read_list(file, group + "/parameters", params);
  read_list(file, group + "/buffers", bufs);
}

template <class T>
void save_model_file(const std::string& path, MPI_Comm comm, Layer<T>& model) {
  auto file = io::H5File::create(path, comm);
  save_model(file, "/model", model);
  file.commit();
}

template <class T>
void load_model_file(const std::string& path, MPI_Comm comm, Layer<T>& model) {
  const auto file = io::H5File::open_read(path, comm);
  load_model(file, "/model", model);
}

template void save_model<double>(io::H5File&, const std::string&, Layer<double>&);
template void save_model<float>(io::H5File&, const std::string&, Layer<float>&);
template void load_model<double>(const io::H5File&, const std::string&, Layer<double>&);
template void load_model<float>(const io::H5File&, const std::string&, Layer<float>&);
template void save_model_file<double>(const std::string&, MPI_Comm, Layer<double>&);
template void save_model_file<float>(const std::string&, MPI_Comm, Layer<float>&);
template void load_model_file<double>(const std::string&, MPI_Comm, Layer<double>&);
template void load_model_file<float>(const std::string&, MPI_Comm, Layer<float>&);

}  // namespace macrodyn::nn
