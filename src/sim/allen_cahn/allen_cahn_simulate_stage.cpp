#include "sim/allen_cahn/allen_cahn_simulate_stage.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/runtime.hpp"
#include "core/signals.hpp"
#include "io/checkpoint.hpp"
#include "sim/allen_cahn/allen_cahn_dataset.hpp"

namespace macrodyn::allen_cahn {

namespace {

constexpr const char* kCheckpointKind = "allen_cahn_simulate";

bool exists_on_root(const std::string& path, MPI_Comm comm) {
  int found = 0;
  if (comm_rank(comm) == 0) {
    struct stat st {};
    found = ::stat(path.c_str(), &st) == 0 ? 1 : 0;
  }
  MPI_Bcast(&found, 1, MPI_INT, 0, comm);
  return found != 0;
}

long next_multiple(long step, long every) { return (step / every + 1) * every; }

struct Position {
  long trajectory = 0;  // index within this stage (0..K-1)
  long step = 0;        // steps done in that trajectory
};

void write_checkpoint(const std::string& path, const SimulateConfig& c, const AllenCahnGrid& grid,
                      const TrajectoryBuffer& b, Position pos) {
  io::CheckpointWriter w(path, grid.comm(), kCheckpointKind);
  w.counter("trajectory", static_cast<uint64_t>(pos.trajectory));
  w.counter("step", static_cast<uint64_t>(pos.step));
  w.counter("snapshots", static_cast<uint64_t>(b.count));
  w.counter("n", static_cast<uint64_t>(c.model.n));
  w.scalar("dt", c.dt);
  w.counter("integrator", static_cast<uint64_t>(c.integrator));
  const hsize_t n = c.model.n, y0 = grid.y0(), x0 = grid.x0(), ny = grid.ny(), nx = grid.nx();
  std::vector<double> v(static_cast<size_t>(ny * nx));
  grid.copy_owned(v.data());
  w.array("v", {n, n}, {y0, x0}, {ny, nx}, v.data());
  if (b.count > 0) {
    const hsize_t T = b.count, m = b.m;
    w.array("states", {T, n, n}, {0, y0, x0}, {T, ny, nx}, b.states.data());
    if (c.save_forces) w.array("forces", {T, n, n}, {0, y0, x0}, {T, ny, nx}, b.forces.data());
    w.replicated_array("energy", {T}, b.energy.data());
    w.replicated_array("pf_index", {T, m}, b.pf_index.data());
    w.replicated_array("pf_value", {T, m}, b.pf_value.data());
  }
  w.commit();
}

Position read_checkpoint(const std::string& path, const SimulateConfig& c, AllenCahnGrid& grid, TrajectoryBuffer& b) {
  io::CheckpointReader r(path, grid.comm(), kCheckpointKind);
  if (static_cast<long>(r.counter("n")) != c.model.n || r.scalar("dt") != c.dt ||
      r.counter("integrator") != static_cast<uint64_t>(c.integrator))
    fail(path, ": checkpoint of a run with n = ", r.counter("n"), ", dt = ", r.scalar("dt"), ", integrator ",
         r.counter("integrator") == 0 ? "euler_blocked" : "rk4", ", but the deck says n = ", c.model.n, ", dt = ", c.dt,
         ", integrator ", c.integrator == Integrator::EulerBlocked ? "euler_blocked" : "rk4",
         " (delete the checkpoint or set restart = false)");
  Position pos;
  pos.trajectory = static_cast<long>(r.counter("trajectory"));
  pos.step = static_cast<long>(r.counter("step"));
  b.count = static_cast<long>(r.counter("snapshots"));
  if (pos.trajectory >= c.trajectories || pos.step > c.steps || b.count > c.snapshots)
    fail(path, ": checkpoint position (trajectory ", pos.trajectory, ", step ", pos.step,
         ") lies outside this deck's run");
  const hsize_t y0 = grid.y0(), x0 = grid.x0(), ny = grid.ny(), nx = grid.nx();
  std::vector<double> v(static_cast<size_t>(ny * nx));
  r.array("v", {y0, x0}, {ny, nx}, v.data());
  grid.set_owned(v.data());
  if (b.count > 0) {
    const hsize_t T = b.count;
    r.array("states", {0, y0, x0}, {T, ny, nx}, b.states.data());
    if (c.save_forces) r.array("forces", {0, y0, x0}, {T, ny, nx}, b.forces.data());
    auto e = r.replicated_array<double>("energy");
    auto pi = r.replicated_array<int64_t>("pf_index");
    auto pv = r.replicated_array<double>("pf_value");
    std::copy(e.begin(), e.end(), b.energy.begin());
    std::copy(pi.begin(), pi.end(), b.pf_index.begin());
    std::copy(pv.begin(), pv.end(), b.pf_value.begin());
  }
  return pos;
}

}  // namespace

void AllenCahnSimulate::run(RunContext& ctx) {
  const SimulateConfig& c = config_;
  Timers local_timers;
  Timers& timers = ctx.timers ? *ctx.timers : local_timers;
  const bool rk4 = c.integrator == Integrator::Rk4;
  // RK4 reads one ghost layer per stage: no deep ghosts to exchange.
  const TimeBlocking blocking = rk4 ? TimeBlocking{1, c.blocking.strip_cols} : c.blocking;
  AllenCahnGrid grid(ctx.comm, c.model, c.process_grid, blocking);
  const std::string out_path = ctx.path(c.output), ckpt_path = ctx.path(c.checkpoint_name());

  const double bytes = 8.0 * c.snapshots * grid.nx() * grid.ny() * (c.save_forces ? 2 : 1);
  double worst = bytes;
  MPI_Allreduce(&bytes, &worst, 1, MPI_DOUBLE, MPI_MAX, ctx.comm);
  if (worst > 8.0 * (1ull << 30))
    fail("Allen-Cahn simulate: one trajectory's snapshots need ", worst / (1ull << 30),
         " GiB per rank (limit 8): raise save_every or use more ranks");

  TrajectoryBuffer buffer(c, grid);
  Position pos;
  bool resumed = false;
  if (c.restart && exists_on_root(ckpt_path, ctx.comm)) {
    pos = read_checkpoint(ckpt_path, c, grid, buffer);
    resumed = true;
    log::info("allen_cahn: resuming from ", ckpt_path, " at trajectory ", pos.trajectory, ", step ", pos.step);
  }
  const double bound = rk4 ? c.model.dt_max_rk4() : c.model.dt_max();
  log::info("allen_cahn: n = ", c.model.n, " (process grid ", grid.decomp().process_dims()[0], " x ",
            grid.decomp().process_dims()[1], "), eps = ", c.model.eps, ", dt = ", c.dt, " (bound ", bound, "), ",
            c.steps, rk4 ? " RK4 steps" : cat(" Euler steps in blocks of ", grid.ghost()), ", ", c.snapshots,
            " snapshots", c.stop_energy > 0 ? cat(" (kept while E > ", c.stop_energy, ")") : std::string(),
            ", |I| = ", c.partial_count, ", K = ", c.trajectories);

  DatasetWriter writer(out_path, ctx, c, grid);
  if (pos.trajectory > 0) {
    auto scope = timers.scope("copy_previous");
    writer.copy_from(out_path, pos.trajectory);
  }
  Progress progress("allen_cahn", c.trajectories * c.steps, ctx.progress_interval_s);
  for (long k = pos.trajectory; k < c.trajectories; ++k) {
    const long global = c.trajectory_offset + k;
    double r1 = 0, r2 = 0;
    sample_radii(c, global, r1, r2);
    long step = 0;
    bool running = true;  // false once the free energy reached stop_energy
    if (resumed) {
      step = pos.step;
      resumed = false;
    } else {
      grid.set_torus(r1, r2);
      buffer.count = 0;
      auto scope = timers.scope("snapshot");
      running = buffer.record(c, grid, global);
    }
    while (running && step < c.steps) {
      // Advance to the next event (snapshot, stop poll, checkpoint, end) in as few blocks as possible;
      // the result does not depend on how the steps are grouped.
      long next = std::min({c.steps, next_multiple(step, c.save_every), next_multiple(step, c.stop_check_every)});
      if (c.checkpoint_every > 0) next = std::min(next, next_multiple(step, c.checkpoint_every));
      {
        auto scope = timers.scope("step");
        if (rk4)
          grid.advance_rk4(c.dt, next - step);
        else
          grid.advance(c.dt, next - step);
      }
      step = next;
      if (step % c.save_every == 0) {
        auto scope = timers.scope("snapshot");
        running = buffer.record(c, grid, global);
        if (!running) break;  // E <= stop_energy: this trajectory is done
      }
      progress.update(k * c.steps + step);
      const bool poll = step % c.stop_check_every == 0;
      const bool stop = poll && stop_requested_collective(ctx.comm);
      if (stop || (c.checkpoint_every > 0 && step % c.checkpoint_every == 0)) {
        auto scope = timers.scope("checkpoint");
        write_checkpoint(ckpt_path, c, grid, buffer, {k, step});
      }
      if (stop) {
        writer.finish(false);
        log::info("allen_cahn: stop signal: checkpoint at trajectory ", k, ", step ", step, " -> ", ckpt_path,
                  "; dataset holds ", writer.trajectories(), " finished trajector",
                  writer.trajectories() == 1 ? "y" : "ies");
        return;
      }
    }
    auto scope = timers.scope("write");
    if (buffer.count < c.snapshots)
      log::info("allen_cahn: trajectory ", global, " reached E <= ", c.stop_energy, " at step ", step, ": ",
                buffer.count, " of ", c.snapshots, " snapshots kept");
    buffer.pad_unkept();
    writer.append(buffer, r1, r2);
  }
  progress.finish();
  {
    auto scope = timers.scope("write");
    writer.finish(true);
  }
  if (comm_rank(ctx.comm) == 0) std::remove(ckpt_path.c_str());
  log::info("allen_cahn: wrote ", c.trajectories, " trajectories to ", out_path);
}

std::unique_ptr<Stage> make_allen_cahn_simulate_stage(const ConfigTable& table) {
  return std::make_unique<AllenCahnSimulate>(table);
}

}  // namespace macrodyn::allen_cahn
