#include "sim/lj/lj_checkpoint.hpp"

#include "decomp/particle_id_blocks.hpp"
#include "io/checkpoint.hpp"

namespace macrodyn::lj {

namespace {
const char* kArrays[5] = {"x", "v", "image", "x0", "xb"};
}

void save_checkpoint(const std::string& path, const LjSystem& sys) {
  MPI_Comm comm = sys.comm();
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
  w.scalar("dt", sys.params().dt);
  w.scalar("rc", sys.params().rc);
  w.scalar("skin", sys.params().skin);
  w.commit();
}

CheckpointState load_checkpoint(const std::string& path, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  io::CheckpointReader r(path, comm, "lj");
  CheckpointState s;
  s.n_atoms = static_cast<int64_t>(r.counter("n_atoms"));
  s.step = static_cast<long>(r.counter("step"));
  const std::vector<double> box = r.replicated_array<double>("box");
  for (int d = 0; d < 3; ++d) s.box[d] = box.at(d);
  auto [first, last] = particle_id_block(s.n_atoms, rank, size);
  const size_t n = static_cast<size_t>(last - first);
  std::vector<double>* cols[5] = {&s.atoms.x, &s.atoms.v, &s.atoms.image, &s.atoms.x0, &s.atoms.xb};
  for (int q = 0; q < 5; ++q) {
    cols[q]->resize(3 * n);
    r.array<double>(kArrays[q], {static_cast<hsize_t>(first), 0}, {n, 3}, cols[q]->data());
  }
  for (int64_t i = first; i < last; ++i) s.atoms.id.push_back(i);
  return s;
}

}  // namespace macrodyn::lj
