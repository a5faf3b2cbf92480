// Simulators of designed parameters. See the header.
#include "learn/macronet/design_simulators.hpp"

#include "core/runtime.hpp"
#include "sim/gray_scott/gray_scott_model.hpp"
#include "sim/linear_ode/matrix_exponential_2x2.hpp"

namespace macrodyn::macronet {

std::vector<double> linear_ode_trajectories(const std::vector<double>& m, const std::vector<double>& x0,
                                            const std::vector<double>& times) {
  const size_t n = m.size() / 4, P = times.size();
  std::vector<double> v(2 * P * n);
  for (size_t c = 0; c < n; ++c)
    for (size_t j = 0; j < P; ++j) {
      double e[4];
      linear_ode::expm_2x2(&m[4 * c], times[j], e);
      v[2 * P * c + 2 * j] = e[0] * x0[2 * c] + e[1] * x0[2 * c + 1];
      v[2 * P * c + 2 * j + 1] = e[2] * x0[2 * c] + e[3] * x0[2 * c + 1];
    }
  return v;
}

std::vector<double> gray_scott_patterns(const std::vector<double>& params, const GrayScottSetup& s,
                                        uint64_t attempt_offset, MPI_Comm comm) {
  const size_t count = params.size() / 4, plane = size_t(s.n * s.n), d = 3 * plane;
  const int rank = comm_rank(comm), size = comm_size(comm);
  std::vector<double> out(count * d, 0.0);
  for (size_t c = size_t(rank); c < count; c += size_t(size)) {
    const gray_scott::Params p{params[4 * c], params[4 * c + 1], params[4 * c + 2], params[4 * c + 3]};
    const auto ab = gray_scott::run_sample(p, s.n, s.steps, s.dt, s.seed, attempt_offset + c);
    for (size_t q = 0; q < plane; ++q) {
      out[d * c + q] = ab[q];
      out[d * c + plane + q] = ab[plane + q];
      out[d * c + 2 * plane + q] = 0.5 * (ab[q] + ab[plane + q]);
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, out.data(), static_cast<int>(out.size()), MPI_DOUBLE, MPI_SUM, comm);
  return out;
}

}  // namespace macrodyn::macronet
