#pragma once
// The self-similar framework's networks for Vicsek lattices ([Self-similar dynamics] §III.C, Fig. 6).
// A lattice frame has 3 channels (particle count, sum of vx, sum of vy) on L x L periodic cells,
// features channel-major (c, y, x). Space group S, time group T, macro lattice M x M, M = L / S.
//   dynamics f:        Conv2d(3 -> H, kernel 2x2, periodic padding 1: (L+1) x (L+1)) -> ReLU ->
//                      Conv2d(H -> 3, kernel 2x2, no padding: L x L). The two 2x2 kernels compose
//                      into a centred, translation-invariant 3x3 stencil on the torus (hidden cell L
//                      repeats hidden cell 0), the reach of one step of particles with speed 1 on
//                      unit cells. Shared by micro and macro (conv weights do not depend on L).
//   coarse-grainer P:  Conv3d(3 -> 3, kernel = stride = (T, S, S)) on a block of T frames, features
//                      (c, dt, y, x); output (3, M, M): a macro frame f can step.
//   decoder P':        Conv2d(3 -> 3 T S S, kernel 1) on the macro frame: channel
//                      ((c T + dt) S + dy) S + dx of macro cell (j, i) is channel c of micro cell
//                      (j S + dy, i S + dx) in frame dt of the next block.
//   coarse_hidden H > 0 (the authors' public notebooks: H = 16): P and P' get one hidden ReLU layer of
//   H channels per cell: P = Conv3d(3 -> H, kernel = stride = (T, S, S)) -> ReLU -> Conv2d(H -> 3,
//   kernel 1); P' = Conv2d(3 -> H T S S, kernel 1) -> ReLU -> Conv2d(H T S S -> 3 T S S, kernel 1)
//   (a transposed Conv3d with kernel = stride, then a per-cell linear map; here that map may mix the
//   T S S cells of a block, a superset of the notebooks' one shared H -> 3 map). H = 0: linear P, P'.
#include <memory>

#include "nn/sequential.hpp"

namespace macrodyn::selfsimilar {

template <class T>
std::shared_ptr<nn::Sequential<T>> make_vicsek_dynamics(int L, int hidden, uint64_t seed);
template <class T>
std::shared_ptr<nn::Sequential<T>> make_vicsek_coarse_grainer(int time_group, int space_group, int L, int hidden,
                                                              uint64_t seed);
template <class T>
std::shared_ptr<nn::Sequential<T>> make_vicsek_decoder(int time_group, int space_group, int M, int hidden,
                                                       uint64_t seed);

}  // namespace macrodyn::selfsimilar
