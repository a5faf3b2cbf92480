#pragma once
// Gray-Scott reaction-diffusion ([Relational macrostates] A.3.3, Pearson 1993):
//   da/dt = Da lap a - a b^2 + F (1 - a),   db/dt = Db lap b + a b^2 - (F + k) b
// on an n x n periodic grid with h = 1, a, b ~ U(0, 1) independently per cell, explicit Euler dt = 0.1
// (stable while dt (4 max(Da, Db) + F + k + ...) is small: 4 * 0.16 * 0.1 = 0.064 for the defaults).
// One sample = one parameter vector u = (Da, Db, F, k) and its pattern v = (a, b) after `steps` steps.
// A sample is small, so it runs on one rank: the periodic ghosts come from HaloExchange2D on a
// one-rank periodic CartDecomposition (MPI_COMM_SELF), and samples are spread over the ranks.
// All random numbers are CounterRng(seed, stream) draws keyed by the sample's attempt index, so a
// sample does not depend on which rank computes it.
#include <Kokkos_Core.hpp>
#include <cstdint>
#include <vector>

namespace macrodyn::gray_scott {

struct Params {
  double Da = 0.16, Db = 0.08, F = 0.035, k = 0.065;
};

constexpr uint64_t kStreamParams = 0x6501;
constexpr uint64_t kStreamInitial = 0x6502;

// Runs one sample: returns (a, b) as a (2, n, n) row-major array.
std::vector<double> run_sample(const Params& p, long n, long steps, double dt, uint64_t seed, uint64_t attempt);

// Spatial standard deviation of each channel of a (2, n, n) pattern; a pattern is blank when both are
// below the threshold.
double channel_std(const std::vector<double>& pattern, long n, int channel);

}  // namespace macrodyn::gray_scott
