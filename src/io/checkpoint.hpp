#pragma once
// Checkpoints: named distributed arrays, scalars and counters (RNG step, time step, epoch) in one
// HDF5 file, written atomically (the previous checkpoint stays valid until the new one is complete).
//
// Layout: /checkpoint (attrs kind, format_version)
//           arrays/<name>    distributed or replicated N-d arrays
//           scalars/<name>   double
//           counters/<name>  uint64
#include <cstdint>
#include <string>

#include "io/h5file.hpp"

namespace macrodyn::io {

// The ranks of a communicator without its process topology (a plain split when it has one; the
// communicator itself otherwise). Checkpoints are written through it: Open MPI 4.1's OMPIO was seen
// to corrupt collective HDF5 writes on Cartesian communicators (the first row of some ranks'
// hyperslabs lost), and a simulator's decomposition communicator is Cartesian.
class PlainComm {
 public:
  explicit PlainComm(MPI_Comm comm);
  ~PlainComm();
  PlainComm(const PlainComm&) = delete;
  PlainComm& operator=(const PlainComm&) = delete;
  MPI_Comm get() const { return comm_; }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  bool owned_ = false;
};

// Whether a checkpoint file exists, as rank 0 of comm sees it: the same answer on every rank
// (collective), so that every rank takes the same resume-or-start branch.
bool checkpoint_exists(const std::string& path, MPI_Comm comm);

class CheckpointWriter {
 public:
  // `kind` names what is checkpointed ("allen_cahn", "lj", "trainer"); restore checks it.
  CheckpointWriter(const std::string& path, MPI_Comm comm, const std::string& kind);
  template <class T>
  void array(const std::string& name, const Dims& global, const Dims& offset, const Dims& local, const T* data) {
    file_.write("/checkpoint/arrays/" + name, global, offset, local, data);
  }
  template <class T>
  void replicated_array(const std::string& name, const Dims& dims, const T* data) {
    file_.write_replicated("/checkpoint/arrays/" + name, dims, data);
  }
  void scalar(const std::string& name, double value);
  void counter(const std::string& name, uint64_t value);
  void text(const std::string& name, const std::string& value);
  void commit() { file_.commit(); }

 private:
  PlainComm comm_;
  H5File file_;
};

class CheckpointReader {
 public:
  CheckpointReader(const std::string& path, MPI_Comm comm, const std::string& expected_kind);
  template <class T>
  void array(const std::string& name, const Dims& offset, const Dims& local, T* data) const {
    file_.read("/checkpoint/arrays/" + name, offset, local, data);
  }
  template <class T>
  std::vector<T> replicated_array(const std::string& name) const {
    return file_.read_all<T>("/checkpoint/arrays/" + name);
  }
  Dims array_dims(const std::string& name) const { return file_.dims("/checkpoint/arrays/" + name); }
  double scalar(const std::string& name) const;
  uint64_t counter(const std::string& name) const;
  std::string text(const std::string& name) const;

 private:
  PlainComm comm_;
  H5File file_;
};

}  // namespace macrodyn::io
