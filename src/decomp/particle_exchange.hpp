#pragma once
// ParticleExchange<D, ExecSpace>: the particle side of the domain decomposition (migration, ghosts,
// ghost refresh, reverse sums), shared by every particle simulator (LJ 3-D, Vicsek 2-D).
//
// ---- Geometry --------------------------------------------------------------------------------
// The box [0, L_0) x ... x [0, L_{D-1}) is cut into a global grid of cells (CartDecomposition<D>'s
// global_cells, n_d per axis, width h_d = L_d / n_d); each rank owns a block of whole cells. A
// particle belongs to the rank that owns the cell floor(x_d / h_d) (clamped into [0, n_d)), so the
// owner is a pure function of the position, computed the same way on every rank count.
// The caller picks the cell grid so that h_d >= interaction range (+ skin): then every partner of an
// owned particle is owned or lies in the ONE cell layer of ghosts around the block.
//
// ---- Arrays (see particle_arrays.hpp) ----------------------------------------------------------
// Moved on migration: x (D), id, aux (n_aux columns). Copied to ghosts: x (shifted), id, cell
// (shifted), and the first n_ghost_aux aux columns. A caller adds per-particle fields (velocity,
// heading, image counts, ...) as named ParticleFields in aux; fields recomputed every step (forces)
// live outside and are communicated with forward() / reverse_sum().
//
// ---- Calls (all collective over the decomposition's communicator) -------------------------------
//   distribute(p, image) any rank may hold any particle (e.g. after reading a file block): wraps
//                     positions into the box and sends every particle to its owner (all-to-all).
//   migrate(p, image) after particles moved (by less than one cell since the last call): wraps
//                     positions (the D-wide field `image`, when given, counts the wraps)
//                     and hands particles that changed block to the neighbouring ranks. Discards
//                     the ghosts. The order of owned particles afterwards is unspecified.
//                     migrate(p, {}, true): the caller has already wrapped and binned every owned
//                     particle with binner() (e.g. in its integration kernel), which saves a pass.
//   binner()          the wrap-and-bin rule as a kernel-callable object (wrap(d, x_d, wraps),
//                     cell(d, x_d)), exactly as migrate and distribute apply it.
//   permute_owned(p, order)   reorders owned particles: new i = old order(i) (sorting for locality
//                     and for a rank-count-independent order); call before build_ghosts.
//   build_ghosts(p)   builds the ghost layer and records the send lists ("swaps"): for each axis d,
//                     the particles in the first / last owned cell layer (owned and ghosts received
//                     for earlier axes, so corners are covered) go to the lower / upper neighbour,
//                     shifted by +-L_d across a periodic edge. Ghost indices are n_local ..
//                     n_local + n_ghost - 1, in swap order (axis 0 down, axis 0 up, axis 1 down, ...),
//                     each swap in the sender's index order. A rank that is its own neighbour (one
//                     block along a periodic axis) copies locally, without MPI.
//   update_ghosts(p)  refreshes ghost positions (with the same shifts) and ghost aux columns from
//                     their owners through the recorded swaps; cheap, done every step.
//   forward(v)        same for any per-particle View v(i, c) (no shift).
//   reverse_sum(f)    adds every ghost's f(ghost, c) into its owner's entry (swaps in reverse
//                     order, so ghosts of ghosts accumulate first): used with half neighbour lists
//                     and Newton's third law. Ghost entries are left as they were.
// Positions between migrate calls may leave the owned block and the box by less than one cell:
// nothing is re-assigned until the next migrate (as in LAMMPS between neighbour-list rebuilds).
//
// Decisions: a particle's packed record is doubles (ids < 2^53 are exact); MPI sees host mirrors
// (no copies on host spaces); migrate requires each particle to stay within one block of its
// previous owner (checked collectively, error otherwise).
#include <Kokkos_Core.hpp>
#include <mpi.h>

#include <array>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/kokkos_compat.hpp"
#include "decomp/cart_decomposition.hpp"
#include "decomp/particle_arrays.hpp"
#include "decomp/particle_comm_buffer.hpp"

namespace macrodyn {

// Wrap-and-bin rule of ParticleExchange<D, ...> (see binner()): copyable into kernels.
template <int D>
struct ParticleBinner {
  KArray<double, D> L, inv_h;
  KArray<int, D> n, periodic;

  // Wraps coordinate d into [0, L_d) along a periodic axis when it lies outside; true when it did
  // (then `wraps` holds the box lengths removed, possibly 0 after rounding).
  KOKKOS_INLINE_FUNCTION bool wrap(int d, double& xd, double& wraps) const {
    if (!(periodic[d] && (xd < 0.0 || xd >= L[d]))) return false;
    double k = kmath::floor(xd / L[d]);
    xd -= k * L[d];
    if (xd >= L[d]) xd -= L[d], k += 1.0;
    if (xd < 0.0) xd += L[d], k -= 1.0;
    wraps = k;
    return true;
  }
  // Global cell of coordinate d (clamped into the grid): the owner rule.
  KOKKOS_INLINE_FUNCTION int cell(int d, double xd) const {
    const int c = static_cast<int>(kmath::floor(xd * inv_h[d]));
    return c < 0 ? 0 : (c >= n[d] ? n[d] - 1 : c);
  }
};

template <int D, class ExecSpace>
class ParticleExchange {
 public:
  using memory_space = typename ExecSpace::memory_space;
  using Particles = ParticleArrays<D, memory_space>;
  using IndexList = Kokkos::View<int*, memory_space>;
  using Policy = Kokkos::RangePolicy<ExecSpace>;

  ParticleExchange(const CartDecomposition<D>& decomp, std::array<double, D> box_length) : decomp_(decomp), L_(box_length) {
    for (int d = 0; d < D; ++d) {
      n_[d] = static_cast<int>(decomp.global_cells()[d]);
      h_[d] = L_[d] / n_[d];
      inv_h_[d] = n_[d] / L_[d];
      lo_[d] = static_cast<int>(decomp.lo(d));
      hi_[d] = static_cast<int>(decomp.hi(d));
      // owner process coordinate of every global cell along d
      owner_[d] = IndexList("cell_owner_coord", n_[d]);
      auto h = Kokkos::create_mirror_view(owner_[d]);
      for (int c = 0, p = 0; c < n_[d]; ++c) {
        while (CartDecomposition<D>::block_lo(n_[d], decomp.process_dims()[d], p + 1) <= c) ++p;
        h(c) = p;
      }
      Kokkos::deep_copy(owner_[d], h);
    }
    // rank of every process coordinate tuple (for distribute)
    std::vector<int> mine(decomp.coords().begin(), decomp.coords().end());
    std::vector<int> all(static_cast<size_t>(D) * decomp.size());
    MPI_Allgather(mine.data(), D, MPI_INT, all.data(), D, MPI_INT, decomp.comm());
    rank_of_coords_.assign(decomp.size(), 0);
    for (int r = 0; r < decomp.size(); ++r) rank_of_coords_[linear_coords(&all[static_cast<size_t>(D) * r])] = r;
  }

  double cell_width(int d) const { return h_[d]; }
  int cells(int d) const { return n_[d]; }
  int cell_lo(int d) const { return lo_[d]; }
  int cell_hi(int d) const { return hi_[d]; }
  const std::array<double, D>& box_length() const { return L_; }
  const CartDecomposition<D>& decomposition() const { return decomp_; }

  ParticleBinner<D> binner() const {
    ParticleBinner<D> b{KArray<double, D>(L_), KArray<double, D>(inv_h_), KArray<int, D>(n_), {}};
    for (int d = 0; d < D; ++d) b.periodic[d] = decomp_.periodic(d) ? 1 : 0;
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  void distribute(Particles& p, ParticleField image = {}) {
    p.n_ghost = 0;
    wrap_and_bin(p, image);
    const int nranks = decomp_.size();
    // owner rank of every owned particle (host side: done once per run)
    auto cell_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), p.cell);
    std::vector<int> dest(p.n_local), send_counts(nranks, 0), recv_counts(nranks, 0);
    std::array<std::vector<int>, D> own;
    for (int d = 0; d < D; ++d) {
      auto o = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), owner_[d]);
      own[d].assign(o.data(), o.data() + n_[d]);
    }
    for (int i = 0; i < p.n_local; ++i) {
      int c[D];
      for (int d = 0; d < D; ++d) c[d] = own[d][cell_h(i, d)];
      dest[i] = rank_of_coords_[linear_coords(c)];
      ++send_counts[dest[i]];
    }
    MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, decomp_.comm());
    const int w = record_width(p);
    std::vector<int> sdisp(nranks + 1, 0), rdisp(nranks + 1, 0);
    for (int r = 0; r < nranks; ++r) {
      sdisp[r + 1] = sdisp[r] + send_counts[r];
      rdisp[r + 1] = rdisp[r] + recv_counts[r];
    }
    // order particles by destination, pack, exchange
    IndexList order("distribute_order", p.n_local);
    auto order_h = Kokkos::create_mirror_view(order);
    std::vector<int> fill(sdisp.begin(), sdisp.end() - 1);
    for (int i = 0; i < p.n_local; ++i) order_h(fill[dest[i]]++) = i;
    Kokkos::deep_copy(order, order_h);
    buf_a_.ensure(static_cast<size_t>(p.n_local) * w);
    pack_records(p, order, p.n_local, buf_a_.dev);
    buf_a_.to_host(static_cast<size_t>(p.n_local) * w);
    const int nrecv = rdisp[nranks];
    buf_b_.ensure(static_cast<size_t>(nrecv) * w);
    std::vector<int> sc(nranks), sd(nranks), rc(nranks), rd(nranks);
    for (int r = 0; r < nranks; ++r) {
      sc[r] = send_counts[r] * w, sd[r] = sdisp[r] * w, rc[r] = recv_counts[r] * w, rd[r] = rdisp[r] * w;
    }
    MPI_Alltoallv(buf_a_.host.data(), sc.data(), sd.data(), MPI_DOUBLE, buf_b_.host.data(), rc.data(), rd.data(),
                  MPI_DOUBLE, decomp_.comm());
    buf_b_.to_dev(static_cast<size_t>(nrecv) * w);
    p.n_local = 0;
    p.reserve(nrecv);
    unpack_records(p, buf_b_.dev, 0, nrecv);
    p.n_local = nrecv;
    wrap_and_bin(p, ParticleField{});
  }

  // ---------------------------------------------------------------------------------------------
  void migrate(Particles& p, ParticleField image = {}, bool binned = false) {
    p.n_ghost = 0;
    if (!binned) wrap_and_bin(p, image);
    int lost = 0;
    for (int d = 0; d < D; ++d) {
      const int P = decomp_.process_dims()[d];
      if (P == 1) continue;
      lost += migrate_axis(p, d, P);
    }
    int lost_all = 0;
    MPI_Allreduce(&lost, &lost_all, 1, MPI_INT, MPI_SUM, decomp_.comm());
    if (lost_all > 0)
      fail("particle migration: ", lost_all, " particle(s) moved further than one process block since the "
           "last migration (time step too large or unstable dynamics)");
  }

  // ---------------------------------------------------------------------------------------------
  void permute_owned(Particles& p, const IndexList& order) {
    const int n = p.n_local;
    ensure_scratch(p, n);
    auto x = p.x, sx = scratch_.x;
    auto id = p.id, sid = scratch_.id;
    auto cell = p.cell, scell = scratch_.cell;
    auto aux = p.aux, saux = scratch_.aux;
    const int naux = p.n_aux;
    Kokkos::parallel_for(
        "particle_permute", Policy(0, n), KOKKOS_LAMBDA(int i) {
          const int o = order(i);
          for (int d = 0; d < D; ++d) sx(i, d) = x(o, d), scell(i, d) = cell(o, d);
          sid(i) = id(o);
          for (int k = 0; k < naux; ++k) saux(i, k) = aux(o, k);
        });
    Kokkos::fence();
    swap_with_scratch(p);
  }

  // ---------------------------------------------------------------------------------------------
  void build_ghosts(Particles& p) {
    p.n_ghost = 0;
    for (int d = 0; d < D; ++d) {
      const int candidates = p.n_total();  // both swaps of an axis see the same candidates
      for (int dir = 0; dir < 2; ++dir) build_swap(p, d, dir, candidates);
    }
  }

  void update_ghosts(Particles& p) {
    for (int s = 0; s < 2 * D; ++s) forward_swap(p.x, s, D, true);
    if (p.n_ghost_aux > 0)
      for (int s = 0; s < 2 * D; ++s) forward_swap(p.aux, s, p.n_ghost_aux, false);
  }

  template <class V>
  void forward(const V& v) {
    for (int s = 0; s < 2 * D; ++s) forward_swap(v, s, static_cast<int>(v.extent(1)), false);
  }

  template <class V>
  void reverse_sum(const V& f) {
    for (int s = 2 * D - 1; s >= 0; --s) reverse_swap(f, s, static_cast<int>(f.extent(1)));
  }

  // Number of ghosts received in swap s (diagnostics, tests).
  int swap_recv_count(int s) const { return swaps_[s].nrecv; }
  int swap_send_count(int s) const { return swaps_[s].nsend; }

 private:
  struct Swap {
    IndexList list{"ghost_send_list", 0};  // sender-side indices
    int nsend = 0, nrecv = 0, first = 0;  // received ghosts are [first, first + nrecv)
    int send_rank = MPI_PROC_NULL, recv_rank = MPI_PROC_NULL;
    double shift = 0.0;    // added to coordinate `axis` of sent positions
    int axis = 0;
    bool self = false;     // sending to ourselves: local copy
  };

  int linear_coords(const int* c) const {
    int r = 0;
    for (int d = D - 1; d >= 0; --d) r = r * decomp_.process_dims()[d] + c[d];
    return r;
  }

  int record_width(const Particles& p) const { return D + 1 + p.n_aux; }

  void ensure_scratch(const Particles& p, size_t n) {
    if (scratch_.n_aux != p.n_aux || scratch_.capacity() == 0) scratch_ = Particles(p.n_aux, p.n_ghost_aux, 0);
    // same capacity as p (no headroom on top: scratch and p trade places on every swap)
    const size_t c = n > p.capacity() ? n + n / 4 + 16 : p.capacity();
    if (scratch_.capacity() != c) scratch_.resize_exact(c);
  }

  // The scratch arrays become the particle arrays (and the old ones the scratch): no copy back.
  void swap_with_scratch(Particles& p) {
    std::swap(p.x, scratch_.x);
    std::swap(p.id, scratch_.id);
    std::swap(p.cell, scratch_.cell);
    std::swap(p.aux, scratch_.aux);
  }

  // Wraps owned positions into the periodic box (counting wraps into image columns) and bins them.
  void wrap_and_bin(Particles& p, ParticleField image) {
    auto x = p.x;
    auto cell = p.cell;
    auto aux = p.aux;
    const ParticleBinner<D> bin = binner();
    const bool count_images = image.width > 0;
    const int image_first = image.first;
    Kokkos::parallel_for(
        "particle_wrap_bin", Policy(0, p.n_local), KOKKOS_LAMBDA(int i) {
          for (int d = 0; d < D; ++d) {
            double xd = x(i, d), k = 0.0;
            if (bin.wrap(d, xd, k)) {
              x(i, d) = xd;
              if (count_images) aux(i, image_first + d) += k;
            }
            cell(i, d) = bin.cell(d, xd);
          }
        });
    Kokkos::fence();
  }

  // Packs records [x, id, aux] of particles list(0..count) into buf.
  void pack_records(const Particles& p, const IndexList& list, int count, const typename CommBuffer<memory_space>::Dev& buf) {
    auto x = p.x;
    auto id = p.id;
    auto aux = p.aux;
    const int naux = p.n_aux, w = record_width(p);
    Kokkos::parallel_for(
        "particle_pack", Policy(0, count), KOKKOS_LAMBDA(int k) {
          const int i = list(k);
          double* r = &buf(static_cast<size_t>(k) * w);
          for (int d = 0; d < D; ++d) r[d] = x(i, d);
          r[D] = static_cast<double>(id(i));
          for (int a = 0; a < naux; ++a) r[D + 1 + a] = aux(i, a);
        });
    Kokkos::fence();
  }

  void unpack_records(Particles& p, const typename CommBuffer<memory_space>::Dev& buf, int first, int count) {
    auto x = p.x;
    auto id = p.id;
    auto aux = p.aux;
    const int naux = p.n_aux, w = record_width(p);
    Kokkos::parallel_for(
        "particle_unpack", Policy(0, count), KOKKOS_LAMBDA(int k) {
          const double* r = &buf(static_cast<size_t>(k) * w);
          const int i = first + k;
          for (int d = 0; d < D; ++d) x(i, d) = r[d];
          id(i) = static_cast<int64_t>(r[D]);
          for (int a = 0; a < naux; ++a) aux(i, a) = r[D + 1 + a];
        });
    Kokkos::fence();
  }

  // Indices i < n with pred(i), in increasing order.
  template <class Pred>
  int select(int n, const Pred& pred, IndexList& out) {
    if (static_cast<int>(out.extent(0)) < n) Kokkos::resize(out, n + n / 4 + 16);
    auto list = out;
    int count = 0;
    Kokkos::parallel_scan(
        "particle_select", Policy(0, n),
        KOKKOS_LAMBDA(int i, int& offset, bool final) {
          if (pred(i)) {
            if (final) list(offset) = i;
            ++offset;
          }
        },
        count);
    return count;
  }

  // One axis of migration: particles whose owner block along d is the lower / upper neighbour leave.
  int migrate_axis(Particles& p, int d, int P) {
    const int me = decomp_.coords()[d];
    const int down = (me - 1 + P) % P, up = (me + 1) % P;
    auto cell = p.cell;
    auto owner = owner_[d];
    const int n = p.n_local;
    // direction code per particle: 0 stay, 1 down, 2 up, 3 too far
    Kokkos::View<int*, memory_space> code("migrate_code", n);
    Kokkos::parallel_for(
        "migrate_classify", Policy(0, n), KOKKOS_LAMBDA(int i) {
          const int o = owner(cell(i, d));
          code(i) = o == me ? 0 : (o == down ? 1 : (o == up ? 2 : 3));
        });
    const int lost = select(n, KOKKOS_LAMBDA(int i) { return code(i) == 3; }, list_a_);
    const int nd = select(n, KOKKOS_LAMBDA(int i) { return code(i) == 1; }, list_a_);
    IndexList down_list = list_a_;
    const int nu = select(n, KOKKOS_LAMBDA(int i) { return code(i) == 2; }, list_b_);
    IndexList up_list = list_b_;
    const int w = record_width(p);
    buf_a_.ensure(static_cast<size_t>(nd + nu) * w);
    pack_records(p, down_list, nd, buf_a_.dev);
    pack_records(p, up_list, nu, Kokkos::subview(buf_a_.dev, std::make_pair(static_cast<size_t>(nd) * w, buf_a_.dev.extent(0))));
    buf_a_.to_host(static_cast<size_t>(nd + nu) * w);
    const int rank_down = decomp_.neighbor(d, -1), rank_up = decomp_.neighbor(d, +1);
    int from_up = 0, from_down = 0;
    MPI_Comm comm = decomp_.comm();
    MPI_Sendrecv(&nd, 1, MPI_INT, rank_down, 10, &from_up, 1, MPI_INT, rank_up, 10, comm, MPI_STATUS_IGNORE);
    MPI_Sendrecv(&nu, 1, MPI_INT, rank_up, 11, &from_down, 1, MPI_INT, rank_down, 11, comm, MPI_STATUS_IGNORE);
    const int nrecv = from_up + from_down;
    buf_b_.ensure(static_cast<size_t>(nrecv) * w);
    MPI_Sendrecv(buf_a_.host.data(), nd * w, MPI_DOUBLE, rank_down, 12, buf_b_.host.data(), from_up * w, MPI_DOUBLE,
                 rank_up, 12, comm, MPI_STATUS_IGNORE);
    MPI_Sendrecv(buf_a_.host.data() + static_cast<size_t>(nd) * w, nu * w, MPI_DOUBLE, rank_up, 13,
                 buf_b_.host.data() + static_cast<size_t>(from_up) * w, from_down * w, MPI_DOUBLE, rank_down, 13, comm,
                 MPI_STATUS_IGNORE);
    buf_b_.to_dev(static_cast<size_t>(nrecv) * w);
    // keep the stayers (stable), then append the arrivals
    int kept = 0;
    Kokkos::View<int*, memory_space> pos("migrate_pos", n);
    Kokkos::parallel_scan(
        "migrate_keep", Policy(0, n),
        KOKKOS_LAMBDA(int i, int& offset, bool final) {
          if (code(i) == 0 || code(i) == 3) {
            if (final) pos(i) = offset;
            ++offset;
          } else if (final) {
            pos(i) = -1;
          }
        },
        kept);
    ensure_scratch(p, static_cast<size_t>(kept + nrecv));
    auto x = p.x, sx = scratch_.x;
    auto id = p.id, sid = scratch_.id;
    auto aux = p.aux, saux = scratch_.aux;
    auto scell = scratch_.cell;
    const int naux = p.n_aux;
    Kokkos::parallel_for(
        "migrate_compact", Policy(0, n), KOKKOS_LAMBDA(int i) {
          const int j = pos(i);
          if (j < 0) return;
          for (int a = 0; a < D; ++a) sx(j, a) = x(i, a), scell(j, a) = cell(i, a);
          sid(j) = id(i);
          for (int a = 0; a < naux; ++a) saux(j, a) = aux(i, a);
        });
    Kokkos::fence();
    swap_with_scratch(p);
    p.n_local = kept;
    unpack_records(p, buf_b_.dev, kept, nrecv);
    p.n_local = kept + nrecv;
    bin_range(p, kept, kept + nrecv);
    return lost;
  }

  // Bins particles [begin, end) (positions already wrapped by their previous owner).
  void bin_range(Particles& p, int begin, int end) {
    auto x = p.x;
    auto cell = p.cell;
    const KArray<double, D> inv_h(inv_h_);
    const KArray<int, D> n(n_);
    Kokkos::parallel_for(
        "particle_bin", Policy(begin, end), KOKKOS_LAMBDA(int i) {
          for (int d = 0; d < D; ++d) {
            const int c = static_cast<int>(kmath::floor(x(i, d) * inv_h[d]));
            cell(i, d) = c < 0 ? 0 : (c >= n[d] ? n[d] - 1 : c);
          }
        });
    Kokkos::fence();
  }

  void build_swap(Particles& p, int d, int dir, int candidates);
  template <class V>
  void forward_swap(const V& v, int s, int ncomp, bool shift_positions);
  template <class V>
  void reverse_swap(const V& f, int s, int ncomp);

  const CartDecomposition<D>& decomp_;
  std::array<double, D> L_{}, h_{}, inv_h_{};
  std::array<int, D> n_{}, lo_{}, hi_{};
  std::array<IndexList, D> owner_;
  std::vector<int> rank_of_coords_;
  Swap swaps_[2 * D];
  Particles scratch_;
  IndexList list_a_{"particle_list_a", 0}, list_b_{"particle_list_b", 0};
  CommBuffer<memory_space> buf_a_, buf_b_;
};

}  // namespace macrodyn

#include "decomp/particle_exchange_swaps.hpp"
