#include "sim/vicsek/vicsek_simulate_stage.hpp"

#include <cmath>
#include <optional>
#include <vector>

#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/runtime.hpp"
#include "core/signals.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "io/xdmf.hpp"
#include "sim/vicsek/vicsek_model.hpp"

namespace macrodyn::vicsek {
namespace {

class VicsekSimulateStage : public Stage {
 public:
  explicit VicsekSimulateStage(const ConfigTable& t)
      : prefix_(t.get_string("file_prefix", "vicsek")),
        sizes_(t.get_ints("sizes", {32, 64}, Range::at_least(3))),
        etas_(t.get_doubles("etas", {1.0, 1.25, 1.5, 1.75, 2.0, 2.25}, Range::non_negative())),
        repeats_(t.get_int("repeats", 3, Range::at_least(1))),
        steps_(t.get_int("steps", 1000, Range::at_least(1))),
        transient_(t.get_int("transient", 300, Range::at_least(0))),
        lattice_every_(t.get_int("lattice_every", 1, Range::at_least(0))),
        lattice_start_(t.get_int("lattice_start", 0, Range::at_least(0))),
        lattice_max_L_(t.get_int("lattice_max_L", 256, Range::at_least(0))) {
    base_.rho = t.get_double("rho", 0.3, Range::positive());
    base_.radius = t.get_double("radius", 1.0, Range::positive());
    base_.speed = t.get_double("speed", 1.0, Range::non_negative());
    base_.dt = t.get_double("dt", 1.0, Range::positive());
    base_.noise = t.get_string("noise", "uniform", {"uniform", "uniform_pi"}) == "uniform" ? NoiseLaw::Uniform
                                                                                             : NoiseLaw::UniformPi;
    base_.seed = static_cast<uint64_t>(t.get_int("seed", 1, Range::at_least(0)));
    if (transient_ >= steps_) t.fail_at("transient", "must be smaller than steps");
    if (etas_.empty()) t.fail_at("etas", "must list at least one noise amplitude");
    if (sizes_.empty()) t.fail_at("sizes", "must list at least one box size");
    if (lattice_every_ > 0 && base_.radius > 1.0)
      t.fail_at("lattice_every", "lattice output needs radius <= 1 (set lattice_every = 0)");
  }

  void run(RunContext& ctx) override {
    const size_t nL = sizes_.size(), nE = etas_.size(), K = static_cast<size_t>(repeats_);
    std::vector<double> phi_mean(nL * nE * K, std::nan("")), phi_std(nL * nE * K, std::nan(""));
    Progress progress("vicsek", static_cast<long>(nL * nE * K) * steps_, ctx.progress_interval_s);
    long done = 0;
    bool stopped = false;
    for (size_t a = 0; a < nL && !stopped; ++a)
      for (size_t b = 0; b < nE && !stopped; ++b)
        for (size_t k = 0; k < K && !stopped; ++k) {
          VicsekParams p = base_;
          p.L = sizes_[a];
          p.eta = etas_[b];
          p.stream = (static_cast<uint64_t>(p.L) << 20) + (b << 10) + k;
          const std::string name = cat(prefix_, "_L", p.L, "_eta", b, "_k", k);
          std::vector<double> phi = run_one(ctx, p, name, progress, done);
          double m = 0, m2 = 0;
          const long cnt = steps_ - transient_ + 1;
          for (long t = transient_; t <= steps_; ++t) m += phi[t] / cnt;
          for (long t = transient_; t <= steps_; ++t) m2 += (phi[t] - m) * (phi[t] - m) / cnt;
          phi_mean[(a * nE + b) * K + k] = m;
          phi_std[(a * nE + b) * K + k] = std::sqrt(m2);
          log::info("vicsek L ", p.L, " eta ", p.eta, " repeat ", k, ": phi = ", m, " +- ", std::sqrt(m2));
          stopped = stop_requested_collective(ctx.comm);
        }
    progress.finish();
    if (stopped) log::info("vicsek: stop signal: sweep ends early; the summary lists completed runs (NaN otherwise)");
    auto file = io::H5File::create(ctx.path(prefix_ + "_summary.h5"), ctx.comm);
    io::write_provenance(file, ctx);
    std::vector<double> sizes(sizes_.begin(), sizes_.end());
    file.write_replicated("/sizes", {nL}, sizes.data());
    file.write_replicated("/etas", {nE}, etas_.data());
    file.write_replicated("/phi_mean", {nL, nE, K}, phi_mean.data());
    file.write_replicated("/phi_std", {nL, nE, K}, phi_std.data());
    file.set_attr("/", "system", std::string("vicsek"));
    file.set_attr("/", "rho", base_.rho);
    file.set_attr("/", "steps", static_cast<int64_t>(steps_));
    file.set_attr("/", "transient", static_cast<int64_t>(transient_));
    file.set_attr("/", "noise", std::string(base_.noise == NoiseLaw::Uniform ? "uniform" : "uniform_pi"));
    file.commit();
  }

 private:
  std::vector<double> run_one(RunContext& ctx, const VicsekParams& p, const std::string& name, Progress& progress,
                              long& done) {
    std::optional<Timers::Scope> scope;
    if (ctx.timers) scope.emplace(*ctx.timers, "vicsek_run");
    VicsekModel model(ctx.comm, p);
    const bool lattice = lattice_every_ > 0 && p.L <= lattice_max_L_;
    const auto& dec = model.decomposition();
    const hsize_t L = static_cast<hsize_t>(p.L);
    const io::Dims off{0, static_cast<hsize_t>(dec.lo(1)), static_cast<hsize_t>(dec.lo(0))};
    const io::Dims loc{3, static_cast<hsize_t>(dec.local_cells(1)), static_cast<hsize_t>(dec.local_cells(0))};
    auto file = io::H5File::create(ctx.path(name + ".h5"), ctx.comm);
    io::write_provenance(file, ctx);
    if (lattice) file.create_series<double>("/lattice", {3, L, L});
    Kokkos::View<double***, Kokkos::LayoutRight, Kokkos::HostSpace> frame;
    std::vector<double> phi, frame_steps;
    auto record = [&](long t) {
      phi.push_back(model.order_parameter());
      if (lattice && t >= lattice_start_ && (t - lattice_start_) % lattice_every_ == 0) {
        model.lattice(frame);
        file.append_frame("/lattice", off, loc, frame.data());
        frame_steps.push_back(static_cast<double>(t));
      }
    };
    record(0);
    for (long t = 1; t <= steps_; ++t) {
      {
        std::optional<Timers::Scope> s;
        if (ctx.timers) s.emplace(*ctx.timers, "step");
        model.step();
      }
      std::optional<Timers::Scope> s;
      if (ctx.timers) s.emplace(*ctx.timers, "output");
      record(t);
      progress.update(++done);
    }
    file.write_replicated("/phi", {phi.size()}, phi.data());
    if (lattice) file.write_replicated("/lattice_step", {frame_steps.size()}, frame_steps.data());
    file.set_attr("/", "system", std::string("vicsek"));
    file.set_attr("/", "L", static_cast<int64_t>(p.L));
    file.set_attr("/", "N", static_cast<int64_t>(model.n_particles()));
    file.set_attr("/", "rho", p.rho);
    file.set_attr("/", "eta", p.eta);
    file.set_attr("/", "radius", p.radius);
    file.set_attr("/", "speed", p.speed);
    file.set_attr("/", "dt", p.dt);
    file.set_attr("/", "noise", std::string(p.noise == NoiseLaw::Uniform ? "uniform" : "uniform_pi"));
    file.set_attr("/", "seed", static_cast<int64_t>(p.seed));
    file.set_attr("/", "stream", static_cast<int64_t>(p.stream));
    if (lattice) file.set_attr("/lattice", "channels", std::string("count, mean_vx, mean_vy"));
    file.commit();
    if (lattice && comm_rank(ctx.comm) == 0) {
      io::XdmfGrid2D grid;
      grid.nx = grid.ny = p.L;
      const io::Dims dims{frame_steps.size(), 3, L, L};
      std::vector<io::XdmfAttribute> attrs{{"count", "/lattice", dims, {0}},
                                           {"mean_vx", "/lattice", dims, {1}},
                                           {"mean_vy", "/lattice", dims, {2}}};
      io::XdmfCollection coll{name, {}};
      for (size_t f = 0; f < frame_steps.size(); ++f) coll.frames.push_back({frame_steps[f] * p.dt, {f}});
      io::write_xdmf_2d(ctx.path(name + ".xdmf"), io::path_basename(name + ".h5"), grid, attrs, {coll});
    }
    return phi;
  }

  std::string prefix_;
  std::vector<long long> sizes_;
  std::vector<double> etas_;
  long repeats_, steps_, transient_, lattice_every_, lattice_start_, lattice_max_L_;
  VicsekParams base_;
};

}  // namespace

std::unique_ptr<Stage> make_vicsek_simulate_stage(const ConfigTable& table) {
  return std::make_unique<VicsekSimulateStage>(table);
}

}  // namespace macrodyn::vicsek
