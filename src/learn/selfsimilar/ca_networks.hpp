#pragma once
// The three networks of the self-similar framework for 1-D cellular automata (self-similar dynamics
// paper, sec. II B and III A). Rows have W sites (periodic); a macro row has M = W / N sites.
//
// Dynamics learner f (micro or macro level, shared weights):
//   Conv1d(1 -> 5, kernel 3, periodic) -> ReLU -> Conv1d(5 -> 2, kernel 1)   (the kernel-1 conv is
//   the per-site Dense 5 -> 2) giving two logits per site, channel-major (2W features).
//   make_ca_dynamics(W, seed)          : those three layers (trained with two_class_nll).
//   make_ca_macro_dynamics(M, seed)    : the same three layers at width M followed by
//                                        TwoClassProbability: y_{t+1}(i) = softmax(z)_1 in [0, 1].
//   Conv weights do not depend on the width, so copy_parameters() moves f between widths.
//   make_ca_site_dynamics(seed)        : the same function per site for training: Dense(3 -> 5) ->
//                                        ReLU -> Dense(5 -> 2) on the periodic 3-cell windows
//                                        (left, centre, right) of every site of a batch of rows
//                                        (gather_micro_windows), i.e. the conv's im2col for the
//                                        whole batch in one gather, so each layer is one GEMM.
//                                        Same parameter names and shapes as make_ca_dynamics:
//                                        copy_parameters() turns it into the conv model.
// Coarse-graining learner P: a space-time block of N rows x W sites (features t * W + x) ->
//   Conv2d(1 -> 1, kernel = stride = (N, N)) -> sigmoid: one macro row of M values in (0, 1),
//   then (binary = true) StraightThroughBinarize: macro cells in {0, 1}.
// Decoder P': macro row -> Conv1d(1 -> N*N, kernel 1) -> sigmoid: channel c = dt * N + ds of macro
//   site j reconstructs the micro cell (row dt, site j * N + ds) of the next block.
#include <memory>

#include "nn/sequential.hpp"

namespace macrodyn::selfsimilar {

template <class T>
std::shared_ptr<nn::Sequential<T>> make_ca_dynamics(int width, uint64_t seed);
template <class T>
std::shared_ptr<nn::Sequential<T>> make_ca_site_dynamics(uint64_t seed);
template <class T>
std::shared_ptr<nn::Sequential<T>> make_ca_macro_dynamics(int width, uint64_t seed);
template <class T>
std::shared_ptr<nn::Sequential<T>> make_ca_coarse_grainer(int group, int width, uint64_t seed, bool binary);
template <class T>
std::shared_ptr<nn::Sequential<T>> make_ca_decoder(int group, int macro_width, uint64_t seed);

// Copies the values of `from`'s parameters into `to`'s first parameters (names and shapes must match;
// `to` may have more layers after them, e.g. the probability head).
template <class T>
void copy_parameters(nn::Layer<T>& from, nn::Layer<T>& to);

}  // namespace macrodyn::selfsimilar
