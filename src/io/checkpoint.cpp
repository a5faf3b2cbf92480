#include "io/checkpoint.hpp"

#include <sys/stat.h>

#include "core/error.hpp"

namespace macrodyn::io {

namespace {
constexpr int64_t kFormatVersion = 1;
}

bool checkpoint_exists(const std::string& path, MPI_Comm comm) {
  int rank = 0, found = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) {
    struct stat st {};
    found = ::stat(path.c_str(), &st) == 0 ? 1 : 0;
  }
  MPI_Bcast(&found, 1, MPI_INT, 0, comm);
  return found != 0;
}

PlainComm::PlainComm(MPI_Comm comm) : comm_(comm) {
  int topology = MPI_UNDEFINED;
  MPI_Topo_test(comm, &topology);
  if (topology == MPI_UNDEFINED) return;
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_split(comm, 0, rank, &comm_);
  owned_ = true;
}

PlainComm::~PlainComm() {
  if (owned_) MPI_Comm_free(&comm_);
}

CheckpointWriter::CheckpointWriter(const std::string& path, MPI_Comm comm, const std::string& kind)
    : comm_(comm), file_(H5File::create(path, comm_.get())) {
  file_.create_group("/checkpoint");
  file_.set_attr("/checkpoint", "kind", kind);
  file_.set_attr("/checkpoint", "format_version", kFormatVersion);
}

void CheckpointWriter::scalar(const std::string& name, double value) {
  file_.write_replicated("/checkpoint/scalars/" + name, {}, &value);
}

void CheckpointWriter::counter(const std::string& name, uint64_t value) {
  file_.write_replicated("/checkpoint/counters/" + name, {}, &value);
}

void CheckpointWriter::text(const std::string& name, const std::string& value) {
  file_.create_group("/checkpoint/text");
  file_.set_attr("/checkpoint/text", name, value);
}

CheckpointReader::CheckpointReader(const std::string& path, MPI_Comm comm, const std::string& expected_kind)
    : comm_(comm), file_(H5File::open_read(path, comm_.get())) {
  if (!file_.exists("/checkpoint")) fail(path, ": not a macrodyn checkpoint (no /checkpoint group)");
  std::string kind = file_.attr_string("/checkpoint", "kind");
  if (kind != expected_kind) fail(path, ": checkpoint of kind '", kind, "', expected '", expected_kind, "'");
  if (file_.attr_int("/checkpoint", "format_version") != kFormatVersion)
    fail(path, ": unsupported checkpoint format version");
}

double CheckpointReader::scalar(const std::string& name) const {
  double v = 0;
  file_.read("/checkpoint/scalars/" + name, {}, {}, &v);
  return v;
}

uint64_t CheckpointReader::counter(const std::string& name) const {
  uint64_t v = 0;
  file_.read("/checkpoint/counters/" + name, {}, {}, &v);
  return v;
}

std::string CheckpointReader::text(const std::string& name) const { return file_.attr_string("/checkpoint/text", name); }

}  // namespace macrodyn::io
