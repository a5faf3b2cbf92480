#pragma once
// Vicsek model of self-propelled particles (Vicsek et al. PRL 75, 1226 (1995); [Self-similar dynamics] §III.C),
// spatially decomposed over a 2-D process grid with the shared ParticleExchange<2> (migration + ghosts).
//
// State: N = round(rho L^2) particles in the periodic box [0, L)^2, position x_i, heading unit vector
// u_i = (cos theta_i, sin theta_i), speed v0. One step (dt), all updates from the state at time t
// (Vicsek 1995):
//   theta_i(t+dt) = arg( sum_{j : |x_j - x_i| < r} u_j ) + eta * xi_i(t)
//   x_i(t+dt)     = x_i(t) + v0 dt u_i(t)      (wrapped into the box)
// The neighbourhood includes i itself. The heading is stored as the unit vector itself, so the new
// one is the summed neighbour vector normalised and rotated by the noise angle eta xi (one sqrt and
// one sincos, no atan2; vicsek_heading_math.hpp); theta = atan2(u_y, u_x) only for output.
// Noise law (deck key `noise`):
//   "uniform"    xi ~ U[-1/2, 1/2]: heading noise uniform in [-eta/2, eta/2] (Vicsek 1995; eta in [0, 2 pi]).
//   "uniform_pi" xi ~ U[-pi/2, pi/2]: our literal reading of the paper's "sampled in [-pi/2, pi/2]",
//                i.e. heading noise in [-eta pi/2, eta pi/2].
// We read the paper's sentence as describing the standard law with the noise amplitude eta ("uniform"),
// the default; "uniform_pi" exists so both readings can be compared on the same eta grid.
//
// Neighbour search: the decomposition's cell grid has n = floor(L / r) cells per axis (width >= r);
// owned + ghost particles are counting-sorted into a structure-of-arrays copy by bin (one cell row
// high, a few cells wide: VicsekCellBins), where the 3 x 3 cells around a particle lie in 3
// contiguous ranges, read in masked SIMD blocks. The step writes the new state in that bin order
// (so the owned particles stay sorted) with positions already wrapped and binned by the exchange's
// rule (so migrate skips its wrap pass).
//
// Rank-count independence: every random number is CounterRng(seed, stream).uniform(id, step) of the
// particle's global id, and the heading unit vectors are quantised to multiples of 2^-40, so the
// neighbour sums are exact 64-bit integer sums, which do not depend on the order in which neighbours
// are visited; hence 1, 2, 4 ranks (and any thread count) give bit-identical trajectories. The order
// parameter and the lattice's mean velocities are sums of the same fixed-point unit vectors (exact
// integer sums, also across ranks), so every output is bitwise the same for any rank count and
// particle order (which is what lets a run restored from a checkpoint continue bit-identically).
// (Quantising the unit vectors to 2^-40 ~ 1e-12 is far below any physical effect.)
//
// Lattice-ization ([Self-similar dynamics] §III.C): L x L unit cells, channels (count, mean vx, mean vy) with mean = 0
// in empty cells; requires r <= 1 so that the exchange's cell grid is the L x L lattice and every rank
// deposits its owned particles into its own lattice block.
#include <Kokkos_Core.hpp>
#include <memory>
#include <vector>

#include "decomp/cart_decomposition.hpp"
#include "decomp/particle_exchange.hpp"
#include "sim/vicsek/vicsek_cell_bins.hpp"

namespace macrodyn::vicsek {

enum class NoiseLaw { Uniform, UniformPi };

// The one per-particle field besides the position: the heading unit vector (u_x, u_y), quantised
// to multiples of 2^-40 (copied to ghosts).
constexpr ParticleField kHeading{0, 2};

struct VicsekParams {
  long L = 32;            // box side (integer: the lattice has L x L unit cells)
  double rho = 0.3;       // density
  double radius = 1.0;    // interaction radius r
  double speed = 1.0;     // v0
  double dt = 1.0;
  double eta = 1.0;       // noise amplitude
  NoiseLaw noise = NoiseLaw::Uniform;
  uint64_t seed = 1, stream = 0;
  bool aligned_start = false;  // all headings 0 (tests); else theta ~ U[-pi, pi)
};

// Particle record gathered to every rank (tests, checks), sorted by id.
struct VicsekParticle {
  int64_t id;
  double x, y, theta;
};

class VicsekModel {
 public:
  using Exec = Kokkos::DefaultExecutionSpace;
  using Mem = Exec::memory_space;
  using Particles = ParticleArrays<2, Mem>;

  VicsekModel(MPI_Comm comm, const VicsekParams& params);

  static constexpr int kStateWidth = 4;  // x, y, u_x, u_y

  long n_particles() const { return n_global_; }
  long step_index() const { return step_; }
  const VicsekParams& params() const { return params_; }
  const CartDecomposition<2>& decomposition() const { return *decomp_; }
  const Particles& particles() const { return p_; }

  // Advances one time step (migration, ghosts, cell list, headings, positions).
  void step();
  // phi = |sum_i (cos theta_i, sin theta_i)| / N (collective).
  double order_parameter() const;
  // Lattice channels of this rank's block: out(c, y - lo_y, x - lo_x), c = count, mean vx, mean vy
  // (collective: migrates first so that every owned particle lies in the block).
  void lattice(Kokkos::View<double***, Kokkos::LayoutRight, Kokkos::HostSpace>& out);
  bool lattice_available() const { return lattice_ok_; }
  // Number of neighbours (self included) of every owned particle, from the cell lists at the current
  // state; ids(i) alongside (tests compare with a brute-force search).
  void neighbour_counts(std::vector<int64_t>& ids, std::vector<int>& counts);
  // Every particle, sorted by id, on every rank (collective; small systems only).
  std::vector<VicsekParticle> gather() const;
  // Owned particles' exact state for checkpoints: ids and (x, y, u_x, u_y) per particle (kStateWidth
  // values), positions wrapped into the box as the step left them.
  void owned_state(std::vector<int64_t>& ids, std::vector<double>& state) const;
  // Replaces every particle by `state` (any subset per rank, all N together; e.g. id blocks read
  // from a checkpoint) at step index `step` (collective). The run continues bit-identically. Headings
  // must be quantised unit vectors as owned_state gives them (error otherwise).
  void restore(const std::vector<int64_t>& ids, const std::vector<double>& state, long step);

 private:
  void prepare_neighbours();  // migrate + ghosts + cell-sorted copy at the current state

  VicsekParams params_;
  long n_global_ = 0;
  long step_ = 0;
  bool lattice_ok_ = false;
  std::unique_ptr<CartDecomposition<2>> decomp_;
  std::unique_ptr<ParticleExchange<2, Exec>> exchange_;
  Particles p_;
  Particles next_;  // the step writes the new state here, in cell order, then swaps it with p_
  std::unique_ptr<VicsekCellBins> bins_;
};

}  // namespace macrodyn::vicsek
