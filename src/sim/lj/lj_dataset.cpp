#include "sim/lj/lj_dataset.hpp"

#include <algorithm>
#include <tuple>
#include <type_traits>
#include <utility>

#include "core/error.hpp"
#include "core/runtime.hpp"
#include "decomp/particle_id_blocks.hpp"
#include "io/provenance.hpp"

namespace macrodyn::lj {

const char* const kObservableNames[kObservables] = {"temperature", "kinetic_energy", "potential_energy", "total_energy",
                                                    "total_energy_shifted", "pressure", "msd"};

namespace {
const char* const kPerAtom[3] = {"position", "velocity", "force"};
std::string per_atom_path(int q) { return std::string("/particles/all/") + kPerAtom[q] + "/value"; }
std::string observable_path(int q) { return std::string("/observables/") + kObservableNames[q] + "/value"; }
std::string shape(const io::Dims& d) {
  std::string s = "(";
  for (size_t k = 0; k < d.size(); ++k) s += (k ? ", " : "") + std::to_string(d[k]);
  return s + ")";
}
}  // namespace

DatasetWriter::DatasetWriter(const std::string& path, const RunContext& ctx, const DatasetLayout& layout,
                             const std::vector<double>& T0)
    : file_(io::H5File::create(path, ctx.comm)), layout_(layout) {
  std::tie(first_, last_) = particle_id_block(layout.n_atoms, comm_rank(ctx.comm), comm_size(ctx.comm));
  root_ = comm_rank(ctx.comm) == 0;
  io::write_provenance(file_, ctx);
  const double edges[3] = {layout.box, layout.box, layout.box};
  file_.write_replicated("/particles/all/box/edges", {3}, edges);
  file_.set_attr("/particles/all/box", "boundary", std::string("periodic"));
  const hsize_t N = static_cast<hsize_t>(layout.n_atoms), m = static_cast<hsize_t>(layout.partial);
  const double frame_bytes = 8.0 * (3.0 * (layout.forces ? 3 : 2) * static_cast<double>(last_ - first_) + 4.0 * m + 16);
  block_frames_ = std::max(1L, std::min(kBlockFrames, static_cast<long>(kBlockBytes / frame_bytes)));
  const hsize_t scalar_chunk = static_cast<hsize_t>(kBlockFrames);  // scalars: one chunk per block, not per frame
  for (int q = 0; q < (layout.forces ? 3 : 2); ++q) file_.create_series<double>(per_atom_path(q), {N, 3});
  for (const char* s : {"step", "trajectory"})
    file_.create_series<int64_t>(std::string("/particles/all/") + s, {}, {}, scalar_chunk);
  file_.create_series<double>("/particles/all/time", {}, {}, scalar_chunk);
  for (int q = 0; q < kObservables; ++q) file_.create_series<double>(observable_path(q), {}, {}, scalar_chunk);
  if (m > 0) {
    file_.create_series<int64_t>("/partial_forces/index", {m});
    file_.create_series<double>("/partial_forces/value", {m, 3});
  }
  file_.write_replicated("/parameters/T0", {static_cast<hsize_t>(T0.size())}, T0.data());
}

void DatasetWriter::append(Frame frame) {
  pending_.push_back(std::move(frame));
  if (static_cast<long>(pending_.size()) >= block_frames_) flush();
}

void DatasetWriter::flush() {
  const hsize_t F = pending_.size();
  if (F == 0) return;
  // Gathers one member of every pending frame into a frame-major block.
  auto block = [&](auto member) {
    using V = std::decay_t<decltype(member(pending_[0]))>;
    std::vector<typename V::value_type> out;
    for (const auto& fr : pending_) {
      const V& v = member(fr);
      out.insert(out.end(), v.begin(), v.end());
    }
    return out;
  };
  auto scalars = [&](auto member) {
    std::vector<std::decay_t<decltype(member(pending_[0]))>> out;
    for (const auto& fr : pending_) out.push_back(member(fr));
    return out;
  };
  const io::Dims off{static_cast<hsize_t>(first_), 0}, loc{static_cast<hsize_t>(last_ - first_), 3};
  file_.append_frames(per_atom_path(0), off, loc, F, block([](const Frame& f) -> const auto& { return f.x; }).data());
  file_.append_frames(per_atom_path(1), off, loc, F, block([](const Frame& f) -> const auto& { return f.v; }).data());
  if (layout_.forces)
    file_.append_frames(per_atom_path(2), off, loc, F, block([](const Frame& f) -> const auto& { return f.f; }).data());
  const io::Dims none{}, one{};
  file_.append_frames("/particles/all/step", none, one, F, scalars([](const Frame& f) { return f.step; }).data());
  file_.append_frames("/particles/all/trajectory", none, one, F,
                      scalars([](const Frame& f) { return f.trajectory; }).data());
  file_.append_frames("/particles/all/time", none, one, F, scalars([](const Frame& f) { return f.time; }).data());
  for (int q = 0; q < kObservables; ++q)
    file_.append_frames(observable_path(q), none, one, F,
                        scalars([q](const Frame& f) { return f.observables[q]; }).data());
  if (layout_.partial > 0) {
    const hsize_t m = root_ ? static_cast<hsize_t>(layout_.partial) : 0;
    file_.append_frames("/partial_forces/index", {0}, {m}, F,
                        block([](const Frame& f) -> const auto& { return f.pf_index; }).data());
    file_.append_frames("/partial_forces/value", {0, 0}, {m, 3}, F,
                        block([](const Frame& f) -> const auto& { return f.pf_value; }).data());
  }
  written_ += static_cast<long>(F);
  pending_.clear();
}

void DatasetWriter::copy_from(const std::string& old_path, long frames) {
  auto old = io::H5File::open_read(old_path, file_.comm());
  const hsize_t N = static_cast<hsize_t>(layout_.n_atoms), m = static_cast<hsize_t>(layout_.partial);
  const hsize_t F = static_cast<hsize_t>(frames);
  auto expect = [&](const std::string& name, const io::Dims& dims) {
    if (!old.exists(name))
      fail(old_path, ": the interrupted run's dataset has no ", name, " (not this deck's output?)");
    const io::Dims d = old.dims(name);
    bool ok = d.size() == dims.size() + 1 && d[0] >= F;
    for (size_t k = 0; ok && k < dims.size(); ++k) ok = d[k + 1] == dims[k];
    if (!ok)
      fail(old_path, ": ", name, " has shape ", shape(d), ", expected at least ", F, " frames of ",
           shape(dims), " (the checkpoint does not belong to this dataset)");
  };
  for (int q = 0; q < (layout_.forces ? 3 : 2); ++q) expect(per_atom_path(q), {N, 3});
  for (const char* s : {"step", "trajectory", "time"}) expect(std::string("/particles/all/") + s, {});
  for (int q = 0; q < kObservables; ++q) expect(observable_path(q), {});
  if (m > 0) {
    expect("/partial_forces/index", {m});
    expect("/partial_forces/value", {m, 3});
  }
  Frame fr;
  const size_t n = static_cast<size_t>(last_ - first_);
  fr.x.resize(3 * n), fr.v.resize(3 * n), fr.f.resize(layout_.forces ? 3 * n : 0);
  fr.pf_index.resize(m), fr.pf_value.resize(3 * m);
  for (hsize_t k = 0; k < F; ++k) {
    const io::Dims off{k, static_cast<hsize_t>(first_), 0}, loc{1, n, 3};
    old.read(per_atom_path(0), off, loc, fr.x.data());
    old.read(per_atom_path(1), off, loc, fr.v.data());
    if (layout_.forces) old.read(per_atom_path(2), off, loc, fr.f.data());
    old.read("/particles/all/step", {k}, {1}, &fr.step);
    old.read("/particles/all/trajectory", {k}, {1}, &fr.trajectory);
    old.read("/particles/all/time", {k}, {1}, &fr.time);
    for (int q = 0; q < kObservables; ++q) old.read(observable_path(q), {k}, {1}, &fr.observables[q]);
    if (m > 0) {
      old.read("/partial_forces/index", {k, 0}, {1, m}, fr.pf_index.data());
      old.read("/partial_forces/value", {k, 0, 0}, {1, m, 3}, fr.pf_value.data());
    }
    append(fr);
  }
}

void DatasetWriter::finish(bool complete, long frames_per_trajectory) {
  flush();
  file_.set_attr("/", "complete", static_cast<int64_t>(complete ? 1 : 0));
  file_.set_attr("/", "frames_per_trajectory", static_cast<int64_t>(frames_per_trajectory));
  file_.set_attr("/particles/all", "n_atoms", static_cast<int64_t>(layout_.n_atoms));
  file_.commit();
}

}  // namespace macrodyn::lj
