// simulate lj: K NVE trajectories of a density-rho LJ fluid ([Partial observations] §5.2, B.3), saved every
// `save_every` steps to one HDF5 file in H5MD's layout, written collectively in global-id order:
//   /particles/all/box/edges                      (3)
//   /particles/all/position/value                 (frames, N, 3)  unwrapped (continuous) positions
//   /particles/all/velocity/value                 (frames, N, 3)
//   /particles/all/force/value                    (frames, N, 3)  only with full_forces = true
//   /particles/all/{step,time,trajectory}         (frames)
//   /observables/<name>/value                     (frames): temperature (2/(3(N-1)) sum v^2/2),
//       kinetic_energy, potential_energy, total_energy, total_energy_shifted, pressure, msd
//   /partial_forces/index                         (frames, m) global atom ids, sorted (m = n p exactly)
//   /partial_forces/value                         (frames, m, 3) F_i of those atoms; f_i = (v_i, F_i)
//   /parameters/T0                                (K) initial temperature of each trajectory
// Every trajectory starts from the same positions and velocity directions, scaled to T0 ~ U[T_min,
// T_max] (drawn by CounterRng(seed) per trajectory index): results do not depend on the rank count.
// initial_file: a LAMMPS data file (atom_style atomic) or an H5MD file (".h5", frame initial_frame)
// replaces the generated lattice; initial_velocities = "file" keeps its velocities instead of the
// sampled T0 scaling. lammps_data_out: writes trajectory 0's initial state as a LAMMPS data file.
// A stop signal (SIGTERM/SIGUSR1) ends the run after the current frame; the file is committed with
// attribute complete = 0 (the frames written so far are valid) and saves the current system state to
// lj_checkpoint.h5 (LjSystem::restore continues it bit-identically). Not done: resuming the dataset
// file itself from that checkpoint (rerun the deck, or a deck for the remaining trajectories).
#include <cmath>

#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/random_subset.hpp"
#include "core/signals.hpp"
#include "decomp/particle_id_blocks.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "sim/lj/lj_simulate_stage.hpp"
#include "sim/lj/lj_checkpoint.hpp"
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
  }

  void run(RunContext& ctx) override;

 private:
  SimulateConfig c_;
};

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
  log::info("lj simulate: N = ", N, " (", c_.lattice, ", box ", L, "), ", c_.trajectories, " trajectories x ", c_.steps,
            " steps, dt ", c_.params.dt, ", ", frames_per, " frames each, |I| = ", m);

  io::H5File file = io::H5File::create(ctx.path(c_.output), ctx.comm);
  io::write_provenance(file, ctx);
  const double edges[3] = {L, L, L};
  file.write_replicated("/particles/all/box/edges", {3}, edges);
  file.set_attr("/particles/all/box", "boundary", std::string("periodic"));
  const hsize_t nloc = static_cast<hsize_t>(last - first), hN = static_cast<hsize_t>(N), hm = static_cast<hsize_t>(m);
  std::vector<std::string> groups = {"position", "velocity"};
  if (c_.full_forces) groups.push_back("force");
  for (auto& g : groups) file.create_series<double>("/particles/all/" + g + "/value", {hN, 3});
  for (const char* s : {"step", "trajectory"}) file.create_series<int64_t>(std::string("/particles/all/") + s, {});
  file.create_series<double>("/particles/all/time", {});
  const char* obs_names[] = {"temperature", "kinetic_energy", "potential_energy", "total_energy",
                             "total_energy_shifted", "pressure", "msd"};
  for (const char* o : obs_names) file.create_series<double>(std::string("/observables/") + o + "/value", {});
  if (m > 0) {
    file.create_series<int64_t>("/partial_forces/index", {hm});
    file.create_series<double>("/partial_forces/value", {hm, 3});
  }
  std::vector<double> T0(c_.trajectories);
  const CounterRng trng(c_.seed, 0x70);
  for (long k = 0; k < c_.trajectories; ++k) T0[k] = c_.T_min + (c_.T_max - c_.T_min) * trng.uniform(k, 0);
  file.write_replicated("/parameters/T0", {static_cast<hsize_t>(c_.trajectories)}, T0.data());

  Timers& timers = *ctx.timers;
  Progress progress("lj", c_.trajectories * c_.steps, ctx.progress_interval_s);
  long frames = 0;
  bool stopped = false;
  auto save = [&](LjSystem& sys, long k) {
    auto scope = timers.scope("save");
    const Observables o = sys.observe();
    std::vector<double> f;
    HostAtoms a = sys.owned_atoms(c_.full_forces ? &f : nullptr);
    for (size_t i = 0; i < a.id.size(); ++i)
      for (int d = 0; d < 3; ++d) a.x[3 * i + d] += a.image[3 * i + d] * L;
    const io::Dims off{static_cast<hsize_t>(first), 0}, loc{nloc, 3};
    file.append_frame("/particles/all/position/value", off, loc, to_id_blocks(ctx.comm, N, a.id, a.x, 3).data());
    file.append_frame("/particles/all/velocity/value", off, loc, to_id_blocks(ctx.comm, N, a.id, a.v, 3).data());
    if (c_.full_forces)
      file.append_frame("/particles/all/force/value", off, loc, to_id_blocks(ctx.comm, N, a.id, f, 3).data());
    const bool root = rank == 0;
    const io::Dims none{}, one{};
    const int64_t step = sys.step_count(), traj = k;
    const double time = step * c_.params.dt;
    file.append_frame("/particles/all/step", none, one, &step);
    file.append_frame("/particles/all/trajectory", none, one, &traj);
    file.append_frame("/particles/all/time", none, one, &time);
    const double values[] = {o.temperature, o.kinetic, o.potential, o.total, o.total_shifted, o.pressure, o.msd};
    for (int q = 0; q < 7; ++q) file.append_frame(std::string("/observables/") + obs_names[q] + "/value", none, one, &values[q]);
    if (m > 0) {
      const std::vector<int64_t> I = random_subset(N, m, c_.seed, 0x9F + static_cast<uint64_t>(k), static_cast<uint32_t>(step));
      const std::vector<double> F = partial_forces(sys, I);
      file.append_frame("/partial_forces/index", {0}, {root ? hm : 0}, I.data());
      file.append_frame("/partial_forces/value", {0, 0}, {root ? hm : 0, 3}, F.data());
    }
    ++frames;
  };
  for (long k = 0; k < c_.trajectories && !stopped; ++k) {
    LjSystem sys(ctx.comm, {L, L, L}, N, c_.params);
    HostAtoms a = start;
    if (c_.initial_velocities == "sampled") assign_velocities(a, N, T0[k], c_.velocity_seed);
    sys.set_atoms(a);
    if (k == 0 && !c_.lammps_data_out.empty()) write_lammps_data(ctx.path(c_.lammps_data_out), sys);
    save(sys, k);
    for (long s = 1; s <= c_.steps; ++s) {
      {
        auto scope = timers.scope("step");
        sys.step();
      }
      if (s % c_.save_every == 0) {
        save(sys, k);
        if (stop_requested_collective(ctx.comm)) {
          stopped = true;
          save_checkpoint(ctx.path("lj_checkpoint.h5"), sys);
          log::info("lj simulate: system state of trajectory ", k, " saved to ", ctx.path("lj_checkpoint.h5"));
          log::info("lj simulate: stop signal at trajectory ", k, ", step ", s, "; ", frames, " frames kept");
          break;
        }
      }
      progress.update(k * c_.steps + s);
    }
  }
  progress.finish();
  file.set_attr("/", "complete", static_cast<int64_t>(stopped ? 0 : 1));
  file.set_attr("/", "frames_per_trajectory", static_cast<int64_t>(frames_per));
  file.set_attr("/particles/all", "n_atoms", static_cast<int64_t>(N));
  file.commit();
  log::info("lj simulate: wrote ", frames, " frames to ", ctx.path(c_.output));
}

}  // namespace

std::unique_ptr<Stage> make_lj_simulate_stage(const ConfigTable& table) { return std::make_unique<LjSimulate>(table); }

}  // namespace macrodyn::lj
