#pragma once
// Vicsek lattice data for the self-similar learners ([Self-similar dynamics] §III.C): one run file of
// the Vicsek simulate stage (/lattice (frames, 3, L, L) with channels count, mean vx, mean vy, and
// /lattice_step), read on every rank. The frames with lattice_step in [first_step, last_step] are
// kept, equally spaced (their spacing is the learners' time step), as values(frame, feature) with
// feature c L^2 + y L + x and channels (count, sum of vx, sum of vy): the simulator's mean unit
// velocity times the count (divided by the speed), i.e. the sum of the unit velocities in the cell.
// Frames [0, n_train) train, the rest are held out (the end of the run).
//
// Pair id k of frames [first, ...): x = frame first + k, target = frame first + k + 1 (3 L^2 each).
// Block pair id k with groups (T, S): x_now = frames first + k + [0, T), x_next = the next T frames,
//   features (c T + dt) L^2 + y L + x (the coarse-grainer's input); target = x_next as the
//   decoder's output: feature (((c T + dt) S + y % S) S + x % S) M^2 + (y / S) M + x / S, M = L / S.
#include <mpi.h>

#include <string>

#include "learn/selfsimilar/ca_dataset.hpp"
#include "nn/tensor.hpp"

namespace macrodyn::selfsimilar {

using FrameValues = Kokkos::View<double**, Kokkos::LayoutRight, nn::MemSpace>;

struct VicsekLattice {
  long L = 0, N = 0, frames = 0;
  double eta = 0, step_spacing = 1;
  FrameValues values;  // (frames, 3 L^2)
  long n_train(double holdout) const;
  static long pairs(long n_frames) { return n_frames - 1; }
  static long block_pairs(long n_frames, int time_group) { return n_frames - 2L * time_group + 1; }
};

VicsekLattice load_vicsek_lattice(const std::string& path, MPI_Comm comm, long first_step, long last_step);

template <class T>
void gather_vicsek_pairs(const FrameValues& v, long first, const IdView& ids, nn::Tensor<T>& x,
                         nn::Tensor<T>& target);
template <class T>
void gather_vicsek_blocks(const FrameValues& v, long L, long first, int time_group, int space_group,
                          const IdView& ids, nn::Tensor<T>& x_now, nn::Tensor<T>& x_next, nn::Tensor<T>& target);

// Sum over samples and entries of (out - target)^2 restricted to the first `frames` frames of each
// next block (decoder / target channel ((c T + dt) S + dy) S + dx on the M x M macro grid, as
// gather_vicsek_blocks lays it out), so that pairs with different time groups T are compared on the
// same frames (the authors' notebooks score the first 2 frames of every group for Fig. 6c).
double leading_frames_sq_error(const nn::Tensor<double>& out, const nn::Tensor<double>& target, int time_group,
                               int space_group, int M, int frames);

}  // namespace macrodyn::selfsimilar
