#include "sim/lj/lj_system.hpp"

#include <chrono>
#include <cmath>

#include "core/error.hpp"

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

// Copies host atoms into particle arrays with `naux` >= col::COUNT aux columns; x is `xb` when
// use_xb (restart), and column col::COUNT.. holds x when naux > col::COUNT.
void fill_particles(Particles& p, const HostAtoms& a, bool use_xb) {
  const int n = static_cast<int>(a.id.size());
  p.reserve(n);
  auto hx = Kokkos::create_mirror_view(p.x);
  auto hid = Kokkos::create_mirror_view(p.id);
  auto haux = Kokkos::create_mirror_view(p.aux);
  for (int i = 0; i < n; ++i) {
    hid(i) = a.id[i];
    for (int d = 0; d < 3; ++d) {
      hx(i, d) = use_xb ? a.xb[3 * i + d] : a.x[3 * i + d];
      haux(i, col::V + d) = a.v[3 * i + d];
      haux(i, col::IMG + d) = a.image.empty() ? 0.0 : a.image[3 * i + d];
      haux(i, col::X0 + d) = a.x0.empty() ? a.x[3 * i + d] : a.x0[3 * i + d];
      haux(i, col::XB + d) = a.xb.empty() ? a.x[3 * i + d] : a.xb[3 * i + d];
      if (p.n_aux > col::COUNT) haux(i, col::COUNT + d) = a.x[3 * i + d];
    }
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
    : box_(box), n_atoms_(n_atoms), params_(params), p_(col::COUNT, 0, 0) {
  if (!(params.rc > 0) || !(params.skin >= 0) || !(params.dt > 0)) fail("lj: rc, skin and dt must be positive");
  decomp_ = std::make_unique<CartDecomposition<3>>(comm, cell_grid(box, params.rc + params.skin),
                                                   std::array<bool, 3>{true, true, true}, process_dims);
  ex_ = std::make_unique<Exchange>(*decomp_, box);
}

void LjSystem::set_atoms(const HostAtoms& atoms) {
  fill_particles(p_, atoms, false);
  ex_->distribute(p_, col::IMG);
  long n = p_.n_local, total = 0;
  MPI_Allreduce(&n, &total, 1, MPI_LONG, MPI_SUM, comm());
  if (total != n_atoms_) fail("lj: ", total, " atoms were given, the system expects ", n_atoms_);
  rebuild();
  forces_now();
}

void LjSystem::restore(const HostAtoms& atoms, long step) {
  // Rebuild from the positions of the last list build, in the same canonical order, then put the
  // current positions back: the lists, ghost order and force sums are those of the original run.
  Particles tmp(col::COUNT + 3, 0, 0);
  fill_particles(tmp, atoms, true);
  ex_->distribute(tmp);
  list_.bin(tmp, *ex_, tmp.n_local);
  ex_->permute_owned(tmp, list_.owned_order(tmp.n_local));
  const int n = tmp.n_local;
  p_.reserve(n);
  Kokkos::View<double* [3], Kokkos::LayoutRight, Mem> xnow("x_now", n);
  auto px = p_.x, tx = tmp.x;
  auto pid = p_.id, tid = tmp.id;
  auto paux = p_.aux, taux = tmp.aux;
  Kokkos::parallel_for(
      "lj_restore_copy", Policy(0, n), KOKKOS_LAMBDA(int i) {
        for (int d = 0; d < 3; ++d) {
          px(i, d) = tx(i, d);
          xnow(i, d) = taux(i, col::COUNT + d);
        }
        pid(i) = tid(i);
        for (int k = 0; k < col::COUNT; ++k) paux(i, k) = taux(i, k);
      });
  Kokkos::fence();
  p_.n_local = n;
  p_.n_ghost = 0;
  rebuild();
  auto x = p_.x;
  Kokkos::parallel_for(
      "lj_restore_x", Policy(0, n), KOKKOS_LAMBDA(int i) {
        for (int d = 0; d < 3; ++d) x(i, d) = xnow(i, d);
      });
  Kokkos::fence();
  ex_->update_ghosts(p_);
  forces_now();
  step_ = step;
}

void LjSystem::rebuild() {
  double t0 = now();
  ex_->migrate(p_, col::IMG);
  double t1 = now();
  list_.bin(p_, *ex_, p_.n_local);
  ex_->permute_owned(p_, list_.owned_order(p_.n_local));
  auto x = p_.x;
  auto aux = p_.aux;
  Kokkos::parallel_for(
      "lj_mark_build", Policy(0, p_.n_local), KOKKOS_LAMBDA(int i) {
        for (int d = 0; d < 3; ++d) aux(i, col::XB + d) = x(i, d);
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
  auto aux = p_.aux;
  double mx = 0;
  Kokkos::parallel_reduce(
      "lj_displacement", Policy(0, p_.n_local),
      KOKKOS_LAMBDA(int i, double& m) {
        double r2 = 0;
        for (int d = 0; d < 3; ++d) {
          const double dx = x(i, d) - aux(i, col::XB + d);
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
  auto aux = p_.aux;
  auto f = f_;
  Kokkos::parallel_for(
      "lj_verlet_first", Policy(0, p_.n_local), KOKKOS_LAMBDA(int i) {
        for (int d = 0; d < 3; ++d) {
          aux(i, col::V + d) += half * f(i, d);
          x(i, d) += dt * aux(i, col::V + d);
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
  aux = p_.aux;
  Kokkos::parallel_for(
      "lj_verlet_second", Policy(0, p_.n_local), KOKKOS_LAMBDA(int i) {
        for (int d = 0; d < 3; ++d) aux(i, col::V + d) += half * f(i, d);
      });
  Kokkos::fence();
  times_.other += now() - t2;
}

Observables LjSystem::observe() {
  const EnergyVirial ev = energy_virial(p_, list_, params_.rc, params_.newton);
  auto x = p_.x;
  auto aux = p_.aux;
  const double L0 = box_[0], L1 = box_[1], L2 = box_[2];
  double ke = 0, msd = 0;
  Kokkos::parallel_reduce(
      "lj_kinetic", Policy(0, p_.n_local),
      KOKKOS_LAMBDA(int i, double& s) {
        for (int d = 0; d < 3; ++d) s += 0.5 * aux(i, col::V + d) * aux(i, col::V + d);
      },
      ke);
  Kokkos::parallel_reduce(
      "lj_msd", Policy(0, p_.n_local),
      KOKKOS_LAMBDA(int i, double& s) {
        const double L[3] = {L0, L1, L2};
        for (int d = 0; d < 3; ++d) {
          const double u = x(i, d) + aux(i, col::IMG + d) * L[d] - aux(i, col::X0 + d);
          s += u * u;
        }
      },
      msd);
  double local[5] = {ke, ev.pe, ev.virial, ev.pairs, msd}, global[5];
  MPI_Allreduce(local, global, 5, MPI_DOUBLE, MPI_SUM, comm());
  const double N = static_cast<double>(n_atoms_), volume = box_[0] * box_[1] * box_[2];
  Observables o;
  o.kinetic = global[0];
  o.potential = global[1];
  o.total = o.kinetic + o.potential;
  o.total_shifted = o.total - global[3] * lj_potential(params_.rc * params_.rc);
  o.temperature = 2.0 * o.kinetic / (3.0 * (N - 1.0));
  o.pressure = (2.0 * o.kinetic + global[2]) / (3.0 * volume);
  o.msd = global[4] / N;
  return o;
}

HostAtoms LjSystem::owned_atoms(std::vector<double>* forces) const {
  const int n = p_.n_local;
  auto hx = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.x);
  auto hid = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.id);
  auto haux = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p_.aux);
  HostAtoms a;
  a.id.assign(hid.data(), hid.data() + n);
  a.x.resize(3 * n), a.v.resize(3 * n), a.image.resize(3 * n), a.x0.resize(3 * n), a.xb.resize(3 * n);
  for (int i = 0; i < n; ++i)
    for (int d = 0; d < 3; ++d) {
      a.x[3 * i + d] = hx(i, d);
      a.v[3 * i + d] = haux(i, col::V + d);
      a.image[3 * i + d] = haux(i, col::IMG + d);
      a.x0[3 * i + d] = haux(i, col::X0 + d);
      a.xb[3 * i + d] = haux(i, col::XB + d);
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
