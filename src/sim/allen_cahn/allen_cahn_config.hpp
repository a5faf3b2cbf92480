#pragma once
// Deck keys of `[[stage]] kind = "simulate", system = "allen_cahn"` (defaults in brackets):
//
//   n = 200                  cells per side (h = 1/n)
//   interface_points = 10    eps = interface_points * interface_h / (2 sqrt2 atanh 0.9)
//   interface_h = 0.005      reference spacing for eps (1/200, [Partial observations] B.2)
//   eps                      optional: set eps directly instead
//   integrator = "euler_blocked"  "euler_blocked": explicit Euler in temporally blocked passes;
//                            "rk4": classical RK4 (allen_cahn_rk4.hpp; [Partial observations]' reference data)
//   dt                       euler_blocked: [dt_max = 1/(4/h^2 + 2/eps^2)], larger values are rejected;
//                            rk4: [0.1 h^2], values above 2.78/(8/h^2 + 2/eps^2) are rejected
//                            (stability, see allen_cahn_model.hpp)
//   t_final = 1.0            steps = ceil(t_final / dt)
//   steps                    optional: the number of steps directly (instead of t_final)
//   save_every = 100         steps between saved snapshots (the initial state is snapshot 0)
//   stop_energy = 0.0        > 0: a trajectory ends at the first snapshot whose free energy is <= this
//                            value (that snapshot is not kept): snapshots are kept while E > stop_energy
//                            ([Partial observations]' reference data keep E > 1e-4); see /snapshots_kept in
//                            allen_cahn_dataset.hpp
//   trajectories = 4         K, each from its own sampled (r1, r2)
//   r1 = [0.3, 0.4]          uniform range of the outer torus radius
//   r2 = [0.1, 0.15]         uniform range of the inner radius
//   seed = 1                 parameters, partial-force index sets: CounterRng(seed, ...)
//   trajectory_offset = 0    global index of the first trajectory (training and test sets from one seed)
//   partial_fraction = 0.04  p: |I| = round(n^2 p) partial forces per snapshot (seed: 1/25)
//   partial_draw = "distinct"  "distinct": |I| distinct cells, every subset equally likely (the paper's text);
//                            "with_replacement": |I| independent uniform cells, repeats possible (the
//                            paper's reference implementation); drawn once per snapshot either way
//   save_forces = false      also store the full force f(v) of every snapshot
//   field_precision = "double"  storage type of /states and /forces: "double", or "float" (half the disk,
//                            as the reference data; no XDMF companion then). Everything else stays double.
//   output = "allen_cahn.h5" dataset file in the run directory (+ .xdmf companion)
//   xdmf_trajectories = 4    trajectories listed in the XDMF file (0: no XDMF)
//   checkpoint_every = 0     steps between periodic checkpoints (0: only when a stop signal arrives)
//   stop_check_every = 100   steps between polls of SIGTERM / SIGUSR1
//   restart = true           resume from the checkpoint if one exists
//   process_grid = [0, 0]    MPI process grid (0: chosen by MPI_Dims_create)
//   time_block = 16          (euler_blocked) Euler steps per pass through memory (ghost width;
//                            allen_cahn_blocked_euler.hpp);
//                            any value gives bitwise the same trajectory, only the speed changes
//   strip_cols = 1024        width of a blocked strip: 3 rows of it (24 B x strip_cols) should fit in L1
#include <array>
#include <string>

#include "core/config.hpp"
#include "sim/allen_cahn/allen_cahn_blocked_euler.hpp"
#include "sim/allen_cahn/allen_cahn_model.hpp"

namespace macrodyn::allen_cahn {

enum class Integrator { EulerBlocked, Rk4 };
enum class PartialDraw { Distinct, WithReplacement };

struct SimulateConfig {
  Model model;
  Integrator integrator = Integrator::EulerBlocked;
  double dt = 0.0;
  long steps = 0;
  long save_every = 100;
  long snapshots = 0;  // steps / save_every + 1
  double stop_energy = 0.0;
  long trajectories = 4;
  long trajectory_offset = 0;
  double r1_lo = 0.3, r1_hi = 0.4, r2_lo = 0.1, r2_hi = 0.15;
  uint64_t seed = 1;
  double partial_fraction = 0.04;
  long partial_count = 0;  // |I|
  PartialDraw partial_draw = PartialDraw::Distinct;
  bool save_forces = false;
  bool float_fields = false;  // field_precision = "float"
  std::string output = "allen_cahn.h5";
  long xdmf_trajectories = 4;
  long checkpoint_every = 0;
  long stop_check_every = 100;
  bool restart = true;
  std::array<int, 2> process_grid{0, 0};
  TimeBlocking blocking;

  static SimulateConfig parse(const ConfigTable& t);
  std::string checkpoint_name() const;  // "<output stem>.checkpoint.h5"
};

// Random streams (CounterRng stream ids) used by the simulator.
constexpr uint64_t kStreamParameters = 0xAC01;
constexpr uint64_t kStreamPartialForces = 0xAC02;

// Deck keys time_block and strip_cols (simulate stage and bench allen_cahn).
TimeBlocking parse_blocking(const ConfigTable& t);

// (r1, r2) of global trajectory `index`.
void sample_radii(const SimulateConfig& c, long index, double& r1, double& r2);

}  // namespace macrodyn::allen_cahn
