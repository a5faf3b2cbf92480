#include "io/h5file.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <exception>

#include "core/error.hpp"

namespace macrodyn::io {

template <> hid_t h5_type<double>() { return H5T_NATIVE_DOUBLE; }
template <> hid_t h5_type<float>() { return H5T_NATIVE_FLOAT; }
template <> hid_t h5_type<int32_t>() { return H5T_NATIVE_INT32; }
template <> hid_t h5_type<int64_t>() { return H5T_NATIVE_INT64; }
template <> hid_t h5_type<uint8_t>() { return H5T_NATIVE_UINT8; }
template <> hid_t h5_type<uint32_t>() { return H5T_NATIVE_UINT32; }
template <> hid_t h5_type<uint64_t>() { return H5T_NATIVE_UINT64; }

hsize_t element_count(const Dims& dims) {
  hsize_t n = 1;
  for (hsize_t d : dims) n *= d;
  return n;
}

namespace {

// RAII for HDF5 identifiers.
struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  Handle(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
  ~Handle() {
    if (id >= 0) close(id);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id; }
};

hid_t file_access_plist(MPI_Comm comm) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  return fapl;
}

hid_t space_for(const Dims& dims) {
  if (dims.empty()) return H5Screate(H5S_SCALAR);
  return H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
}

void silence_hdf5_errors() {
  static bool done = false;
  if (!done) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    done = true;
  }
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Selects the hyperslab (offset, local) of `file_space`; returns a matching memory space.
hid_t select_slab(hid_t file_space, const Dims& offset, const Dims& local) {
  if (local.empty()) return H5Screate(H5S_SCALAR);
  if (element_count(local) == 0) {
    H5Sselect_none(file_space);
    hid_t mem = H5Scopy(file_space);
    H5Sselect_none(mem);
    return mem;
  }
  H5Sselect_hyperslab(file_space, H5S_SELECT_SET, offset.data(), nullptr, local.data(), nullptr);
  return space_for(local);
}

}  // namespace

H5File::H5File(std::string path, std::string open_path, hid_t id, MPI_Comm comm, bool writable)
    : path_(std::move(path)), open_path_(std::move(open_path)), id_(id), comm_(comm), writable_(writable) {}

H5File::H5File(H5File&& other) noexcept
    : path_(std::move(other.path_)),
      open_path_(std::move(other.open_path_)),
      id_(other.id_),
      comm_(other.comm_),
      writable_(other.writable_),
      committed_(other.committed_) {
  other.id_ = -1;
}

H5File H5File::create(const std::string& path, MPI_Comm comm) {
  silence_hdf5_errors();
  std::string tmp = path + ".tmp";
  Handle fapl(file_access_plist(comm), H5Pclose);
  hid_t id = H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (id < 0) fail(path, ": cannot create HDF5 file (is the directory there and writable?)");
  return H5File(path, tmp, id, comm, true);
}

H5File H5File::open_read(const std::string& path, MPI_Comm comm) {
  silence_hdf5_errors();
  if (!file_exists(path)) fail(path, ": no such file");
  Handle fapl(file_access_plist(comm), H5Pclose);
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
  if (id < 0) fail(path, ": not a readable HDF5 file (truncated or corrupt?)");
  return H5File(path, path, id, comm, false);
}

void H5File::close_and_discard() noexcept {
  if (id_ < 0) return;
  if (std::uncaught_exceptions() == 0) {
    H5Fclose(id_);  // collective; skipped while unwinding, when other ranks may not be here
    MPI_Barrier(comm_);
  }
  id_ = -1;
  if (writable_) std::remove(open_path_.c_str());
}

H5File::~H5File() {
  if (id_ < 0) return;
  if (writable_ && !committed_) {
    close_and_discard();
  } else {
    H5Fclose(id_);
  }
}

void H5File::commit() {
  if (!writable_) fail(path_, ": commit() on a file opened for reading");
  if (id_ < 0) fail(path_, ": commit() on a closed file");
  herr_t status = H5Fclose(id_);
  id_ = -1;
  MPI_Barrier(comm_);
  int ok = status >= 0 ? 1 : 0;
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  if (rank == 0 && ok) ok = std::rename(open_path_.c_str(), path_.c_str()) == 0 ? 1 : 0;
  MPI_Bcast(&ok, 1, MPI_INT, 0, comm_);
  committed_ = true;
  if (!ok) {
    if (rank == 0) std::remove(open_path_.c_str());
    fail(path_, ": could not finish the file (close or rename failed)");
  }
}

void H5File::fail_here(const std::string& what) const { fail(path_, ": ", what); }

hid_t H5File::open_object(const std::string& object) const {
  hid_t obj = H5Oopen(id_, object.c_str(), H5P_DEFAULT);
  if (obj < 0) fail_here(cat("no group or dataset '", object, "'"));
  return obj;
}

hid_t H5File::open_dataset(const std::string& name) const {
  hid_t dset = (H5Lexists(id_, name.c_str(), H5P_DEFAULT) > 0) ? H5Dopen2(id_, name.c_str(), H5P_DEFAULT) : -1;
  if (dset < 0) fail_here(cat("missing dataset '", name, "'"));
  return dset;
}

bool H5File::exists(const std::string& name) const {
  if (name == "/") return true;
  // Check each path component (H5Lexists fails on a missing intermediate group).
  std::string prefix;
  size_t pos = 0;
  while (pos != std::string::npos) {
    size_t next = name.find('/', pos + 1);
    prefix = name.substr(0, next);
    if (!prefix.empty() && prefix != "/" && H5Lexists(id_, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    pos = next;
  }
  return true;
}

Dims H5File::dims(const std::string& name) const {
  Handle dset(open_dataset(name), H5Dclose);
  Handle space(H5Dget_space(dset), H5Sclose);
  int rank = H5Sget_simple_extent_ndims(space);
  Dims d(rank);
  H5Sget_simple_extent_dims(space, d.data(), nullptr);
  return d;
}

void H5File::create_group(const std::string& name) {
  if (exists(name)) return;
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl, 1);
  Handle g(H5Gcreate2(id_, name.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (g.id < 0) fail_here(cat("cannot create group '", name, "'"));
}

void H5File::write_raw(const std::string& name, hid_t type, const Dims& global, const Dims& offset,
                       const Dims& local, const void* data, const WriteOptions& options) {
  if (offset.size() != global.size() || local.size() != global.size())
    fail_here(cat("dataset '", name, "': offset/local ranks do not match the global rank ", global.size()));
  for (size_t d = 0; d < global.size(); ++d)
    if (offset[d] + local[d] > global[d]) fail_here(cat("dataset '", name, "': hyperslab exceeds dimension ", d));
  Handle file_space(space_for(global), H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (!options.chunk.empty()) {
    if (options.chunk.size() != global.size()) fail_here(cat("dataset '", name, "': chunk rank mismatch"));
    H5Pset_chunk(dcpl, static_cast<int>(options.chunk.size()), options.chunk.data());
    if (options.deflate > 0) H5Pset_deflate(dcpl, static_cast<unsigned>(options.deflate));
  } else if (options.deflate > 0) {
    fail_here(cat("dataset '", name, "': compression needs a chunk shape"));
  }
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl, 1);
  Handle dset(H5Dcreate2(id_, name.c_str(), type, file_space, lcpl, dcpl, H5P_DEFAULT), H5Dclose);
  if (dset.id < 0) fail_here(cat("cannot create dataset '", name, "' (does it exist already?)"));
  Handle mem_space(select_slab(file_space, offset, local), H5Sclose);
  Handle dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  if (H5Dwrite(dset, type, mem_space, file_space, dxpl, data) < 0) fail_here(cat("writing dataset '", name, "' failed"));
}

void H5File::read_raw(const std::string& name, hid_t type, const Dims& offset, const Dims& local, void* data) const {
  Handle dset(open_dataset(name), H5Dclose);
  // Element type: numbers only, and never floating-point data into integers (HDF5 would truncate).
  Handle file_type(H5Dget_type(dset), H5Tclose);
  const H5T_class_t stored = H5Tget_class(file_type), wanted = H5Tget_class(type);
  if (stored != H5T_INTEGER && stored != H5T_FLOAT)
    fail_here(cat("dataset '", name, "' does not hold numbers (HDF5 type class ", static_cast<int>(stored), ")"));
  if (stored == H5T_FLOAT && wanted == H5T_INTEGER)
    fail_here(cat("dataset '", name, "' holds floating-point numbers where integers are expected"));
  Handle file_space(H5Dget_space(dset), H5Sclose);
  int rank = H5Sget_simple_extent_ndims(file_space);
  if (static_cast<size_t>(rank) != local.size() || offset.size() != local.size())
    fail_here(cat("dataset '", name, "' has rank ", rank, ", asked for rank ", local.size()));
  Dims global(rank);
  H5Sget_simple_extent_dims(file_space, global.data(), nullptr);
  for (int d = 0; d < rank; ++d)
    if (offset[d] + local[d] > global[d]) fail_here(cat("dataset '", name, "': read beyond dimension ", d));
  Handle mem_space(select_slab(file_space, offset, local), H5Sclose);
  Handle dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  if (H5Dread(dset, type, mem_space, file_space, dxpl, data) < 0)
    fail_here(cat("reading dataset '", name, "' failed (truncated file?)"));
}

template <class T>
void H5File::write(const std::string& name, const Dims& global, const Dims& offset, const Dims& local, const T* data,
                   const WriteOptions& options) {
  write_raw(name, h5_type<T>(), global, offset, local, data, options);
}

template <class T>
void H5File::write_replicated(const std::string& name, const Dims& dims, const T* data, const WriteOptions& options) {
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  Dims zero(dims.size(), 0);
  Dims local = rank == 0 ? dims : Dims(dims.size(), 0);
  if (dims.empty()) local = dims;  // scalar: every rank writes the same value
  write_raw(name, h5_type<T>(), dims, zero, local, data, options);
}

template <class T>
void H5File::read(const std::string& name, const Dims& offset, const Dims& local, T* data) const {
  read_raw(name, h5_type<T>(), offset, local, data);
}

template <class T>
std::vector<T> H5File::read_all(const std::string& name) const {
  Dims d = dims(name);
  std::vector<T> out(element_count(d));
  read_raw(name, h5_type<T>(), Dims(d.size(), 0), d, out.data());
  return out;
}

template <class T>
void H5File::create_series(const std::string& name, const Dims& frame_dims, const Dims& chunk_frame_dims,
                           hsize_t time_chunk) {
  Dims initial{0}, max{H5S_UNLIMITED}, chunk{std::max<hsize_t>(1, time_chunk)};
  for (size_t d = 0; d < frame_dims.size(); ++d) {
    initial.push_back(frame_dims[d]);
    max.push_back(frame_dims[d]);
    chunk.push_back(chunk_frame_dims.empty() ? frame_dims[d] : chunk_frame_dims[d]);
  }
  Handle space(H5Screate_simple(static_cast<int>(initial.size()), initial.data(), max.data()), H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl, 1);
  Handle dset(H5Dcreate2(id_, name.c_str(), h5_type<T>(), space, lcpl, dcpl, H5P_DEFAULT), H5Dclose);
  if (dset.id < 0) fail_here(cat("cannot create time series '", name, "'"));
}

template <class T>
void H5File::append_frames(const std::string& name, const Dims& offset, const Dims& local, hsize_t frames,
                           const T* data) {
  if (frames == 0) return;
  Handle dset(open_dataset(name), H5Dclose);
  Dims size = dims(name);
  if (local.size() + 1 != size.size()) fail_here(cat("time series '", name, "': frame rank mismatch"));
  Dims grown = size;
  grown[0] += frames;
  if (H5Dset_extent(dset, grown.data()) < 0) fail_here(cat("cannot extend time series '", name, "'"));
  Handle file_space(H5Dget_space(dset), H5Sclose);
  Dims off{size[0]}, cnt{frames};
  off.insert(off.end(), offset.begin(), offset.end());
  cnt.insert(cnt.end(), local.begin(), local.end());
  if (element_count(local) == 0) cnt[0] = 0;
  Handle mem_space(select_slab(file_space, off, cnt), H5Sclose);
  Handle dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  if (H5Dwrite(dset, h5_type<T>(), mem_space, file_space, dxpl, data) < 0)
    fail_here(cat("appending to time series '", name, "' failed"));
}

#define MACRODYN_H5_INSTANTIATE(T)                                                                          \
  template void H5File::write<T>(const std::string&, const Dims&, const Dims&, const Dims&, const T*,        \
                                 const WriteOptions&);                                                      \
  template void H5File::write_replicated<T>(const std::string&, const Dims&, const T*, const WriteOptions&); \
  template void H5File::read<T>(const std::string&, const Dims&, const Dims&, T*) const;                    \
  template std::vector<T> H5File::read_all<T>(const std::string&) const;                                    \
  template void H5File::create_series<T>(const std::string&, const Dims&, const Dims&, hsize_t);            \
  template void H5File::append_frames<T>(const std::string&, const Dims&, const Dims&, hsize_t, const T*);
MACRODYN_H5_INSTANTIATE(double)
MACRODYN_H5_INSTANTIATE(float)
MACRODYN_H5_INSTANTIATE(int32_t)
MACRODYN_H5_INSTANTIATE(int64_t)
MACRODYN_H5_INSTANTIATE(uint8_t)
MACRODYN_H5_INSTANTIATE(uint32_t)
MACRODYN_H5_INSTANTIATE(uint64_t)
#undef MACRODYN_H5_INSTANTIATE

// ---- attributes ------------------------------------------------------------------------------

void H5File::write_attr_raw(const std::string& object, const std::string& name, hid_t type, hid_t space,
                            const void* data) {
  if (!exists(object)) create_group(object);
  Handle obj(open_object(object), H5Oclose);
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (attr.id < 0 || H5Awrite(attr, type, data) < 0)
    fail_here(cat("cannot write attribute '", name, "' on '", object, "'"));
}

void H5File::set_attr(const std::string& object, const std::string& name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type, value.empty() ? 1 : value.size());
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  std::string padded = value.empty() ? std::string(1, '\0') : value;
  write_attr_raw(object, name, type, space, padded.data());
}

void H5File::set_attr(const std::string& object, const std::string& name, double value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  write_attr_raw(object, name, H5T_NATIVE_DOUBLE, space, &value);
}

void H5File::set_attr(const std::string& object, const std::string& name, int64_t value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  write_attr_raw(object, name, H5T_NATIVE_INT64, space, &value);
}

void H5File::set_attr(const std::string& object, const std::string& name, const std::vector<double>& value) {
  Handle space(space_for({value.size()}), H5Sclose);
  write_attr_raw(object, name, H5T_NATIVE_DOUBLE, space, value.data());
}

bool H5File::has_attr(const std::string& object, const std::string& name) const {
  if (!exists(object)) return false;
  Handle obj(open_object(object), H5Oclose);
  return H5Aexists(obj, name.c_str()) > 0;
}

void H5File::read_attr_raw(const std::string& object, const std::string& name, hid_t mem_type, void* data) const {
  Handle obj(open_object(object), H5Oclose);
  if (H5Aexists(obj, name.c_str()) <= 0) fail_here(cat("missing attribute '", name, "' on '", object, "'"));
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (H5Aread(attr, mem_type, data) < 0) fail_here(cat("cannot read attribute '", name, "' on '", object, "'"));
}

std::string H5File::attr_string(const std::string& object, const std::string& name) const {
  Handle obj(open_object(object), H5Oclose);
  if (H5Aexists(obj, name.c_str()) <= 0) fail_here(cat("missing attribute '", name, "' on '", object, "'"));
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attr), H5Tclose);
  if (H5Tget_class(type) != H5T_STRING) fail_here(cat("attribute '", name, "' on '", object, "' is not a string"));
  if (H5Tis_variable_str(type) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem, H5T_VARIABLE);
    char* text = nullptr;
    if (H5Aread(attr, mem, &text) < 0) fail_here(cat("cannot read attribute '", name, "'"));
    std::string out = text ? text : "";
    H5free_memory(text);
    return out;
  }
  size_t size = H5Tget_size(type);
  std::string out(size, '\0');
  if (H5Aread(attr, type, out.data()) < 0) fail_here(cat("cannot read attribute '", name, "'"));
  out.resize(out.find('\0') == std::string::npos ? size : out.find('\0'));
  return out;
}

double H5File::attr_double(const std::string& object, const std::string& name) const {
  double v = 0;
  read_attr_raw(object, name, H5T_NATIVE_DOUBLE, &v);
  return v;
}

int64_t H5File::attr_int(const std::string& object, const std::string& name) const {
  int64_t v = 0;
  read_attr_raw(object, name, H5T_NATIVE_INT64, &v);
  return v;
}

std::vector<double> H5File::attr_doubles(const std::string& object, const std::string& name) const {
  Handle obj(open_object(object), H5Oclose);
  if (H5Aexists(obj, name.c_str()) <= 0) fail_here(cat("missing attribute '", name, "' on '", object, "'"));
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle space(H5Aget_space(attr), H5Sclose);
  std::vector<double> out(static_cast<size_t>(H5Sget_simple_extent_npoints(space)));
  if (H5Aread(attr, H5T_NATIVE_DOUBLE, out.data()) < 0) fail_here(cat("cannot read attribute '", name, "'"));
  return out;
}

}  // namespace macrodyn::io
