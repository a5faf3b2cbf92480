#include "sim/oscillator/oscillator_simulate_stage.hpp"

#include <Kokkos_Core.hpp>
#include <cstdint>

#include "core/log.hpp"
#include "core/rng.hpp"
#include "core/runtime.hpp"
#include "decomp/cart_decomposition.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "sim/oscillator/harmonic_oscillator.hpp"

namespace macrodyn::oscillator {
namespace {

constexpr uint64_t kOscillatorStream = 0x05C;
constexpr double kTwoPi = 6.283185307179586476925;

class OscillatorSimulateStage : public Stage {
 public:
  explicit OscillatorSimulateStage(const ConfigTable& t)
      : file_(t.get_string("file", "oscillator.h5")),
        samples_(t.get_int("samples", 2048, Range::at_least(1))),
        half_width_(t.get_double("init_half_width", 1.0, Range::positive())),
        tau_max_(t.get_double("tau_max", kTwoPi, Range::positive())),
        seed_(t.get_int("seed", 1, Range::at_least(0))) {}

  void run(RunContext& ctx) override {
    const int rank = comm_rank(ctx.comm), size = comm_size(ctx.comm);
    const long lo = CartDecomposition<1>::block_lo(samples_, size, rank);
    const long nloc = CartDecomposition<1>::block_lo(samples_, size, rank + 1) - lo;
    log::info("oscillator: ", samples_, " (u, v) pairs, tau ~ U(0, ", tau_max_, ") -> ", ctx.path(file_));

    Kokkos::View<double**, Kokkos::LayoutRight> u("sho_u", nloc, 2), v("sho_v", nloc, 2);
    Kokkos::View<double*> tau("sho_tau", nloc), energy("sho_energy", nloc);
    const CounterRng rng(static_cast<uint64_t>(seed_), kOscillatorStream);
    const double a = half_width_, tmax = tau_max_;
    Kokkos::parallel_for(
        "sho_pairs", Kokkos::RangePolicy<>(0, nloc), KOKKOS_LAMBDA(long s) {
          const uint64_t g = static_cast<uint64_t>(lo + s);
          const double x0 = a * (2.0 * rng.uniform(g, 0, 0) - 1.0);
          const double p0 = a * (2.0 * rng.uniform(g, 0, 1) - 1.0);
          const double t = tmax * rng.uniform(g, 0, 2);
          double x, p;
          sho_flow(x0, p0, t, x, p);
          u(s, 0) = x0;
          u(s, 1) = p0;
          v(s, 0) = x;
          v(s, 1) = p;
          tau(s) = t;
          energy(s) = sho_energy(x0, p0);
        });
    auto u_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u);
    auto v_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
    auto tau_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), tau);
    auto e_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), energy);

    const hsize_t n = static_cast<hsize_t>(samples_), off = static_cast<hsize_t>(lo), m = static_cast<hsize_t>(nloc);
    auto file = io::H5File::create(ctx.path(file_), ctx.comm);
    io::write_provenance(file, ctx);
    file.write("/u", {n, 2}, {off, 0}, {m, 2}, u_h.data());
    file.write("/v", {n, 2}, {off, 0}, {m, 2}, v_h.data());
    file.write("/tau", {n}, {off}, {m}, tau_h.data());
    file.write("/energy", {n}, {off}, {m}, e_h.data());
    file.set_attr("/", "system", std::string("oscillator"));
    file.set_attr("/", "mass", 1.0);
    file.set_attr("/", "spring_constant", 1.0);
    file.set_attr("/", "init_half_width", half_width_);
    file.set_attr("/", "tau_max", tau_max_);
    file.set_attr("/", "seed", static_cast<int64_t>(seed_));
    file.commit();
  }

 private:
  std::string file_;
  long samples_;
  double half_width_, tau_max_;
  long long seed_;
};

}  // namespace

std::unique_ptr<Stage> make_oscillator_simulate_stage(const ConfigTable& table) {
  return std::make_unique<OscillatorSimulateStage>(table);
}

}  // namespace macrodyn::oscillator
