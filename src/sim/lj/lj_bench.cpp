// bench lj: LAMMPS' standard in.lj benchmark (fcc density 0.8442, 20^3 cells = 32000 atoms, T 1.44,
// rc 2.5, skin 0.3, dt 0.005, 100 steps, lists rebuilt every 20 steps without a displacement check,
// Newton's third law). Prints the loop rate in atom-steps/s, the pair / neigh / comm / other
// fractions of the loop time (rank 0), and the memory per atom.
#include <chrono>
#include <cmath>

#include "core/log.hpp"
#include "sim/lj/lj_bench.hpp"
#include "sim/lj/lj_initial_state.hpp"

namespace macrodyn::lj {
namespace {

class LjBench : public Stage {
 public:
  explicit LjBench(const ConfigTable& t)
      : atoms_(t.get_int("atoms", 32000, Range::at_least(4))),
        density_(t.get_double("density", 0.8442, Range::positive())),
        T0_(t.get_double("temperature", 1.44, Range::positive())),
        steps_(t.get_int("steps", 100, Range::at_least(1))),
        seed_(static_cast<uint64_t>(t.get_int("seed", 87287, Range::at_least(0)))) {
    params_.rc = t.get_double("rc", 2.5, Range::positive());
    params_.skin = t.get_double("skin", 0.3, Range::non_negative());
    params_.dt = t.get_double("dt", 0.005, Range::positive());
    params_.neigh_every = static_cast<int>(t.get_int("neigh_every", 20, Range::at_least(1)));
    params_.neigh_check = t.get_bool("neigh_check", false);
    params_.newton = t.get_bool("newton", true);
  }

  void run(RunContext& ctx) override {
    int rank = 0, size = 1;
    MPI_Comm_rank(ctx.comm, &rank);
    MPI_Comm_size(ctx.comm, &size);
    const int cells = static_cast<int>(std::lround(std::cbrt(atoms_ / 4.0)));
    const int64_t N = 4LL * cells * cells * cells;
    const double L = fcc_box(cells, density_);
    LjSystem sys(ctx.comm, {L, L, L}, N, params_);
    auto [first, last] = id_block(N, rank, size);
    HostAtoms a = fcc_positions(cells, density_, first, last);
    assign_velocities(a, N, T0_, seed_);
    sys.set_atoms(a);
    const Observables o0 = sys.observe();
    sys.times() = PhaseTimes{};
    MPI_Barrier(ctx.comm);
    const auto t0 = std::chrono::steady_clock::now();
    sys.run(steps_);
    MPI_Barrier(ctx.comm);
    const double loop = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const Observables o1 = sys.observe();
    const PhaseTimes& pt = sys.times();
    double bytes = static_cast<double>(sys.bytes()), bytes_all = 0;
    MPI_Allreduce(&bytes, &bytes_all, 1, MPI_DOUBLE, MPI_SUM, ctx.comm);
    log::info("lj bench: ", N, " atoms (fcc ", cells, "^3, box ", L, "), ", size, " rank(s), ", steps_,
              " steps, loop ", loop, " s, ", sys.rebuild_count(), " list builds; T ", o0.temperature, " -> ",
              o1.temperature, ", E/N ", o0.total / N, " -> ", o1.total / N, ", P ", o1.pressure);
    print_bench("lj", "atom_steps_per_s", static_cast<double>(N) * steps_ / loop, "1/s");
    const double other = loop - pt.pair - pt.neigh - pt.comm;
    print_bench("lj", "pair_fraction", pt.pair / loop, "1");
    print_bench("lj", "neigh_fraction", pt.neigh / loop, "1");
    print_bench("lj", "comm_fraction", pt.comm / loop, "1");
    print_bench("lj", "other_fraction", other / loop, "1");
    print_bench("lj", "bytes_per_atom", bytes_all / N, "B");
  }

 private:
  long atoms_;
  double density_, T0_;
  long steps_;
  uint64_t seed_;
  Params params_;
};

}  // namespace

std::unique_ptr<Stage> make_lj_bench(const ConfigTable& table) { return std::make_unique<LjBench>(table); }

}  // namespace macrodyn::lj
