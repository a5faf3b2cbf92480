#include "sim/linear_ode/linear_ode_simulate_stage.hpp"

#include <Kokkos_Core.hpp>
#include <cstdint>
#include <vector>

#include "core/log.hpp"
#include "core/rng.hpp"
#include "core/runtime.hpp"
#include "decomp/cart_decomposition.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "sim/linear_ode/matrix_exponential_2x2.hpp"

namespace macrodyn::linear_ode {
namespace {

constexpr uint64_t kLinearOdeStream = 0x0DE;

class LinearOdeSimulateStage : public Stage {
 public:
  explicit LinearOdeSimulateStage(const ConfigTable& t)
      : file_(t.get_string("file", "linear_ode.h5")),
        samples_(t.get_int("samples", 512, Range::at_least(1))),
        points_(t.get_int("points", 8, Range::at_least(1))),
        dt_(t.get_double("dt", 0.2, Range::positive())),
        seed_(t.get_int("seed", 1, Range::at_least(0))) {}

  void run(RunContext& ctx) override {
    const int rank = comm_rank(ctx.comm), size = comm_size(ctx.comm);
    const long lo = CartDecomposition<1>::block_lo(samples_, size, rank);
    const long nloc = CartDecomposition<1>::block_lo(samples_, size, rank + 1) - lo;
    log::info("linear_ode: ", samples_, " (M, trajectory) pairs, ", points_, " points, dt ", dt_, " -> ",
              ctx.path(file_));

    Kokkos::View<double***, Kokkos::LayoutRight> mat("lode_M", nloc, 2, 2), traj("lode_traj", nloc, points_, 2);
    Kokkos::View<double**, Kokkos::LayoutRight> x0("lode_x0", nloc, 2);
    const CounterRng rng(static_cast<uint64_t>(seed_), kLinearOdeStream);
    const double dt = dt_;
    const long np = points_;
    Kokkos::parallel_for(
        "lode_pairs", Kokkos::RangePolicy<>(0, nloc), KOKKOS_LAMBDA(long s) {
          const uint64_t g = static_cast<uint64_t>(lo + s);
          double m[4], e[4];
          for (int k = 0; k < 4; ++k) m[k] = rng.normal(g, 0, static_cast<uint32_t>(k));
          const double a = 2.0 * rng.uniform(g, 0, 0) - 1.0, b = 2.0 * rng.uniform(g, 0, 1) - 1.0;
          for (int k = 0; k < 4; ++k) mat(s, k / 2, k % 2) = m[k];
          x0(s, 0) = a;
          x0(s, 1) = b;
          for (long j = 0; j < np; ++j) {
            expm_2x2(m, j * dt, e);
            traj(s, j, 0) = e[0] * a + e[1] * b;
            traj(s, j, 1) = e[2] * a + e[3] * b;
          }
        });
    auto m_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), mat);
    auto x_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x0);
    auto tr_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), traj);
    std::vector<double> times(points_);
    for (long j = 0; j < points_; ++j) times[j] = j * dt_;

    const hsize_t n = static_cast<hsize_t>(samples_), off = static_cast<hsize_t>(lo), m = static_cast<hsize_t>(nloc);
    const hsize_t p = static_cast<hsize_t>(points_);
    auto file = io::H5File::create(ctx.path(file_), ctx.comm);
    io::write_provenance(file, ctx);
    file.write("/M", {n, 2, 2}, {off, 0, 0}, {m, 2, 2}, m_h.data());
    file.write("/x0", {n, 2}, {off, 0}, {m, 2}, x_h.data());
    file.write("/trajectory", {n, p, 2}, {off, 0, 0}, {m, p, 2}, tr_h.data());
    file.write_replicated("/t", {p}, times.data());
    file.set_attr("/", "system", std::string("linear_ode"));
    file.set_attr("/", "dt", dt_);
    file.set_attr("/", "points", static_cast<int64_t>(points_));
    file.set_attr("/", "seed", static_cast<int64_t>(seed_));
    file.commit();
  }

 private:
  std::string file_;
  long samples_, points_;
  double dt_;
  long long seed_;
};

}  // namespace

std::unique_ptr<Stage> make_linear_ode_simulate_stage(const ConfigTable& table) {
  return std::make_unique<LinearOdeSimulateStage>(table);
}

}  // namespace macrodyn::linear_ode
