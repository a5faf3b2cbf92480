#include "sim/lj/lj_system.hpp"

#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "decomp/particle_id_blocks.hpp"

namespace macrodyn::lj {

using Policy = Kokkos::RangePolicy<Exec>;

namespace {
double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

std::array<long, 3> cell_grid(const std::array<double, 3>& box, double range) {
  std::array<long, 3> n{};
  for (int d = 0; d < 3; ++d) {
    n[d] = static_cast<long>(std::floor(box[d] / (range * (1.0 + 1e-12))));
    if (n[d] < 1) n[d] = 1;
  }
  return n;
}

// Host-side named view of a field of an aux mirror.
template <class HostAux>
auto field_of(const HostAux& aux, ParticleField f) {
  return Kokkos::subview(aux, Kokkos::ALL, Kokkos::make_pair(f.first, f.end()));
}

// The restore layout's extra field (see LjSystem::restore).
constexpr ParticleField checkpoint_position{field::count, 3};

// Copies host atoms into particle arrays: x = `positions` (the atoms' current or build positions),
// velocity, image counts (default 0), start position (default x) and build position (default x);
// `checkpoint_x`, when given, fills the restore layout's checkpoint_position field.
void fill_particles(Particles& p, const HostAtoms& a, const std::vector<double>& positions,
                    const std::vector<double>* checkpoint_x = nullptr) {
  const int n = static_cast<int>(a.id.size());
  p.reserve(n);
  auto hx = Kokkos::create_mirror_view(p.x);
  auto hid = Kokkos::create_mirror_view(p.id);
  auto haux = Kokkos::create_mirror_view(p.aux);
  // host-side named views of the fields
  auto host_field = [&](ParticleField f) { return field_of(haux, f); };
  auto v = host_field(field::velocity), image = host_field(field::image);
  auto start = host_field(field::start_position), build = host_field(field::build_position);
  for (int i = 0; i < n; ++i) {
    hid(i) = a.id[i];
    for (int d = 0; d < 3; ++d) {
      const size_t k = 3 * static_cast<size_t>(i) + d;
      hx(i, d) = positions[k];
      v(i, d) = a.v[k];
      image(i, d) = a.image.empty() ? 0.0 : a.image[k];
      start(i, d) = a.x0.empty() ? a.x[k] : a.x0[k];
      build(i, d) = a.xb.empty() ? a.x[k] : a.xb[k];
    }
  }
  if (checkpoint_x) {
    auto checkpoint = host_field(checkpoint_position);
    for (int i = 0; i < n; ++i)
      for (int d = 0; d < 3; ++d) checkpoint(i, d) = (*checkpoint_x)[3 * static_cast<size_t>(i) + d];
  }
  Kokkos::deep_copy(p.x, hx);
  Kokkos::deep_copy(p.id, hid);
  Kokkos::deep_copy(p.aux, haux);
  p.n_local = n;
  p.n_ghost = 0;
}
}  // namespace

LjSystem::LjSystem(MPI_Comm comm, std::array<double, 3> box, int64_t n_atoms, Params params,
                   std::array<int, 3> process_dims)
    : box_(box), n_atoms_(n_atoms), params_(params), p_(field::count, 0, 0) {
  if (!(params.rc > 0) || !(params.skin >= 0) || !(params.dt > 0)) fail("lj: rc, skin and dt must be positive");
  decomp_ = std::make_unique<CartDecomposition<3>>(comm, cell_grid(box, params.rc + params.skin),
                                                   std::array<bool, 3>{true, true, true}, process_dims);
  ex_ = std::make_unique<Exchange>(*decomp_, box);
}

void LjSystem::set_atoms(const HostAtoms& atoms) {
  fill_particles(p_, atoms, atoms.x);
  ex_->distribute(p_, field::image);
  long n = p_.n_local, total = 0;
  MPI_Allreduce(&n, &total, 1, MPI_LONG, MPI_SUM, comm());
  if (total != n_atoms_) fail("lj: ", total, " atoms were given, the system expects ", n_atoms_);
  rebuild();
  forces_now();
}

void LjSystem::restore(const HostAtoms& atoms, long step) {
  // Rebuild from the positions of the last list build, in the same canonical order, then put the
  // checkpoint positions back: the lists, ghost order and force sums are those of the original run.
  // The placement uses a wider layout, the LJ fields plus checkpoint_position, so that each atom's
  // checkpoint position travels to the owner its build position chooses.
  Particles placed(checkpoint_position.end(), 0, 0);
  fill_particles(placed, atoms, atoms.xb, &atoms.x);
  ex_->distribute(placed);
  list_.bin(placed, *ex_, placed.n_local);
  ex_->permute_owned(placed, list_.owned_order(placed.n_local));
  const int n = placed.n_local;
  p_.reserve(n);
  Kokkos::View<double* [3], Kokkos::LayoutRight, Mem> x_checkpoint("x_checkpoint", n);
  auto px = p_.x, tx = placed.x;
  auto pid = p_.id, tid = placed.id;
  auto fields = p_.field({0, field::count}), placed_fields = placed.field({0, field::count});
  auto placed_checkpoint = placed.field(checkpoint_position);
  Kokkos::parallel_for(
      "lj_restore_copy", Policy(0, n), KOKKOS_LAMBDA(int i) {
        for (int d = 0; d < 3; ++d) {
          px(i, d) = tx(i, d);
          x_checkpoint(i, d) = placed_checkpoint(i, d);
        }
        pid(i) = tid(i);
        for (int k = 0; k < field::count; ++k) fields(i, k) = placed_fields(i, k);
      });
  Kokkos::fence();
  p_.n_local = n;
  p_.n_ghost = 0;
  rebuild();
  auto x = p_.x;
  Kokkos::parallel_for(
      "lj_restore_x", Policy(0, n), KOKKOS_LAMBDA(int i) {
        for (int d = 0; d < 3; ++d) x(i, d) = x_checkpoint(i, d);
      });
  Kokkos::fence();
  ex_->update_ghosts(p_);
  forces_now();
  step_ = step;
}

void LjSystem::rebuild() {
  double t0 = now();
  ex_->migrate(p_, field::image);
  double t1 = now();
  list_.bin(p_, *ex_, p_.n_local);
  ex_->permute_owned(p_, list_.owned_order(p_.n_local));
  auto x = p_.x;
  auto build = p_.field(field::build_position);
  Kokkos::parallel_for(
      "lj_mark_build", Policy(0, p_.n_local), KOKKOS_LAMBDA(int i) {
        for (int d = 0; d < 3; ++d) build(i, d) = x(i, d);
      });
  Kokkos::fence();
  double t2 = now();
  ex_->build_ghosts(p_);
  if (f_.extent(0) < p_.capacity()) f_ = Forces("lj_force", p_.capacity());
  double t3 = now();
  list_.bin(p_, *ex_, p_.n_total());
  list_.build(p_, params_.rc + params_.skin, params_.newton);
  double t4 = now();
  times_.comm += (t1 - t0) + (t3 - t2);
  times_.neigh += (t2 - t1) + (t4 - t3);
  ++rebuilds_;
}

bool LjSystem::rebuild_due() {
  if (step_ % params_.neigh_every != 0) return false;
  if (!params_.neigh_check) return true;
  auto x = p_.x;
  auto build = p_.field(field::build_position);
  double mx = 0;
  Kokkos::parallel_reduce(
      "lj_displacement", Policy(0, p_.n_local),
      KOKKOS_LAMBDA(int i, double& m) {
        double r2 = 0;
        for (int d = 0; d < 3; ++d) {
          const double dx = x(i, d) - build(i, d);
          r2 += dx * dx;
        }
        if (r2 > m) m = r2;
      },
      Kokkos::Max<double>(mx));
  double global = 0;
  MPI_Allreduce(&mx, &global, 1, MPI_DOUBLE, MPI_MAX, comm());
  return global > 0.25 * params_.skin * params_.skin;
}

void LjSystem::forces_now() {
  double t0 = now();
  compute_forces(p_, list_, params_.rc, params_.newton, f_);
  double t1 = now();
  if (params_.newton) ex_->reverse_sum(f_);
  times_.pair += t1 - t0;
  times_.comm += now() - t1;
}

void LjSystem::step() {
  double t0 = now();
  const double half = 0.5 * params_.dt, dt = params_.dt;
  auto x = p_.x;
  auto v = p_.field(field::velocity);
  auto f = f_;
  Kokkos::parallel_for(
      "lj_verlet_first", Policy(0, p_.n_local), KOKKOS_LAMBDA(int i) {
        for (int d = 0; d < 3; ++d) {
          v(i, d) += half * f(i, d);
          x(i, d) += dt * v(i, d);
        }
      });
  Kokkos::fence();
  ++step_;
  times_.other += now() - t0;
  if (rebuild_due()) {
    rebuild();
  } else {
    double t1 = now();
    ex_->update_ghosts(p_);
    times_.comm += now() - t1;
  }
  forces_now();
  double t2 = now();
  f = f_;  // a rebuild reallocates or swaps the arrays: fetch them again
  v = p_.field(field::velocity);
  Kokkos::parallel_for(
      "lj_verlet_second", Policy(0, p_.n_local), KOKKOS_LAMBDA(int i) {
        for (int d = 0; d < 3; ++d) v(i, d) += half * f(i, d);
      });
  Kokkos::fence();
  times_.other += now() - t2;
}

Observables LjSystem::observe() {
  // Per-atom terms (pe, virial, pairs, ke, msd), summed on rank 0 in global-id order: the sums do
  // not depend on the rank count (bitwise, wherever the trajectory itself does not).
  const int n = p_.n_local;
  Kokkos::View<double* [3], Kokkos::LayoutRight, Mem> pair_terms("lj_pair_terms", n);
  energy_virial(p_, list_, params_.rc, params_.newton, pair_terms);
  Kokkos::View<double* [5], Kokkos::LayoutRight, Mem> terms("lj_observable_terms", n);
  auto x = p_.x;
  auto v = p_.field(field::velocity), image = p_.field(field::image), start = p_.field(field::start_position);
  const double L0 = box_[0], L1 = box_[1], L2 = box_[2];
  Kokkos::parallel_for(
      "lj_observable_terms", Policy(0, n), KOKKOS_LAMBDA(int i) {
        const double L[3] = {L0, L1, L2};
        double ke = 0, msd = 0;
        for (int d = 0; d < 3; ++d) {
          ke += 0.5 * v(i, d) * v(i, d);
          const double u = x(i, d) + image(i, d) * L[d] - start(i, d);
          msd += u * u;
        }
        for (int c = 0; c < 3; ++c) terms(i, c) = pair_terms(i, c);
        terms(i, 3) = ke, terms(i, 4) = msd;
      });
  Kokkos::fence();
  auto hterms = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), terms);
  auto hid = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.id);
  const std::vector<int64_t> ids(hid.data(), hid.data() + n);
  const std::vector<double> values(hterms.data(), hterms.data() + 5 * static_cast<size_t>(n));
  const std::vector<double> block = to_id_blocks(comm(), n_atoms_, ids, values, 5);
  int rank = 0, size = 1;
  MPI_Comm_rank(comm(), &rank);
  MPI_Comm_size(comm(), &size);
  int count = static_cast<int>(block.size());
  std::vector<int> counts(size), displs(size + 1, 0);
  MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm());
  for (int r = 0; r < size; ++r) displs[r + 1] = displs[r] + counts[r];
  std::vector<double> all(rank == 0 ? displs[size] : 0);
  MPI_Gatherv(block.data(), count, MPI_DOUBLE, all.data(), counts.data(), displs.data(), MPI_DOUBLE, 0, comm());
  double global[5] = {0, 0, 0, 0, 0};
  for (size_t k = 0; k < all.size(); ++k) global[k % 5] += all[k];  // id order
  MPI_Bcast(global, 5, MPI_DOUBLE, 0, comm());
  const double N = static_cast<double>(n_atoms_), volume = box_[0] * box_[1] * box_[2];
  Observables o;
  o.kinetic = global[3];
  o.potential = global[0];
  o.total = o.kinetic + o.potential;
  o.total_shifted = o.total - global[2] * LjCut::compute_evdwl(params_.rc * params_.rc);
  o.temperature = 2.0 * o.kinetic / (3.0 * (N - 1.0));
  o.pressure = (2.0 * o.kinetic + global[1]) / (3.0 * volume);
  o.msd = global[4] / N;
  return o;
}

HostAtoms LjSystem::owned_atoms(std::vector<double>* forces) const {
  const int n = p_.n_local;
  auto hx = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.x);
  auto hid = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.id);
  auto haux = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.aux);
  auto host_field = [&](ParticleField f) { return field_of(haux, f); };
  auto v = host_field(field::velocity), image = host_field(field::image);
  auto start = host_field(field::start_position), build = host_field(field::build_position);
  HostAtoms a;
  a.id.assign(hid.data(), hid.data() + n);
  a.x.resize(3 * n), a.v.resize(3 * n), a.image.resize(3 * n), a.x0.resize(3 * n), a.xb.resize(3 * n);
  for (int i = 0; i < n; ++i)
    for (int d = 0; d < 3; ++d) {
      a.x[3 * i + d] = hx(i, d);
      a.v[3 * i + d] = v(i, d);
      a.image[3 * i + d] = image(i, d);
      a.x0[3 * i + d] = start(i, d);
      a.xb[3 * i + d] = build(i, d);
    }
  if (forces) {
    auto hf = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f_);
    forces->assign(hf.data(), hf.data() + 3 * static_cast<size_t>(n));
  }
  return a;
}

size_t LjSystem::bytes() const {
  return p_.x.span() * sizeof(double) + p_.id.span() * sizeof(int64_t) + p_.cell.span() * sizeof(int) +
         p_.aux.span() * sizeof(double) + f_.span() * sizeof(double) + list_.bytes();
}

}  // namespace macrodyn::lj
