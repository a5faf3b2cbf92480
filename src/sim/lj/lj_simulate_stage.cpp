// simulate lj: K NVE trajectories of a density-rho LJ fluid ([Partial observations] §5.2, B.3), saved every
// `save_every` steps to one HDF5 file in H5MD's layout (lj_dataset.hpp), written collectively in
// global-id order. Observables: temperature (2/(3(N-1)) sum v^2/2), kinetic_energy,
// potential_energy, total_energy, total_energy_shifted, pressure, msd. Partial forces: m = n p atoms
// per frame (exactly), f_i = (v_i, F_i).
// Every trajectory starts from the same positions and velocity directions, scaled to T0 ~ U[T_min,
// T_max] (drawn by CounterRng(seed) per trajectory index): results do not depend on the rank count.
// initial_file: a LAMMPS data file (atom_style atomic) or an H5MD file (".h5", frame initial_frame)
// replaces the generated lattice; initial_velocities = "file" keeps its velocities instead of the
// sampled T0 scaling. lammps_data_out: writes trajectory 0's initial state as a LAMMPS data file.
// Stop and resume: a stop signal (SIGTERM/SIGUSR1) ends the run after the current frame; the dataset
// is committed with complete = 0 (the frames so far are valid) and the system state, the trajectory
// and the frame count go to <output stem>.checkpoint.h5. Rerunning the same deck (restart = true, the
// default) on any rank count copies those frames into a new dataset, restores the system
// (LjSystem::restore) and continues at the next step: the final dataset is bitwise the uninterrupted
// run's wherever that run is rank-count invariant (newton = false; with newton = true on the same
// rank count). The checkpoint is removed when the stage completes. A checkpoint written by a deck
// with other run-shaping keys (its fingerprint) is refused.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/random_subset.hpp"
#include "core/runtime.hpp"
#include "core/signals.hpp"
#include "decomp/particle_id_blocks.hpp"
#include "io/checkpoint.hpp"
#include "sim/lj/lj_simulate_stage.hpp"
#include "sim/lj/lj_checkpoint.hpp"
#include "sim/lj/lj_dataset.hpp"
#include "sim/lj/lj_initial_state.hpp"
#include "sim/lj/lj_lammps_data.hpp"
#include "sim/lj/lj_partial_forces.hpp"

namespace macrodyn::lj {
namespace {

struct SimulateConfig {
  std::string lattice, output;
  double box = 10, density = 0.8;
  int fcc_cells = 0;
  long trajectories = 4, steps = 250, save_every = 10;
  double T_min = 0.5, T_max = 1.5;
  uint64_t seed = 1, position_seed = 1, velocity_seed = 2;
  long partial_atoms = 50;
  double partial_fraction = 0;
  bool full_forces = false;
  std::string initial_file, initial_velocities, lammps_data_out;
  long initial_frame = -1;
  bool restart = true;
  Params params;
};

class LjSimulate : public Stage {
 public:
  explicit LjSimulate(const ConfigTable& t) {
    c_.lattice = t.get_string("lattice", "sc_random", {"sc_random", "fcc"});
    c_.box = t.get_double("box", 10.0, Range::positive());
    c_.density = t.get_double("density", 0.8, Range::positive());
    c_.fcc_cells = static_cast<int>(t.get_int("fcc_cells", 6, Range::at_least(1)));
    c_.trajectories = t.get_int("trajectories", 4, Range::at_least(1));
    c_.steps = t.get_int("steps", 250, Range::at_least(1));
    c_.save_every = t.get_int("save_every", 10, Range::at_least(1));
    c_.T_min = t.get_double("temperature_min", 0.5, Range::positive());
    c_.T_max = t.get_double("temperature_max", 1.5, Range::positive());
    if (c_.T_max < c_.T_min) t.fail_at("temperature_max", "must be >= temperature_min");
    c_.seed = static_cast<uint64_t>(t.get_int("seed", 1, Range::at_least(0)));
    c_.position_seed = static_cast<uint64_t>(t.get_int("position_seed", 1, Range::at_least(0)));
    c_.velocity_seed = static_cast<uint64_t>(t.get_int("velocity_seed", 2, Range::at_least(0)));
    c_.partial_atoms = t.get_int("partial_atoms", 50, Range::at_least(0));
    c_.partial_fraction = t.get_double("partial_fraction", 0.0, Range::closed(0.0, 1.0));
    c_.full_forces = t.get_bool("full_forces", false);
    c_.output = t.get_string("output", "lj_dataset.h5");
    c_.initial_file = t.get_string("initial_file", "");
    c_.initial_frame = t.get_int("initial_frame", -1);
    c_.initial_velocities = t.get_string("initial_velocities", "sampled", {"sampled", "file"});
    c_.lammps_data_out = t.get_string("lammps_data_out", "");
    c_.params.dt = t.get_double("dt", 0.001, Range::positive());
    c_.params.rc = t.get_double("rc", 2.5, Range::positive());
    c_.params.skin = t.get_double("skin", 0.3, Range::non_negative());
    c_.params.newton = t.get_bool("newton", true);
    c_.params.neigh_every = static_cast<int>(t.get_int("neigh_every", 1, Range::at_least(1)));
    c_.params.neigh_check = t.get_bool("neigh_check", true);
    c_.restart = t.get_bool("restart", true);
  }

  void run(RunContext& ctx) override;

 private:
  SimulateConfig c_;
};

std::string checkpoint_name(const std::string& output) {
  const size_t dot = output.rfind('.');
  return (dot == std::string::npos ? output : output.substr(0, dot)) + ".checkpoint.h5";
}

// The keys that shape the dataset (a checkpoint is only resumed by a deck with the same ones).
std::string fingerprint(const SimulateConfig& c, int64_t N, double L, int64_t m) {
  std::ostringstream o;
  o.precision(17);
  o << "N=" << N << " L=" << L << " m=" << m << " trajectories=" << c.trajectories << " steps=" << c.steps
    << " save_every=" << c.save_every << " T=" << c.T_min << ".." << c.T_max << " seed=" << c.seed
    << " velocity_seed=" << c.velocity_seed << " full_forces=" << c.full_forces << " initial_file=" << c.initial_file
    << " initial_velocities=" << c.initial_velocities << " dt=" << c.params.dt << " rc=" << c.params.rc
    << " skin=" << c.params.skin << " newton=" << c.params.newton << " neigh_every=" << c.params.neigh_every
    << " neigh_check=" << c.params.neigh_check;
  return o.str();
}

void LjSimulate::run(RunContext& ctx) {
  int rank = 0, size = 1;
  MPI_Comm_rank(ctx.comm, &rank);
  MPI_Comm_size(ctx.comm, &size);
  const bool fcc = c_.lattice == "fcc";
  LoadedConfiguration loaded;
  const bool from_file = !c_.initial_file.empty();
  if (from_file) {
    const std::string& f = c_.initial_file;
    loaded = f.size() > 3 && f.substr(f.size() - 3) == ".h5" ? read_h5md_frame(f, c_.initial_frame, ctx.comm)
                                                            : read_lammps_data(f, ctx.comm);
    if (loaded.box[0] != loaded.box[1] || loaded.box[0] != loaded.box[2]) fail(f, ": only cubic boxes are supported");
    if (c_.initial_velocities == "file" && !loaded.has_velocities) fail(f, ": initial_velocities = \"file\" but the file has none");
  }
  const double L = from_file ? loaded.box[0] : (fcc ? fcc_box(c_.fcc_cells, c_.density) : c_.box);
  const int64_t N = from_file ? loaded.n_atoms
                              : (fcc ? 4LL * c_.fcc_cells * c_.fcc_cells * c_.fcc_cells : sc_atom_count(L, c_.density));
  const int64_t m = c_.partial_fraction > 0 ? subset_size(N, c_.partial_fraction) : std::min<int64_t>(c_.partial_atoms, N);
  auto [first, last] = id_block(N, rank, size);
  const HostAtoms start = from_file ? loaded.atoms
                                    : (fcc ? fcc_positions(c_.fcc_cells, c_.density, first, last)
                                           : sc_random_positions(L, N, c_.position_seed, first, last));
  const long frames_per = c_.steps / c_.save_every + 1;
  const std::string out_path = ctx.path(c_.output), ckpt_path = ctx.path(checkpoint_name(c_.output));
  const std::string print = fingerprint(c_, N, L, m);
  std::unique_ptr<CheckpointState> resume;
  if (c_.restart && io::checkpoint_exists(ckpt_path, ctx.comm)) {
    resume = std::make_unique<CheckpointState>(load_checkpoint(ckpt_path, ctx.comm));
    if (resume->run.fingerprint != print)
      fail(ckpt_path, ": checkpoint of another run (", resume->run.fingerprint, "); this deck: ", print,
           " (delete the checkpoint or set restart = false)");
    if (resume->run.trajectory >= c_.trajectories || resume->step > c_.steps || resume->run.frames < 1)
      fail(ckpt_path, ": checkpoint position (trajectory ", resume->run.trajectory, ", step ", resume->step,
           ") lies outside this deck's run");
  }
  log::info("lj simulate: N = ", N, " (", from_file ? c_.initial_file : c_.lattice, ", box ", L, "), ", c_.trajectories,
            " trajectories x ", c_.steps, " steps, dt ", c_.params.dt, ", ", frames_per, " frames each, |I| = ", m);

  std::vector<double> T0(c_.trajectories);
  const CounterRng trng(c_.seed, 0x70);
  for (long k = 0; k < c_.trajectories; ++k) T0[k] = c_.T_min + (c_.T_max - c_.T_min) * trng.uniform(k, 0);
  Timers local_timers;
  Timers& timers = ctx.timers ? *ctx.timers : local_timers;
  DatasetWriter dataset(out_path, ctx, {N, L, m, c_.full_forces}, T0);
  long k0 = 0;
  if (resume) {
    auto scope = timers.scope("copy_previous");
    dataset.copy_from(out_path, resume->run.frames);
    k0 = resume->run.trajectory;
    log::info("lj simulate: resuming from ", ckpt_path, " at trajectory ", k0, ", step ", resume->step, " (",
              resume->run.frames, " frames copied)");
  }

  Progress progress("lj", c_.trajectories * c_.steps, ctx.progress_interval_s);
  bool stopped = false;
  auto save = [&](LjSystem& sys, long k) {
    auto scope = timers.scope("save");
    const Observables o = sys.observe();
    std::vector<double> f;
    HostAtoms a = sys.owned_atoms(c_.full_forces ? &f : nullptr);
    for (size_t i = 0; i < a.id.size(); ++i)
      for (int d = 0; d < 3; ++d) a.x[3 * i + d] += a.image[3 * i + d] * L;
    Frame fr;
    fr.x = to_id_blocks(ctx.comm, N, a.id, a.x, 3);
    fr.v = to_id_blocks(ctx.comm, N, a.id, a.v, 3);
    if (c_.full_forces) fr.f = to_id_blocks(ctx.comm, N, a.id, f, 3);
    fr.step = sys.step_count();
    fr.trajectory = k;
    fr.time = fr.step * c_.params.dt;
    fr.observables = {o.temperature, o.kinetic, o.potential, o.total, o.total_shifted, o.pressure, o.msd};
    if (m > 0) {
      fr.pf_index = random_subset(N, m, c_.seed, 0x9F + static_cast<uint64_t>(k), static_cast<uint32_t>(fr.step));
      fr.pf_value = partial_forces(sys, fr.pf_index);
    }
    dataset.append(fr);
  };
  for (long k = k0; k < c_.trajectories && !stopped; ++k) {
    LjSystem sys(ctx.comm, {L, L, L}, N, c_.params);
    long s0 = 1;
    if (resume && k == k0) {
      sys.restore(resume->atoms, resume->step);
      s0 = resume->step + 1;
    } else {
      HostAtoms a = start;
      if (c_.initial_velocities == "sampled") assign_velocities(a, N, T0[k], c_.velocity_seed);
      sys.set_atoms(a);
      if (k == 0 && !c_.lammps_data_out.empty()) write_lammps_data(ctx.path(c_.lammps_data_out), sys);
      save(sys, k);
    }
    for (long s = s0; s <= c_.steps; ++s) {
      {
        auto scope = timers.scope("step");
        sys.step();
      }
      if (s % c_.save_every == 0) {
        save(sys, k);
        if (stop_requested_collective(ctx.comm)) {
          stopped = true;
          dataset.flush();  // the file holds every frame the checkpoint counts, before it is written
          save_checkpoint(ckpt_path, ctx.comm, sys, {k, dataset.frames(), print});
          log::info("lj simulate: stop signal at trajectory ", k, ", step ", s, "; ", dataset.frames(),
                    " frames kept; system state saved to ", ckpt_path);
          break;
        }
      }
      progress.update(k * c_.steps + s);
    }
  }
  progress.finish();
  dataset.finish(!stopped, frames_per);
  if (!stopped && rank == 0) std::remove(ckpt_path.c_str());
  log::info("lj simulate: wrote ", dataset.frames(), " frames to ", out_path);
}

}  // namespace

std::unique_ptr<Stage> make_lj_simulate_stage(const ConfigTable& table) { return std::make_unique<LjSimulate>(table); }

}  // namespace macrodyn::lj
