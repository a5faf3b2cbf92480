#include "sim/vicsek/vicsek_model.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/kokkos_compat.hpp"
#include "core/rng.hpp"

namespace macrodyn::vicsek {

namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kFixed = 1099511627776.0;  // 2^40: fixed-point scale of the neighbour sums
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
  p_.n_local = static_cast<int>(hi - lo);
  {
    auto x = p_.x;
    auto id = p_.id;
    auto theta = p_.column(kHeading);
    const CounterRng rng(params.seed, params.stream);
    const bool aligned = params.aligned_start;
    Kokkos::parallel_for(
        "vicsek_init", Kokkos::RangePolicy<Exec>(0, hi - lo), KOKKOS_LAMBDA(long k) {
          const uint64_t g = static_cast<uint64_t>(lo + k);
          id(k) = static_cast<int64_t>(g);
          x(k, 0) = Ld * rng.uniform(g, kInitStep, 0);
          x(k, 1) = Ld * rng.uniform(g, kInitStep, 1);
          theta(k) = aligned ? 0.0 : kPi * (2.0 * rng.uniform(g, kInitStep, 2) - 1.0);
        });
    Kokkos::fence();
  }
  exchange_->distribute(p_);
  cnx_ = decomp_->local_cells(0) + 2;
  cny_ = decomp_->local_cells(1) + 2;
  cell_start_ = Kokkos::View<int*, Mem>("vicsek_cell_start", cnx_ * cny_ + 1);
  cell_count_ = Kokkos::View<int*, Mem>("vicsek_cell_count", cnx_ * cny_);
}

void VicsekModel::prepare_neighbours() {
  exchange_->migrate(p_);
  sort_owned_by_cell();
  exchange_->build_ghosts(p_);
  // Counting sort of owned + ghost particles into the local cell block (one ghost layer).
  const int n = p_.n_total();
  if (static_cast<int>(cell_index_.extent(0)) < n) cell_index_ = Kokkos::View<int*, Mem>("vicsek_cell_index", n + n / 4 + 16);
  auto cell = p_.cell;
  auto count = cell_count_;
  auto start = cell_start_;
  auto index = cell_index_;
  const long cnx = cnx_, ncells = cnx_ * cny_;
  const int lox = static_cast<int>(decomp_->lo(0)) - 1, loy = static_cast<int>(decomp_->lo(1)) - 1;
  Kokkos::deep_copy(count, 0);
  Kokkos::parallel_for(
      "vicsek_cell_count", Kokkos::RangePolicy<Exec>(0, n), KOKKOS_LAMBDA(int i) {
        const long c = (cell(i, 1) - loy) * cnx + (cell(i, 0) - lox);
        Kokkos::atomic_increment(&count(c));
      });
  Kokkos::parallel_scan(
      "vicsek_cell_scan", Kokkos::RangePolicy<Exec>(0, ncells), KOKKOS_LAMBDA(long c, int& offset, bool final) {
        if (final) start(c) = offset;
        offset += count(c);
        if (final && c == ncells - 1) start(ncells) = offset;
      });
  Kokkos::deep_copy(count, 0);
  Kokkos::parallel_for(
      "vicsek_cell_fill", Kokkos::RangePolicy<Exec>(0, n), KOKKOS_LAMBDA(int i) {
        const long c = (cell(i, 1) - loy) * cnx + (cell(i, 0) - lox);
        index(start(c) + Kokkos::atomic_fetch_add(&count(c), 1)) = i;
      });
  Kokkos::fence();
}

// Reorders owned particles by cell (counting sort on the owned block): neighbours then sit close in
// memory, which is what makes the neighbour loop cache-friendly at large N.
void VicsekModel::sort_owned_by_cell() {
  const int n = p_.n_local;
  if (static_cast<int>(order_.extent(0)) < n) order_ = Kokkos::View<int*, Mem>("vicsek_order", n + n / 4 + 16);
  auto cell = p_.cell;
  auto count = cell_count_;
  auto start = cell_start_;
  auto order = order_;
  const long cnx = cnx_, ncells = cnx_ * cny_;
  const int lox = static_cast<int>(decomp_->lo(0)) - 1, loy = static_cast<int>(decomp_->lo(1)) - 1;
  Kokkos::deep_copy(count, 0);
  Kokkos::parallel_for(
      "vicsek_sort_count", Kokkos::RangePolicy<Exec>(0, n), KOKKOS_LAMBDA(int i) {
        Kokkos::atomic_increment(&count((cell(i, 1) - loy) * cnx + (cell(i, 0) - lox)));
      });
  Kokkos::parallel_scan(
      "vicsek_sort_scan", Kokkos::RangePolicy<Exec>(0, ncells), KOKKOS_LAMBDA(long c, int& offset, bool final) {
        if (final) start(c) = offset;
        offset += count(c);
      });
  Kokkos::deep_copy(count, 0);
  Kokkos::parallel_for(
      "vicsek_sort_fill", Kokkos::RangePolicy<Exec>(0, n), KOKKOS_LAMBDA(int i) {
        const long c = (cell(i, 1) - loy) * cnx + (cell(i, 0) - lox);
        order(start(c) + Kokkos::atomic_fetch_add(&count(c), 1)) = i;
      });
  Kokkos::fence();
  exchange_->permute_owned(p_, Kokkos::subview(order_, std::make_pair(0, n)));
}

void VicsekModel::step() {
  prepare_neighbours();
  const int nloc = p_.n_local;
  if (static_cast<int>(new_theta_.extent(0)) < nloc) new_theta_ = Kokkos::View<double*, Mem>("vicsek_new_theta", nloc + nloc / 4 + 16);
  auto x = p_.x;
  auto cell = p_.cell;
  auto id = p_.id;
  auto theta = p_.column(kHeading);
  auto start = cell_start_;
  auto index = cell_index_;
  auto theta_new = new_theta_;
  const long cnx = cnx_;
  const int lox = static_cast<int>(decomp_->lo(0)) - 1, loy = static_cast<int>(decomp_->lo(1)) - 1;
  const double r2 = params_.radius * params_.radius;
  const double amp = params_.noise == NoiseLaw::Uniform ? params_.eta : params_.eta * kPi;
  const double step_len = params_.speed * params_.dt;
  const CounterRng rng(params_.seed, params_.stream);
  const uint32_t t = static_cast<uint32_t>(step_);
  // Fixed-point unit vectors of every owned + ghost particle, once per particle (not per pair).
  const int ntot = p_.n_total();
  if (static_cast<int>(unit_q_.extent(0)) < ntot) unit_q_ = Kokkos::View<int64_t* [2], Kokkos::LayoutRight, Mem>("vicsek_unit_q", ntot + ntot / 4 + 16);
  if (static_cast<int>(unit_.extent(0)) < ntot) unit_ = Kokkos::View<double* [2], Kokkos::LayoutRight, Mem>("vicsek_unit", ntot + ntot / 4 + 16);
  auto q = unit_q_;
  auto u = unit_;
  Kokkos::parallel_for(
      "vicsek_unit_vectors", Kokkos::RangePolicy<Exec>(0, ntot), KOKKOS_LAMBDA(int j) {
        const double th = theta(j);
        const double c = kmath::cos(th), sn = kmath::sin(th);
        u(j, 0) = c;
        u(j, 1) = sn;
        q(j, 0) = static_cast<int64_t>(c * kFixed);
        q(j, 1) = static_cast<int64_t>(sn * kFixed);
      });
  Kokkos::parallel_for(
      "vicsek_headings", Kokkos::RangePolicy<Exec>(0, nloc), KOKKOS_LAMBDA(int i) {
        const double xi = x(i, 0), yi = x(i, 1);
        const int cx = cell(i, 0) - lox, cy = cell(i, 1) - loy;
        int64_t sc = 0, ss = 0;
        for (int dy = -1; dy <= 1; ++dy) {
          const long row = (cy + dy) * cnx;
          for (int dx = -1; dx <= 1; ++dx) {
            const long c = row + cx + dx;
            for (int k = start(c); k < start(c + 1); ++k) {
              const int j = index(k);
              const double ex = x(j, 0) - xi, ey = x(j, 1) - yi;
              if (ex * ex + ey * ey < r2) {
                sc += q(j, 0);
                ss += q(j, 1);
              }
            }
          }
        }
        const double mean = kmath::atan2(static_cast<double>(ss), static_cast<double>(sc));
        const double xi_noise = rng.uniform(static_cast<uint64_t>(id(i)), t, 0) - 0.5;
        theta_new(i) = mean + amp * xi_noise;
      });
  Kokkos::parallel_for(
      "vicsek_move", Kokkos::RangePolicy<Exec>(0, nloc), KOKKOS_LAMBDA(int i) {
        x(i, 0) += step_len * u(i, 0);  // velocity at time t (unit vector of the old heading)
        x(i, 1) += step_len * u(i, 1);
        // keep headings in (-pi, pi] so that they stay exact functions of the sums
        double tn = theta_new(i);
        if (tn > kPi) tn -= 2 * kPi;
        if (tn <= -kPi) tn += 2 * kPi;
        theta(i) = tn;
      });
  Kokkos::fence();
  ++step_;
}

// Fixed-point sums (the quantisation of the neighbour sums): exact, so phi does not depend on the
// order of the particles or on the rank count.
double VicsekModel::order_parameter() const {
  auto theta = p_.column(kHeading);
  int64_t sums[2] = {0, 0};
  Kokkos::parallel_reduce(
      "vicsek_phi", Kokkos::RangePolicy<Exec>(0, p_.n_local),
      KOKKOS_LAMBDA(int i, int64_t& a, int64_t& b) {
        a += static_cast<int64_t>(kmath::cos(theta(i)) * kFixed);
        b += static_cast<int64_t>(kmath::sin(theta(i)) * kFixed);
      },
      sums[0], sums[1]);
  MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_INT64_T, MPI_SUM, decomp_->comm());
  const double c = static_cast<double>(sums[0]) / kFixed, sn = static_cast<double>(sums[1]) / kFixed;
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
  auto theta = p_.column(kHeading);
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
        Kokkos::atomic_add(&acc(1, cy - loy, cx - lox), static_cast<int64_t>(kmath::cos(theta(i)) * kFixed));
        Kokkos::atomic_add(&acc(2, cy - loy, cx - lox), static_cast<int64_t>(kmath::sin(theta(i)) * kFixed));
      });
  Kokkos::parallel_for(
      "vicsek_lattice_mean", Kokkos::MDRangePolicy<Exec, Kokkos::Rank<2>>({0, 0}, {ny, nx}),
      KOKKOS_LAMBDA(long j, long i) {
        const int64_t c = acc(0, j, i);
        mean(0, j, i) = static_cast<double>(c);
        mean(1, j, i) = c > 0 ? v0 * (static_cast<double>(acc(1, j, i)) / kFixed) / static_cast<double>(c) : 0.0;
        mean(2, j, i) = c > 0 ? v0 * (static_cast<double>(acc(2, j, i)) / kFixed) / static_cast<double>(c) : 0.0;
      });
  Kokkos::fence();
  if (out.extent(0) != 3 || static_cast<long>(out.extent(1)) != ny || static_cast<long>(out.extent(2)) != nx)
    out = Kokkos::View<double***, Kokkos::LayoutRight, Kokkos::HostSpace>("vicsek_lattice_host", 3, ny, nx);
  Kokkos::deep_copy(out, mean);
}

void VicsekModel::owned_state(std::vector<int64_t>& ids, std::vector<double>& state) const {
  const int n = p_.n_local;
  auto x_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.x);
  auto id_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.id);
  auto aux_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.aux);
  auto theta_h = Kokkos::subview(aux_h, Kokkos::ALL, kHeading.first);
  ids.assign(id_h.data(), id_h.data() + n);
  state.resize(3 * static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    state[3 * i] = x_h(i, 0);
    state[3 * i + 1] = x_h(i, 1);
    state[3 * i + 2] = theta_h(i);
  }
}

void VicsekModel::restore(const std::vector<int64_t>& ids, const std::vector<double>& state, long step) {
  const int n = static_cast<int>(ids.size());
  p_.n_ghost = 0;
  p_.reserve(static_cast<size_t>(n));
  auto x_h = Kokkos::create_mirror_view(p_.x);
  auto id_h = Kokkos::create_mirror_view(p_.id);
  auto aux_h = Kokkos::create_mirror_view(p_.aux);
  auto theta_h = Kokkos::subview(aux_h, Kokkos::ALL, kHeading.first);
  for (int i = 0; i < n; ++i) {
    id_h(i) = ids[i];
    x_h(i, 0) = state[3 * i];
    x_h(i, 1) = state[3 * i + 1];
    theta_h(i) = state[3 * i + 2];
  }
  Kokkos::deep_copy(p_.x, x_h);
  Kokkos::deep_copy(p_.id, id_h);
  Kokkos::deep_copy(p_.aux, aux_h);
  p_.n_local = n;
  long total = 0, mine = n;
  MPI_Allreduce(&mine, &total, 1, MPI_LONG, MPI_SUM, decomp_->comm());
  if (total != n_global_) fail("vicsek: restore got ", total, " particles, the model has ", n_global_);
  exchange_->distribute(p_);
  step_ = step;
}

void VicsekModel::neighbour_counts(std::vector<int64_t>& ids, std::vector<int>& counts) {
  prepare_neighbours();
  const int nloc = p_.n_local;
  Kokkos::View<int*, Mem> cnt("vicsek_neighbour_count", nloc);
  auto x = p_.x;
  auto cell = p_.cell;
  auto start = cell_start_;
  auto index = cell_index_;
  const long cnx = cnx_;
  const int lox = static_cast<int>(decomp_->lo(0)) - 1, loy = static_cast<int>(decomp_->lo(1)) - 1;
  const double r2 = params_.radius * params_.radius;
  Kokkos::parallel_for(
      "vicsek_neighbour_count", Kokkos::RangePolicy<Exec>(0, nloc), KOKKOS_LAMBDA(int i) {
        const int cx = cell(i, 0) - lox, cy = cell(i, 1) - loy;
        int m = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            const long c = (cy + dy) * cnx + cx + dx;
            for (int k = start(c); k < start(c + 1); ++k) {
              const int j = index(k);
              const double ex = x(j, 0) - x(i, 0), ey = x(j, 1) - x(i, 1);
              m += ex * ex + ey * ey < r2;
            }
          }
        cnt(i) = m;
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
  auto theta_h = Kokkos::subview(aux_h, Kokkos::ALL, kHeading.first);
  const double Ld = static_cast<double>(params_.L);
  std::vector<double> mine(static_cast<size_t>(nloc) * 4);
  for (int i = 0; i < nloc; ++i) {
    mine[4 * i] = static_cast<double>(id_h(i));
    mine[4 * i + 1] = x_h(i, 0) - Ld * std::floor(x_h(i, 0) / Ld);
    mine[4 * i + 2] = x_h(i, 1) - Ld * std::floor(x_h(i, 1) / Ld);
    mine[4 * i + 3] = theta_h(i);
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
