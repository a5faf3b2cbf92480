#pragma once
// Simulators that turn designed micro-parameters into behaviours for the MacroNet design stage.
//
// linear_ode_trajectories: m (4 per design, row-major M), x0 (2 per design), times t_j ->
//   feature-major (2 * points per design) x_j = exp(M t_j) x0 (the simulate stage's layout).
// gray_scott_patterns: params (4 per design: Da, Db, F, k) -> (3, n, n) per design, the channels
//   (a, b, (a + b)/2) after `steps` Euler steps from the U(0, 1) initial state of attempt
//   attempt_offset + design index. Designs are dealt round-robin to the ranks of `comm` and summed
//   (each is computed by exactly one rank), so the result is the same for any rank count.
#include <mpi.h>

#include <cstdint>
#include <vector>

namespace macrodyn::macronet {

std::vector<double> linear_ode_trajectories(const std::vector<double>& m, const std::vector<double>& x0,
                                            const std::vector<double>& times);

struct GrayScottSetup {
  long n = 64, steps = 5000;
  double dt = 0.1;
  uint64_t seed = 1;
};

std::vector<double> gray_scott_patterns(const std::vector<double>& params, const GrayScottSetup& setup,
                                        uint64_t attempt_offset, MPI_Comm comm);

}  // namespace macrodyn::macronet
