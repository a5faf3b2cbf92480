#pragma once
// The dataset file of `simulate lj` (H5MD layout, one HDF5 file written collectively, frames appended
// as they are saved; per-atom data in global-id order, each rank writing its id block):
//   /particles/all/box/edges                      (3)
//   /particles/all/position/value                 (frames, N, 3)  unwrapped (continuous) positions
//   /particles/all/velocity/value                 (frames, N, 3)
//   /particles/all/force/value                    (frames, N, 3)  only with full_forces = true
//   /particles/all/{step,time,trajectory}         (frames)
//   /observables/<name>/value                     (frames), names in kObservableNames
//   /partial_forces/index                         (frames, m) global atom ids, sorted
//   /partial_forces/value                         (frames, m, 3) F_i of those atoms
//   /parameters/T0                                (K) initial temperature of each trajectory
//   root attributes complete (0/1), frames_per_trajectory; /particles/all n_atoms.
// A resumed run copies the frames of the interrupted run's file into its new file (copy_from), then
// appends: the final file is the one an uninterrupted run writes.
// Frames are buffered and written in blocks (one extent change and one collective write per dataset
// and block, not per frame: per-frame collectives made saving every step on 2 ranks ~10x slower than
// the steps themselves); a block holds up to kBlockFrames frames and at most ~kBlockBytes per rank.
// flush() writes the buffer (call it before recording frames() in a checkpoint); finish() flushes.
#include <array>
#include <string>
#include <vector>

#include "core/stage.hpp"
#include "io/h5file.hpp"

namespace macrodyn::lj {

constexpr int kObservables = 7;
extern const char* const kObservableNames[kObservables];

struct DatasetLayout {
  int64_t n_atoms = 0;
  double box = 0;
  int64_t partial = 0;   // m atoms per frame with partial forces (0: none)
  bool forces = false;   // full forces of every atom
};

// One saved frame; x, v, f: this rank's id block (3 per atom); pf_*: replicated.
struct Frame {
  int64_t step = 0, trajectory = 0;
  double time = 0;
  std::array<double, kObservables> observables{};
  std::vector<double> x, v, f;
  std::vector<int64_t> pf_index;
  std::vector<double> pf_value;
};

class DatasetWriter {
 public:
  static constexpr long kBlockFrames = 256;
  static constexpr double kBlockBytes = 64.0 * (1 << 20);

  DatasetWriter(const std::string& path, const RunContext& ctx, const DatasetLayout& layout, const std::vector<double>& T0);
  void append(Frame frame);  // collective (writes when the buffer is full)
  void flush();              // collective: writes the buffered frames
  // Copies the first `frames` frames of the interrupted run's file (collective; checks its layout).
  void copy_from(const std::string& old_path, long frames);
  void finish(bool complete, long frames_per_trajectory);  // flush, attributes, commit (collective)
  long frames() const { return written_ + static_cast<long>(pending_.size()); }

 private:
  io::H5File file_;
  DatasetLayout layout_;
  int64_t first_ = 0, last_ = 0;  // this rank's id block
  bool root_ = false;
  long written_ = 0, block_frames_ = 1;
  std::vector<Frame> pending_;
};

}  // namespace macrodyn::lj
