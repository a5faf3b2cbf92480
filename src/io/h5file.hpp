#pragma once
// Parallel HDF5 file (MPI-IO driver, collective I/O) for distributed N-d arrays.
//
// Writing is atomic: H5File::create("out.h5", comm) writes "out.h5.tmp"; commit() closes it and
// renames it to "out.h5". A file that is never committed (error, interrupted run) is removed, so
// nothing incomplete ever sits under the final name.
//
// Every dataset call is collective over the file's communicator. A distributed array has global
// dims; each rank passes its hyperslab (offset, local dims; local dims may be zero) in row-major order.
// Errors name the file and the dataset.
#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace macrodyn::io {

using Dims = std::vector<hsize_t>;

struct WriteOptions {
  Dims chunk;           // empty: contiguous layout
  int deflate = 0;      // 0: no compression; 1-9: gzip level (requires chunk)
};

template <class T>
hid_t h5_type();  // H5T_NATIVE_* for double, float, int32_t, int64_t, uint8_t, uint32_t, uint64_t

class H5File {
 public:
  static H5File create(const std::string& path, MPI_Comm comm);
  static H5File open_read(const std::string& path, MPI_Comm comm);
  H5File(H5File&& other) noexcept;
  H5File& operator=(H5File&&) = delete;
  H5File(const H5File&) = delete;
  ~H5File();

  // Collective: closes, and renames the temporary file to its final name.
  void commit();
  const std::string& path() const { return path_; }
  MPI_Comm comm() const { return comm_; }

  // ---- datasets ----
  template <class T>
  void write(const std::string& name, const Dims& global, const Dims& offset, const Dims& local, const T* data,
             const WriteOptions& options = {});
  // The same data on every rank (rank 0 writes it).
  template <class T>
  void write_replicated(const std::string& name, const Dims& dims, const T* data, const WriteOptions& options = {});
  template <class T>
  void read(const std::string& name, const Dims& offset, const Dims& local, T* data) const;
  // Every rank reads the whole dataset.
  template <class T>
  std::vector<T> read_all(const std::string& name) const;

  bool exists(const std::string& name) const;  // dataset or group, any depth
  Dims dims(const std::string& name) const;
  void create_group(const std::string& name);

  // Extendable 1-D-in-time datasets (shape (unlimited, rest...)) for time series written as they come.
  // Chunks hold time_chunk frames of chunk_frame_dims (default: one whole frame).
  template <class T>
  void create_series(const std::string& name, const Dims& frame_dims, const Dims& chunk_frame_dims = {},
                     hsize_t time_chunk = 1);
  // Appends `frames` frames at once (collective; every rank passes the same count and its hyperslab
  // `local` at `offset` of each frame, frame after frame in `data`): one extent change and one
  // collective write for the block, which is what makes frequent small frames cheap on many ranks.
  template <class T>
  void append_frames(const std::string& name, const Dims& offset, const Dims& local, hsize_t frames, const T* data);
  template <class T>
  void append_frame(const std::string& name, const Dims& offset, const Dims& local, const T* data) {
    append_frames(name, offset, local, 1, data);
  }

  // ---- attributes (on a group or dataset; "/" is the root) ----
  void set_attr(const std::string& object, const std::string& name, const std::string& value);
  void set_attr(const std::string& object, const std::string& name, double value);
  void set_attr(const std::string& object, const std::string& name, int64_t value);
  void set_attr(const std::string& object, const std::string& name, const std::vector<double>& value);
  std::string attr_string(const std::string& object, const std::string& name) const;
  double attr_double(const std::string& object, const std::string& name) const;
  int64_t attr_int(const std::string& object, const std::string& name) const;
  std::vector<double> attr_doubles(const std::string& object, const std::string& name) const;
  bool has_attr(const std::string& object, const std::string& name) const;

 private:
  H5File(std::string path, std::string open_path, hid_t id, MPI_Comm comm, bool writable);
  void close_and_discard() noexcept;
  hid_t open_object(const std::string& object) const;
  hid_t open_dataset(const std::string& name) const;
  void write_attr_raw(const std::string& object, const std::string& name, hid_t type, hid_t space, const void* data);
  void read_attr_raw(const std::string& object, const std::string& name, hid_t mem_type, void* data) const;
  [[noreturn]] void fail_here(const std::string& what) const;
  void write_raw(const std::string& name, hid_t type, const Dims& global, const Dims& offset, const Dims& local,
                 const void* data, const WriteOptions& options);
  void read_raw(const std::string& name, hid_t type, const Dims& offset, const Dims& local, void* data) const;

  std::string path_;       // final name
  std::string open_path_;  // name on disk while open (path_ + ".tmp" when writing)
  hid_t id_ = -1;
  MPI_Comm comm_ = MPI_COMM_NULL;
  bool writable_ = false;
  bool committed_ = false;
};

// Number of elements of a hyperslab.
hsize_t element_count(const Dims& dims);

}  // namespace macrodyn::io
