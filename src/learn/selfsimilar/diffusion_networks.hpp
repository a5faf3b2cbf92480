#pragma once
// The self-similar framework's networks for 1-D diffusion densities (self-similar dynamics paper,
// sec. III B). Rows have L sites (periodic); space group S, time group T, macro rows M = L / S.
//   dynamics f:        Conv1d(1 -> 1, kernel k (default 7), periodic): c_{t+1} = K * c_t + b, the
//                      learnt kernel K is the "state transition vector"; shared by micro and macro.
//   coarse-grainer P:  Conv2d(1 -> 1, kernel = stride = (T, S)) on a block of T rows (linear).
//   decoder P':        Conv1d(1 -> T S, kernel 1): channel dt * S + ds of macro site j is the
//                      density at (row dt, site j S + ds) of the next block.
#include <memory>

#include "nn/sequential.hpp"

namespace macrodyn::selfsimilar {

std::shared_ptr<nn::Sequential<double>> make_diffusion_dynamics(int sites, int kernel, uint64_t seed);
std::shared_ptr<nn::Sequential<double>> make_diffusion_coarse_grainer(int time_group, int space_group, int sites,
                                                                      uint64_t seed);
std::shared_ptr<nn::Sequential<double>> make_diffusion_decoder(int time_group, int space_group, int macro_sites,
                                                               uint64_t seed);

}  // namespace macrodyn::selfsimilar
