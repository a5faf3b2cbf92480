// bench halo_exchange: ghost exchange of an n x n grid over a 2-D process grid.
#include <Kokkos_Core.hpp>
#include <chrono>

#include "core/log.hpp"
#include "decomp/halo_exchange_2d.hpp"
#include "decomp/halo_exchange_bench.hpp"

namespace macrodyn {
namespace {

class HaloExchangeBench : public Stage {
 public:
  explicit HaloExchangeBench(const ConfigTable& t)
      : n_(t.get_int("n", 4096, Range::at_least(8))),
        ghost_(static_cast<int>(t.get_int("ghost", 1, Range::closed(1, 8)))),
        ncomp_(static_cast<int>(t.get_int("ncomp", 1, Range::closed(1, 16)))),
        repeats_(t.get_int("repeats", 200, Range::at_least(1))) {}

  void run(RunContext& ctx) override {
    using Exec = Kokkos::DefaultExecutionSpace;
    CartDecomposition<2> decomp(ctx.comm, {n_, n_}, {true, true});
    HaloExchange2D<Exec> halo(decomp, ncomp_, ghost_, EdgeFill::ReflectCell);
    auto field = halo.make_field("bench_field");
    Kokkos::deep_copy(field, 1.0);
    halo.exchange(field);  // warm-up
    MPI_Barrier(ctx.comm);
    auto t0 = std::chrono::steady_clock::now();
    for (long r = 0; r < repeats_; ++r) halo.exchange(field);
    MPI_Barrier(ctx.comm);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double ghost_cells = 2.0 * ghost_ * (halo.nx() + halo.ny() + 2.0 * ghost_) * ncomp_;
    log::info("halo_exchange: ", n_, "^2 grid, process grid ", decomp.process_dims()[0], " x ",
              decomp.process_dims()[1], ", local ", halo.nx(), " x ", halo.ny(), ", ghost ", ghost_);
    print_bench("halo_exchange", "exchanges_per_s", repeats_ / seconds, "1/s");
    print_bench("halo_exchange", "ghost_bytes_per_s_per_rank", repeats_ * ghost_cells * sizeof(double) / seconds,
                "B/s");
  }

 private:
  long n_;
  int ghost_, ncomp_;
  long repeats_;
};

}  // namespace

std::unique_ptr<Stage> make_halo_exchange_bench(const ConfigTable& table) {
  return std::make_unique<HaloExchangeBench>(table);
}

}  // namespace macrodyn
