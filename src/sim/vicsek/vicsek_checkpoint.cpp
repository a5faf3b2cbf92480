#include "sim/vicsek/vicsek_checkpoint.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/runtime.hpp"
#include "decomp/particle_id_blocks.hpp"
#include "io/checkpoint.hpp"

namespace macrodyn::vicsek {

namespace {
constexpr const char* kKind = "vicsek_simulate";
}

void save_sweep_checkpoint(const std::string& path, MPI_Comm comm, const VicsekModel& model, const SweepCheckpoint& c) {
  const long N = model.n_particles();
  std::vector<int64_t> ids;
  std::vector<double> state;
  model.owned_state(ids, state);
  const std::vector<double> block = to_id_blocks(comm, N, ids, state, VicsekModel::kStateWidth);
  auto [first, last] = particle_id_block(N, comm_rank(comm), comm_size(comm));
  io::CheckpointWriter w(path, comm, kKind);
  constexpr hsize_t width = VicsekModel::kStateWidth;
  w.array<double>("particles", {static_cast<hsize_t>(N), width}, {static_cast<hsize_t>(first), 0},
                  {static_cast<hsize_t>(last - first), width}, block.data());
  w.replicated_array<double>("phi", {c.phi.size()}, c.phi.data());
  w.replicated_array<double>("phi_mean", {c.phi_mean.size()}, c.phi_mean.data());
  w.replicated_array<double>("phi_std", {c.phi_std.size()}, c.phi_std.data());
  w.counter("run", static_cast<uint64_t>(c.run));
  w.counter("step", static_cast<uint64_t>(c.step));
  w.counter("n_particles", static_cast<uint64_t>(N));
  w.text("fingerprint", c.fingerprint);
  w.commit();
}

SweepCheckpoint load_sweep_checkpoint(const std::string& path, MPI_Comm comm, size_t summary_size) {
  io::CheckpointReader r(path, comm, kKind);
  SweepCheckpoint c;
  c.fingerprint = r.text("fingerprint");
  const uint64_t N = r.counter("n_particles");
  if (N < 1 || N >= (uint64_t(1) << 53)) fail(path, ": n_particles = ", N, " is not a particle count");
  const long n_particles = static_cast<long>(N);
  c.n_particles = n_particles;
  c.run = static_cast<long>(r.counter("run"));
  const uint64_t step = r.counter("step");
  if (c.run < 0 || static_cast<size_t>(c.run) >= summary_size || step > (uint64_t(1) << 40))
    fail(path, ": checkpoint position (run ", c.run, ", step ", step, ") lies outside this sweep");
  c.step = static_cast<long>(step);
  if (r.array_dims("phi") != io::Dims{step + 1}) fail(path, ": phi must hold step + 1 = ", step + 1, " values");
  for (const char* s : {"phi_mean", "phi_std"})
    if (r.array_dims(s) != io::Dims{summary_size}) fail(path, ": ", s, " must hold ", summary_size, " values");
  constexpr hsize_t width = VicsekModel::kStateWidth;
  if (r.array_dims("particles") != io::Dims{N, width})
    fail(path, ": particles must be n_particles x ", width, " = ", N, " x ", width, " (x, y, u_x, u_y)");
  c.phi = r.replicated_array<double>("phi");
  c.phi_mean = r.replicated_array<double>("phi_mean");
  c.phi_std = r.replicated_array<double>("phi_std");
  auto [first, last] = particle_id_block(n_particles, comm_rank(comm), comm_size(comm));
  c.state.resize(width * static_cast<size_t>(last - first));
  r.array<double>("particles", {static_cast<hsize_t>(first), 0}, {static_cast<hsize_t>(last - first), width},
                  c.state.data());
  int bad = 0;
  for (double v : c.state) bad += std::isfinite(v) ? 0 : 1;
  MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_SUM, comm);
  if (bad > 0) fail(path, ": particles hold ", bad, " non-finite values");
  for (int64_t i = first; i < last; ++i) c.ids.push_back(i);
  return c;
}

}  // namespace macrodyn::vicsek
