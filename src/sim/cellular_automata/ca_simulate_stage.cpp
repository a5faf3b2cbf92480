#include "sim/cellular_automata/ca_simulate_stage.hpp"

#include <Kokkos_Core.hpp>
#include <cstdint>
#include <vector>

#include "core/log.hpp"
#include "core/rng.hpp"
#include "core/runtime.hpp"
#include "decomp/cart_decomposition.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "sim/cellular_automata/elementary_ca.hpp"

namespace macrodyn::ca {
namespace {

constexpr uint64_t kCaStream = 0xCA;

std::vector<long long> all_rules() {
  std::vector<long long> r(256);
  for (int i = 0; i < 256; ++i) r[i] = i;
  return r;
}

class CaSimulateStage : public Stage {
 public:
  explicit CaSimulateStage(const ConfigTable& t)
      : file_(t.get_string("file", "cellular_automata.h5")),
        rules_(t.get_ints("rules", all_rules(), Range::closed(0, 255))),
        samples_per_rule_(t.get_int("samples_per_rule", 4, Range::at_least(1))),
        width_(t.get_int("width", 64, Range::at_least(1))),
        steps_(t.get_int("steps", 64, Range::at_least(0))),
        burn_in_(t.get_int("burn_in", 0, Range::at_least(0))),
        init_(t.get_string("init", "random", {"random", "single"})),
        density_(t.get_double("density", 0.5, Range::closed(0.0, 1.0))),
        seed_(t.get_int("seed", 1, Range::at_least(0))) {
    if (rules_.empty()) t.fail_at("rules", "must list at least one rule");
  }

  void run(RunContext& ctx) override {
    using Exec = Kokkos::DefaultExecutionSpace;
    const long n = static_cast<long>(rules_.size()) * samples_per_rule_;
    const int rank = comm_rank(ctx.comm), size = comm_size(ctx.comm);
    const long lo = CartDecomposition<1>::block_lo(n, size, rank);
    const long nloc = CartDecomposition<1>::block_lo(n, size, rank + 1) - lo;
    const long rows = burn_in_ + steps_ + 1, w = width_;
    log::info("cellular_automata: ", rules_.size(), " rules x ", samples_per_rule_, " samples, width ", w, ", ",
              steps_, " steps (burn-in ", burn_in_, ") -> ", ctx.path(file_));

    Kokkos::View<uint8_t***, Kokkos::LayoutRight> st("ca_spacetime", nloc, rows, w);
    Kokkos::View<int*> rule("ca_rule", nloc);
    {
      auto rule_h = Kokkos::create_mirror_view(rule);
      for (long s = 0; s < nloc; ++s) rule_h(s) = static_cast<int>(rules_[(lo + s) / samples_per_rule_]);
      Kokkos::deep_copy(rule, rule_h);
      const CounterRng rng(static_cast<uint64_t>(seed_), kCaStream);
      const double density = density_;
      const bool single = init_ == "single";
      Kokkos::parallel_for(
          "ca_init", Kokkos::MDRangePolicy<Exec, Kokkos::Rank<2>>({0, 0}, {nloc, w}), KOKKOS_LAMBDA(long s, long x) {
            const uint64_t g = static_cast<uint64_t>(lo + s);
            st(s, 0, x) = single ? static_cast<uint8_t>(x == w / 2)
                                 : static_cast<uint8_t>(rng.uniform(g, 0, static_cast<uint32_t>(x)) < density);
          });
    }
    evolve_spacetime<Exec>(st, rule);
    auto st_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), st);
    auto rule_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), rule);
    std::vector<uint8_t> out(static_cast<size_t>(nloc) * (steps_ + 1) * w);
    for (long s = 0; s < nloc; ++s)
      for (long t = 0; t <= steps_; ++t)
        for (long x = 0; x < w; ++x) out[(static_cast<size_t>(s) * (steps_ + 1) + t) * w + x] = st_h(s, burn_in_ + t, x);
    std::vector<int32_t> rule_out(rule_h.data(), rule_h.data() + nloc);

    const hsize_t hn = static_cast<hsize_t>(n), ht = static_cast<hsize_t>(steps_ + 1), hw = static_cast<hsize_t>(w);
    auto file = io::H5File::create(ctx.path(file_), ctx.comm);
    io::write_provenance(file, ctx);
    file.write("/spacetime", {hn, ht, hw}, {static_cast<hsize_t>(lo), 0, 0}, {static_cast<hsize_t>(nloc), ht, hw},
               out.data());
    file.write("/rule", {hn}, {static_cast<hsize_t>(lo)}, {static_cast<hsize_t>(nloc)}, rule_out.data());
    file.set_attr("/", "system", std::string("cellular_automata"));
    file.set_attr("/", "width", static_cast<int64_t>(w));
    file.set_attr("/", "steps", static_cast<int64_t>(steps_));
    file.set_attr("/", "burn_in", static_cast<int64_t>(burn_in_));
    file.set_attr("/", "samples_per_rule", static_cast<int64_t>(samples_per_rule_));
    file.set_attr("/", "init", init_);
    file.set_attr("/", "density", density_);
    file.set_attr("/", "seed", static_cast<int64_t>(seed_));
    file.commit();
  }

 private:
  std::string file_;
  std::vector<long long> rules_;
  long samples_per_rule_, width_, steps_, burn_in_;
  std::string init_;
  double density_;
  long long seed_;
};

}  // namespace

std::unique_ptr<Stage> make_ca_simulate_stage(const ConfigTable& table) {
  return std::make_unique<CaSimulateStage>(table);
}

}  // namespace macrodyn::ca
