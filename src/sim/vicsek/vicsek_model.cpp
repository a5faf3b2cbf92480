#include "sim/vicsek/vicsek_model.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/kokkos_compat.hpp"
#include "core/rng.hpp"
#include "sim/vicsek/vicsek_heading_math.hpp"

namespace macrodyn::vicsek {

namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr uint32_t kInitStep = 0xFFFFFFFFu;  // counter "step" of the initial condition draws
}  // namespace

VicsekModel::VicsekModel(MPI_Comm comm, const VicsekParams& params) : params_(params) {
  if (params.L < 1) fail("vicsek: box side L must be >= 1");
  if (!(params.radius > 0)) fail("vicsek: interaction radius must be > 0");
  const long ncell = static_cast<long>(std::floor(params.L / params.radius));
  if (ncell < 3) fail("vicsek: box side L = ", params.L, " must be at least 3 interaction radii");
  if (params.speed * params.dt > params.L / static_cast<double>(ncell))
    fail("vicsek: v0 dt = ", params.speed * params.dt, " must not exceed the cell width ",
         params.L / static_cast<double>(ncell), " (migration moves particles by at most one cell)");
  lattice_ok_ = ncell == params.L;
  decomp_ = std::make_unique<CartDecomposition<2>>(comm, std::array<long, 2>{ncell, ncell},
                                                   std::array<bool, 2>{true, true});
  if (decomp_->local_cells(0) < 1 || decomp_->local_cells(1) < 1)
    fail("vicsek: ", ncell, " x ", ncell, " cells cannot be split over ", decomp_->size(), " ranks");
  const double Ld = static_cast<double>(params.L);
  exchange_ = std::make_unique<ParticleExchange<2, Exec>>(*decomp_, std::array<double, 2>{Ld, Ld});
  n_global_ = std::lround(params.rho * Ld * Ld);

  // Initial condition: rank r creates ids [lo, hi), then distribute() sends them to their owners.
  const int rank = decomp_->rank(), size = decomp_->size();
  const long lo = CartDecomposition<1>::block_lo(n_global_, size, rank);
  const long hi = CartDecomposition<1>::block_lo(n_global_, size, rank + 1);
  p_ = Particles(kHeading.end(), kHeading.end(), static_cast<size_t>(hi - lo));  // heading copied to ghosts
  next_ = Particles(kHeading.end(), kHeading.end(), 0);
  p_.n_local = static_cast<int>(hi - lo);
  {
    auto x = p_.x;
    auto id = p_.id;
    auto u = p_.field(kHeading);
    const CounterRng rng(params.seed, params.stream);
    const bool aligned = params.aligned_start;
    Kokkos::parallel_for(
        "vicsek_init", Kokkos::RangePolicy<Exec>(0, hi - lo), KOKKOS_LAMBDA(long k) {
          const uint64_t g = static_cast<uint64_t>(lo + k);
          id(k) = static_cast<int64_t>(g);
          x(k, 0) = Ld * rng.uniform(g, kInitStep, 0);
          x(k, 1) = Ld * rng.uniform(g, kInitStep, 1);
          const double theta = aligned ? 0.0 : kPi * (2.0 * rng.uniform(g, kInitStep, 2) - 1.0);
          u(k, 0) = quantise_unit(kmath::cos(theta));
          u(k, 1) = quantise_unit(kmath::sin(theta));
        });
    Kokkos::fence();
  }
  exchange_->distribute(p_);
  const double cell_width = Ld / static_cast<double>(ncell);
  bins_ = std::make_unique<VicsekCellBins>(decomp_->local_cells(0) + 2, decomp_->local_cells(1) + 2,
                                           static_cast<int>(decomp_->lo(0)) - 1, static_cast<int>(decomp_->lo(1)) - 1,
                                           VicsekCellBins::choose_group(params.rho * cell_width * cell_width));
}

// Owned positions are always wrapped and binned here: by distribute (construction, restore), by
// the step kernel (with the exchange's binner) or by lattice()'s full migrate.
void VicsekModel::prepare_neighbours() {
  exchange_->migrate(p_, {}, /*binned=*/true);
  exchange_->build_ghosts(p_);
  bins_->build(p_, kHeading.first);
}

// One kernel over blocks of kBlock owned particles: the neighbour sums (irregular reads of the
// cell-sorted copy), then the heading arithmetic of the whole block in branch-free loops over small
// local arrays (vectorisable), then the new state written at each particle's rank in cell order,
// positions wrapped into the box and binned by the exchange's rule (so migrate need not).
void VicsekModel::step() {
  prepare_neighbours();
  const int nloc = p_.n_local;
  if (next_.capacity() != p_.capacity()) next_.resize_exact(p_.capacity());  // equal: the exchange's scratch follows it
  auto x = p_.x;
  auto cell = p_.cell;
  auto id = p_.id;
  auto u = p_.field(kHeading);
  auto nx = next_.x;
  auto ncell = next_.cell;
  auto nid = next_.id;
  auto nu = next_.field(kHeading);
  auto start = bins_->start;
  auto col_bin = bins_->col_bin;
  auto px = bins_->px, py = bins_->py;
  auto qx = bins_->qx, qy = bins_->qy;
  auto dest = bins_->dest;
  const long nbx = bins_->nbx();
  const int lox = bins_->lox(), loy = bins_->loy();
  const double r2 = params_.radius * params_.radius;
  const double amp = params_.noise == NoiseLaw::Uniform ? params_.eta : params_.eta * kPi;
  const double step_len = params_.speed * params_.dt;
  const CounterRng rng(params_.seed, params_.stream);
  const uint32_t t = static_cast<uint32_t>(step_);
  const ParticleBinner<2> bin = exchange_->binner();
  constexpr int kBlock = 8;
  Kokkos::parallel_for(
      "vicsek_step", Kokkos::RangePolicy<Exec>(0, (nloc + kBlock - 1) / kBlock), KOKKOS_LAMBDA(int b) {
        const int i0 = b * kBlock;
        const int m = nloc - i0 < kBlock ? nloc - i0 : kBlock;
        int64_t ids[kBlock];
        double fx[kBlock], fy[kBlock], a[kBlock], ux[kBlock], uy[kBlock];
        for (int l = 0; l < kBlock; ++l) {
          const int i = i0 + (l < m ? l : m - 1);  // a short last block repeats its last particle
          const int cx = cell(i, 0) - lox;
          const NeighbourSum ns = neighbour_sum(start, px, py, qx, qy, nbx, col_bin(cx - 1), col_bin(cx + 1),
                                                cell(i, 1) - loy, x(i, 0), x(i, 1), r2);
          fx[l] = static_cast<double>(ns.sx);
          fy[l] = static_cast<double>(ns.sy);
          ids[l] = id(i);
        }
        for (int l = 0; l < kBlock; ++l) a[l] = amp * (rng.uniform(static_cast<uint64_t>(ids[l]), t, 0) - 0.5);
        for (int l = 0; l < kBlock; ++l) new_heading(fx[l], fy[l], a[l], ux[l], uy[l]);
        for (int l = 0; l < m; ++l) {
          const int i = i0 + l, d = dest(i);
          double xn = x(i, 0) + step_len * u(i, 0), yn = x(i, 1) + step_len * u(i, 1);  // old heading
          double wraps = 0.0;
          bin.wrap(0, xn, wraps);
          bin.wrap(1, yn, wraps);
          nx(d, 0) = xn;
          nx(d, 1) = yn;
          ncell(d, 0) = bin.cell(0, xn);
          ncell(d, 1) = bin.cell(1, yn);
          nid(d) = ids[l];
          nu(d, 0) = ux[l];
          nu(d, 1) = uy[l];
        }
      });
  Kokkos::fence();
  std::swap(p_, next_);
  p_.n_local = nloc;
  p_.n_ghost = 0;
  ++step_;
}

// Fixed-point sums (the quantisation of the neighbour sums): exact, so phi does not depend on the
// order of the particles or on the rank count.
double VicsekModel::order_parameter() const {
  auto u = p_.field(kHeading);
  int64_t sums[2] = {0, 0};
  Kokkos::parallel_reduce(
      "vicsek_phi", Kokkos::RangePolicy<Exec>(0, p_.n_local),
      KOKKOS_LAMBDA(int i, int64_t& a, int64_t& b) {
        a += fixed_of(u(i, 0));
        b += fixed_of(u(i, 1));
      },
      sums[0], sums[1]);
  MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_INT64_T, MPI_SUM, decomp_->comm());
  const double c = static_cast<double>(sums[0]) * kFixedUnit, sn = static_cast<double>(sums[1]) * kFixedUnit;
  return std::sqrt(c * c + sn * sn) / static_cast<double>(n_global_);
}

void VicsekModel::lattice(Kokkos::View<double***, Kokkos::LayoutRight, Kokkos::HostSpace>& out) {
  if (!lattice_ok_) fail("vicsek: lattice output needs interaction radius r <= 1 (cell grid = L x L lattice)");
  exchange_->migrate(p_);  // every owned particle back inside this rank's lattice block
  const long nx = decomp_->local_cells(0), ny = decomp_->local_cells(1);
  const long lox = decomp_->lo(0), loy = decomp_->lo(1);
  // count and fixed-point sums of (cos, sin) per cell: exact, independent of the particle order
  Kokkos::View<int64_t***, Kokkos::LayoutRight, Mem> acc("vicsek_lattice_sums", 3, ny, nx);
  Kokkos::View<double***, Kokkos::LayoutRight, Mem> mean("vicsek_lattice", 3, ny, nx);
  auto x = p_.x;
  auto u = p_.field(kHeading);
  const double v0 = params_.speed;
  const double Ld = static_cast<double>(params_.L);
  const long L = params_.L;
  // Owned particles only (just migrated: wrapped and inside this rank's block).
  Kokkos::parallel_for(
      "vicsek_lattice_deposit", Kokkos::RangePolicy<Exec>(0, p_.n_local), KOKKOS_LAMBDA(int i) {
        double px = x(i, 0), py = x(i, 1);
        px -= Ld * kmath::floor(px / Ld);
        py -= Ld * kmath::floor(py / Ld);
        long cx = static_cast<long>(px), cy = static_cast<long>(py);
        cx = cx >= L ? L - 1 : cx;
        cy = cy >= L ? L - 1 : cy;
        Kokkos::atomic_add(&acc(0, cy - loy, cx - lox), int64_t(1));
        Kokkos::atomic_add(&acc(1, cy - loy, cx - lox), fixed_of(u(i, 0)));
        Kokkos::atomic_add(&acc(2, cy - loy, cx - lox), fixed_of(u(i, 1)));
      });
  Kokkos::parallel_for(
      "vicsek_lattice_mean", Kokkos::MDRangePolicy<Exec, Kokkos::Rank<2>>({0, 0}, {ny, nx}),
      KOKKOS_LAMBDA(long j, long i) {
        const int64_t c = acc(0, j, i);
        mean(0, j, i) = static_cast<double>(c);
        mean(1, j, i) = c > 0 ? v0 * (static_cast<double>(acc(1, j, i)) * kFixedUnit) / static_cast<double>(c) : 0.0;
        mean(2, j, i) = c > 0 ? v0 * (static_cast<double>(acc(2, j, i)) * kFixedUnit) / static_cast<double>(c) : 0.0;
      });
  Kokkos::fence();
  if (out.extent(0) != 3 || static_cast<long>(out.extent(1)) != ny || static_cast<long>(out.extent(2)) != nx)
    out = Kokkos::View<double***, Kokkos::LayoutRight, Kokkos::HostSpace>("vicsek_lattice_host", 3, ny, nx);
  Kokkos::deep_copy(out, mean);
}

void VicsekModel::owned_state(std::vector<int64_t>& ids, std::vector<double>& state) const {
  const int n = p_.n_local;
  constexpr int w = kStateWidth;
  auto x_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.x);
  auto id_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.id);
  auto aux_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.aux);
  ids.assign(id_h.data(), id_h.data() + n);
  state.resize(w * static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    state[w * i] = x_h(i, 0);
    state[w * i + 1] = x_h(i, 1);
    state[w * i + 2] = aux_h(i, kHeading.first);
    state[w * i + 3] = aux_h(i, kHeading.first + 1);
  }
}

void VicsekModel::restore(const std::vector<int64_t>& ids, const std::vector<double>& state, long step) {
  const int n = static_cast<int>(ids.size());
  constexpr int w = kStateWidth;
  if (state.size() != w * ids.size()) fail("vicsek: restore needs ", w, " values per particle");
  p_.n_ghost = 0;
  p_.reserve(static_cast<size_t>(n));
  auto x_h = Kokkos::create_mirror_view(p_.x);
  auto id_h = Kokkos::create_mirror_view(p_.id);
  auto aux_h = Kokkos::create_mirror_view(p_.aux);
  long bad = 0;
  for (int i = 0; i < n; ++i) {
    id_h(i) = ids[i];
    x_h(i, 0) = state[w * i];
    x_h(i, 1) = state[w * i + 1];
    const double ux = state[w * i + 2], uy = state[w * i + 3];
    aux_h(i, kHeading.first) = ux;
    aux_h(i, kHeading.first + 1) = uy;
    // a heading must be a quantised unit vector, as the model writes it
    const bool quantised = quantise_unit(ux) == ux && quantise_unit(uy) == uy;
    bad += !(quantised && std::fabs(ux * ux + uy * uy - 1.0) < 1e-9);
  }
  Kokkos::deep_copy(p_.x, x_h);
  Kokkos::deep_copy(p_.id, id_h);
  Kokkos::deep_copy(p_.aux, aux_h);
  p_.n_local = n;
  long total = 0, mine = n;
  MPI_Allreduce(&mine, &total, 1, MPI_LONG, MPI_SUM, decomp_->comm());
  MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_LONG, MPI_SUM, decomp_->comm());
  if (total != n_global_) fail("vicsek: restore got ", total, " particles, the model has ", n_global_);
  if (bad > 0) fail("vicsek: restore got ", bad, " heading(s) that are not unit vectors quantised to 2^-40");
  exchange_->distribute(p_);
  step_ = step;
}

void VicsekModel::neighbour_counts(std::vector<int64_t>& ids, std::vector<int>& counts) {
  prepare_neighbours();
  const int nloc = p_.n_local;
  Kokkos::View<int*, Mem> cnt("vicsek_neighbour_count", nloc);
  auto x = p_.x;
  auto cell = p_.cell;
  auto start = bins_->start;
  auto col_bin = bins_->col_bin;
  auto px = bins_->px, py = bins_->py;
  auto qx = bins_->qx, qy = bins_->qy;
  const long nbx = bins_->nbx();
  const int lox = bins_->lox(), loy = bins_->loy();
  const double r2 = params_.radius * params_.radius;
  Kokkos::parallel_for(
      "vicsek_neighbour_count", Kokkos::RangePolicy<Exec>(0, nloc), KOKKOS_LAMBDA(int i) {
        const int cx = cell(i, 0) - lox;
        cnt(i) = neighbour_sum(start, px, py, qx, qy, nbx, col_bin(cx - 1), col_bin(cx + 1), cell(i, 1) - loy, x(i, 0),
                               x(i, 1), r2)
                     .count;
      });
  auto cnt_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), cnt);
  auto id_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.id);
  ids.assign(id_h.data(), id_h.data() + nloc);
  counts.assign(cnt_h.data(), cnt_h.data() + nloc);
}

std::vector<VicsekParticle> VicsekModel::gather() const {
  const int nloc = p_.n_local;
  auto x_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.x);
  auto id_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.id);
  auto aux_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.aux);
  const double Ld = static_cast<double>(params_.L);
  std::vector<double> mine(static_cast<size_t>(nloc) * 4);
  for (int i = 0; i < nloc; ++i) {
    mine[4 * i] = static_cast<double>(id_h(i));
    mine[4 * i + 1] = x_h(i, 0) - Ld * std::floor(x_h(i, 0) / Ld);
    mine[4 * i + 2] = x_h(i, 1) - Ld * std::floor(x_h(i, 1) / Ld);
    mine[4 * i + 3] = std::atan2(aux_h(i, kHeading.first + 1), aux_h(i, kHeading.first));
  }
  const int size = decomp_->size();
  int n4 = 4 * nloc;
  std::vector<int> counts(size), displ(size + 1, 0);
  MPI_Allgather(&n4, 1, MPI_INT, counts.data(), 1, MPI_INT, decomp_->comm());
  for (int r = 0; r < size; ++r) displ[r + 1] = displ[r] + counts[r];
  std::vector<double> all(displ[size]);
  MPI_Allgatherv(mine.data(), n4, MPI_DOUBLE, all.data(), counts.data(), displ.data(), MPI_DOUBLE, decomp_->comm());
  std::vector<VicsekParticle> out(all.size() / 4);
  for (size_t k = 0; k < out.size(); ++k)
    out[k] = {static_cast<int64_t>(all[4 * k]), all[4 * k + 1], all[4 * k + 2], all[4 * k + 3]};
  std::sort(out.begin(), out.end(), [](const VicsekParticle& a, const VicsekParticle& b) { return a.id < b.id; });
  return out;
}

}  // namespace macrodyn::vicsek
