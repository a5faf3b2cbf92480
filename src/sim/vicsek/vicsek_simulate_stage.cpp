#include "sim/vicsek/vicsek_simulate_stage.hpp"

#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>
#include <vector>

#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/runtime.hpp"
#include "core/signals.hpp"
#include "io/checkpoint.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "io/xdmf.hpp"
#include "sim/vicsek/vicsek_checkpoint.hpp"
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
        lattice_max_L_(t.get_int("lattice_max_L", 256, Range::at_least(0))),
        stop_check_every_(t.get_int("stop_check_every", 10, Range::at_least(1))),
        restart_(t.get_bool("restart", true)) {
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
    const size_t nL = sizes_.size(), nE = etas_.size(), K = static_cast<size_t>(repeats_), runs = nL * nE * K;
    SweepCheckpoint sweep;  // what a stop saves (and a resume starts from)
    sweep.phi_mean.assign(runs, std::nan(""));
    sweep.phi_std.assign(runs, std::nan(""));
    sweep.fingerprint = fingerprint();
    const std::string ckpt = ctx.path(prefix_ + ".checkpoint.h5");
    std::optional<SweepCheckpoint> resume;
    if (restart_ && io::checkpoint_exists(ckpt, ctx.comm)) {
      resume = load_sweep_checkpoint(ckpt, ctx.comm, runs);
      if (resume->fingerprint != sweep.fingerprint)
        fail(ckpt, ": checkpoint of another sweep (", resume->fingerprint, "); this deck: ", sweep.fingerprint,
             " (delete the checkpoint or set restart = false)");
      sweep.phi_mean = resume->phi_mean;
      sweep.phi_std = resume->phi_std;
      log::info("vicsek: resuming from ", ckpt, " at run ", resume->run, ", step ", resume->step);
    }
    Progress progress("vicsek", static_cast<long>(runs) * steps_, ctx.progress_interval_s);
    long done = resume ? resume->run * steps_ + resume->step : 0;
    bool stopped = false;
    for (size_t r = resume ? resume->run : 0; r < runs && !stopped; ++r) {
      const size_t a = r / (nE * K), b = (r / K) % nE, k = r % K;
      VicsekParams p = base_;
      p.L = sizes_[a];
      p.eta = etas_[b];
      p.stream = (static_cast<uint64_t>(p.L) << 20) + (b << 10) + k;
      const std::string name = cat(prefix_, "_L", p.L, "_eta", b, "_k", k);
      sweep.run = static_cast<long>(r);
      const bool resuming = resume && static_cast<size_t>(resume->run) == r;
      std::vector<double> phi = run_one(ctx, p, name, progress, done, resuming ? &*resume : nullptr, sweep, ckpt);
      if (phi.empty()) {
        stopped = true;
        break;
      }
      double m = 0, m2 = 0;
      const long cnt = steps_ - transient_ + 1;
      for (long t = transient_; t <= steps_; ++t) m += phi[t] / cnt;
      for (long t = transient_; t <= steps_; ++t) m2 += (phi[t] - m) * (phi[t] - m) / cnt;
      sweep.phi_mean[r] = m;
      sweep.phi_std[r] = std::sqrt(m2);
      log::info("vicsek L ", p.L, " eta ", p.eta, " repeat ", k, ": phi = ", m, " +- ", std::sqrt(m2));
    }
    progress.finish();
    if (stopped)
      log::info("vicsek: stop signal: sweep state saved to ", ckpt, "; the summary lists completed runs (NaN otherwise)");
    auto file = io::H5File::create(ctx.path(prefix_ + "_summary.h5"), ctx.comm);
    io::write_provenance(file, ctx);
    std::vector<double> sizes(sizes_.begin(), sizes_.end());
    file.write_replicated("/sizes", {nL}, sizes.data());
    file.write_replicated("/etas", {nE}, etas_.data());
    file.write_replicated("/phi_mean", {nL, nE, K}, sweep.phi_mean.data());
    file.write_replicated("/phi_std", {nL, nE, K}, sweep.phi_std.data());
    file.set_attr("/", "system", std::string("vicsek"));
    file.set_attr("/", "rho", base_.rho);
    file.set_attr("/", "steps", static_cast<int64_t>(steps_));
    file.set_attr("/", "transient", static_cast<int64_t>(transient_));
    file.set_attr("/", "noise", std::string(base_.noise == NoiseLaw::Uniform ? "uniform" : "uniform_pi"));
    file.set_attr("/", "complete", static_cast<int64_t>(stopped ? 0 : 1));
    file.commit();
    if (!stopped && comm_rank(ctx.comm) == 0) std::remove(ckpt.c_str());
  }

 private:
  // The sweep keys that shape its outputs (a checkpoint is only resumed by a deck with the same ones).
  std::string fingerprint() const {
    std::ostringstream o;
    o.precision(17);
    o << "prefix=" << prefix_ << " sizes=";
    for (auto L : sizes_) o << L << ",";
    o << " etas=";
    for (double e : etas_) o << e << ",";
    o << " repeats=" << repeats_ << " steps=" << steps_ << " transient=" << transient_ << " rho=" << base_.rho
      << " radius=" << base_.radius << " speed=" << base_.speed << " dt=" << base_.dt
      << " noise=" << static_cast<int>(base_.noise) << " seed=" << base_.seed << " lattice=" << lattice_every_ << ","
      << lattice_start_ << "," << lattice_max_L_;
    return o.str();
  }

  // One run; returns phi(0..steps), or nothing when a stop signal ended it (checkpoint written).
  std::vector<double> run_one(RunContext& ctx, const VicsekParams& p, const std::string& name, Progress& progress,
                              long& done, const SweepCheckpoint* resume, SweepCheckpoint& sweep,
                              const std::string& ckpt) {
    std::optional<Timers::Scope> scope;
    if (ctx.timers) scope.emplace(*ctx.timers, "vicsek_run");
    VicsekModel model(ctx.comm, p);
    const bool lattice = lattice_every_ > 0 && p.L <= lattice_max_L_;
    const auto& dec = model.decomposition();
    const hsize_t L = static_cast<hsize_t>(p.L);
    const io::Dims off{0, static_cast<hsize_t>(dec.lo(1)), static_cast<hsize_t>(dec.lo(0))};
    const io::Dims loc{3, static_cast<hsize_t>(dec.local_cells(1)), static_cast<hsize_t>(dec.local_cells(0))};
    const std::string path = ctx.path(name + ".h5");
    auto lattice_step = [&](long t) { return lattice && t >= lattice_start_ && (t - lattice_start_) % lattice_every_ == 0; };
    Kokkos::View<double***, Kokkos::LayoutRight, Kokkos::HostSpace> frame("vicsek_frame", loc[0], loc[1], loc[2]);
    std::vector<double> phi, frame_steps;
    long t0 = 0;
    if (resume) {
      if (resume->n_particles != model.n_particles())
        fail(ckpt, ": checkpoint of ", resume->n_particles, " particles, run ", name, " has ", model.n_particles());
      model.restore(resume->ids, resume->state, resume->step);
      t0 = resume->step;
      phi = resume->phi;
      for (long t = 0; t <= t0; ++t)
        if (lattice_step(t)) frame_steps.push_back(static_cast<double>(t));
    }
    // H5File::create writes <path>.tmp: the interrupted run's file stays readable until commit.
    auto file = io::H5File::create(path, ctx.comm);
    io::write_provenance(file, ctx);
    if (lattice) file.create_series<double>("/lattice", {3, L, L});
    if (resume && lattice && !frame_steps.empty()) {
      auto old = io::H5File::open_read(path, ctx.comm);
      const io::Dims want{frame_steps.size(), 3, L, L};
      const io::Dims have = old.exists("/lattice") ? old.dims("/lattice") : io::Dims{};
      if (have.size() != 4 || have[0] < want[0] || have[1] != 3 || have[2] != L || have[3] != L)
        fail(path, ": the interrupted run's /lattice does not hold the ", want[0], " frames of 3 x ", L, " x ", L,
             " the checkpoint expects");
      for (hsize_t f = 0; f < want[0]; ++f) {
        old.read("/lattice", {f, off[0], off[1], off[2]}, {1, loc[0], loc[1], loc[2]}, frame.data());
        file.append_frame("/lattice", off, loc, frame.data());
      }
    }
    auto record = [&](long t) {
      phi.push_back(model.order_parameter());
      if (lattice_step(t)) {
        model.lattice(frame);
        file.append_frame("/lattice", off, loc, frame.data());
        frame_steps.push_back(static_cast<double>(t));
      }
    };
    if (!resume) record(0);
    bool stopped = false;
    for (long t = t0 + 1; t <= steps_; ++t) {
      {
        std::optional<Timers::Scope> s;
        if (ctx.timers) s.emplace(*ctx.timers, "step");
        model.step();
      }
      std::optional<Timers::Scope> s;
      if (ctx.timers) s.emplace(*ctx.timers, "output");
      record(t);
      progress.update(++done);
      if (t % stop_check_every_ == 0 && stop_requested_collective(ctx.comm)) {
        sweep.step = t;
        sweep.phi = phi;
        save_sweep_checkpoint(ckpt, ctx.comm, model, sweep);
        stopped = true;
        break;
      }
    }
    file.write_replicated("/phi", {phi.size()}, phi.data());
    if (lattice) file.write_replicated("/lattice_step", {frame_steps.size()}, frame_steps.data());
    file.set_attr("/", "system", std::string("vicsek"));
    file.set_attr("/", "complete", static_cast<int64_t>(stopped ? 0 : 1));
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
    if (stopped) return {};
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
  long repeats_, steps_, transient_, lattice_every_, lattice_start_, lattice_max_L_, stop_check_every_;
  bool restart_;
  VicsekParams base_;
};

}  // namespace

std::unique_ptr<Stage> make_vicsek_simulate_stage(const ConfigTable& table) {
  return std::make_unique<VicsekSimulateStage>(table);
}

}  // namespace macrodyn::vicsek
