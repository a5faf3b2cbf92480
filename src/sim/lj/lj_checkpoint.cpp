#include "sim/lj/lj_checkpoint.hpp"

#include <cmath>

#include "core/error.hpp"
#include "decomp/particle_id_blocks.hpp"
#include "io/checkpoint.hpp"

namespace macrodyn::lj {

namespace {
const char* kArrays[5] = {"x", "v", "image", "x0", "xb"};
constexpr int64_t kMaxAtoms = int64_t(1) << 53;  // ids travel as doubles
}  // namespace

void save_checkpoint(const std::string& path, MPI_Comm comm, const LjSystem& sys, const RunPosition& run) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const HostAtoms a = sys.owned_atoms();
  const int64_t N = sys.n_atoms();
  auto [first, last] = particle_id_block(N, rank, size);
  io::CheckpointWriter w(path, comm, "lj");
  const std::vector<double>* cols[5] = {&a.x, &a.v, &a.image, &a.x0, &a.xb};
  for (int q = 0; q < 5; ++q) {
    const std::vector<double> block = to_id_blocks(comm, N, a.id, *cols[q], 3);
    w.array<double>(kArrays[q], {static_cast<hsize_t>(N), 3}, {static_cast<hsize_t>(first), 0},
                    {static_cast<hsize_t>(last - first), 3}, block.data());
  }
  w.replicated_array<double>("box", {3}, sys.box().data());
  w.counter("step", static_cast<uint64_t>(sys.step_count()));
  w.counter("n_atoms", static_cast<uint64_t>(N));
  w.counter("trajectory", static_cast<uint64_t>(run.trajectory));
  w.counter("frames", static_cast<uint64_t>(run.frames));
  w.scalar("dt", sys.params().dt);
  w.scalar("rc", sys.params().rc);
  w.scalar("skin", sys.params().skin);
  w.text("fingerprint", run.fingerprint);
  w.commit();
}

CheckpointState load_checkpoint(const std::string& path, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  io::CheckpointReader r(path, comm, "lj");
  CheckpointState s;
  const uint64_t n_atoms = r.counter("n_atoms");
  if (n_atoms < 1 || n_atoms >= static_cast<uint64_t>(kMaxAtoms))
    fail(path, ": n_atoms = ", n_atoms, " is not an atom count (1 .. 2^53)");
  s.n_atoms = static_cast<int64_t>(n_atoms);
  const uint64_t step = r.counter("step");
  if (step > static_cast<uint64_t>(1) << 62) fail(path, ": step = ", step, " is not a step count");
  s.step = static_cast<long>(step);
  s.params.dt = r.scalar("dt");
  s.params.rc = r.scalar("rc");
  s.params.skin = r.scalar("skin");
  if (!(s.params.dt > 0) || !(s.params.rc > 0) || !(s.params.skin >= 0))
    fail(path, ": dt, rc, skin = ", s.params.dt, ", ", s.params.rc, ", ", s.params.skin,
         " are not valid LJ parameters");
  if (r.array_dims("box") != io::Dims{3}) fail(path, ": box must hold 3 edges");
  const std::vector<double> box = r.replicated_array<double>("box");
  for (int d = 0; d < 3; ++d) {
    if (!(box[d] > 0) || !std::isfinite(box[d])) fail(path, ": box edge ", d, " = ", box[d], " is not positive");
    s.box[d] = box[d];
  }
  s.run.trajectory = static_cast<long>(r.counter("trajectory"));
  s.run.frames = static_cast<long>(r.counter("frames"));
  s.run.fingerprint = r.text("fingerprint");
  auto [first, last] = particle_id_block(s.n_atoms, rank, size);
  const size_t n = static_cast<size_t>(last - first);
  std::vector<double>* cols[5] = {&s.atoms.x, &s.atoms.v, &s.atoms.image, &s.atoms.x0, &s.atoms.xb};
  for (int q = 0; q < 5; ++q) {
    const io::Dims dims = r.array_dims(kArrays[q]);
    if (dims != io::Dims{static_cast<hsize_t>(n_atoms), 3})
      fail(path, ": array ", kArrays[q], " is not n_atoms x 3 = ", n_atoms, " x 3");
    cols[q]->resize(3 * n);
    r.array<double>(kArrays[q], {static_cast<hsize_t>(first), 0}, {n, 3}, cols[q]->data());
    int bad = 0;
    for (double v : *cols[q]) bad += std::isfinite(v) ? 0 : 1;
    MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_SUM, comm);
    if (bad > 0) fail(path, ": array ", kArrays[q], " holds ", bad, " non-finite values");
  }
  for (int64_t i = first; i < last; ++i) s.atoms.id.push_back(i);
  return s;
}

}  // namespace macrodyn::lj
