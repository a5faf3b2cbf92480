#pragma once
// Ghost swaps of ParticleExchange (included at the end of particle_exchange.hpp): building the
// send lists and ghosts, forward refresh of ghost data and reverse summation into owners.
// Swap s = 2 d + dir: dir 0 sends the first owned cell layer along d to the lower neighbour, dir 1
// the last layer to the upper neighbour; candidates are the owned particles and the ghosts received
// for axes < d. Ghost record: x (D, shifted), id, cell (D, shifted), first n_ghost_aux aux columns.

namespace macrodyn {

template <int D, class ExecSpace>
void ParticleExchange<D, ExecSpace>::build_swap(Particles& p, int d, int dir, int candidates) {
  Swap& sw = swaps_[2 * d + dir];
  const int P = decomp_.process_dims()[d], me = decomp_.coords()[d];
  sw.axis = d;
  sw.send_rank = decomp_.neighbor(d, dir == 0 ? -1 : +1);
  sw.recv_rank = decomp_.neighbor(d, dir == 0 ? +1 : -1);
  sw.self = sw.send_rank == decomp_.rank();
  const bool wraps = decomp_.periodic(d) && (dir == 0 ? me == 0 : me == P - 1);
  sw.shift = wraps ? (dir == 0 ? L_[d] : -L_[d]) : 0.0;
  const int cshift = wraps ? (dir == 0 ? n_[d] : -n_[d]) : 0;
  const int layer = dir == 0 ? lo_[d] : hi_[d] - 1;
  sw.nsend = 0;
  if (sw.send_rank != MPI_PROC_NULL) {
    auto cell = p.cell;
    sw.nsend = select(candidates, KOKKOS_LAMBDA(int i) { return cell(i, d) == layer; }, sw.list);
  }
  MPI_Comm comm = decomp_.comm();
  if (sw.self) {
    sw.nrecv = sw.nsend;
  } else {
    sw.nrecv = 0;
    MPI_Sendrecv(&sw.nsend, 1, MPI_INT, sw.send_rank, 30, &sw.nrecv, 1, MPI_INT, sw.recv_rank, 30, comm,
                 MPI_STATUS_IGNORE);
  }
  sw.first = p.n_total();
  p.reserve(static_cast<size_t>(sw.first) + sw.nrecv);
  auto x = p.x;
  auto id = p.id;
  auto cell = p.cell;
  auto aux = p.aux;
  auto list = sw.list;
  const int ngaux = p.n_ghost_aux, first = sw.first;
  const double shift = sw.shift;
  if (sw.self) {
    Kokkos::parallel_for(
        "ghost_copy", Policy(0, sw.nsend), KOKKOS_LAMBDA(int k) {
          const int i = list(k), j = first + k;
          for (int a = 0; a < D; ++a) {
            x(j, a) = x(i, a) + (a == d ? shift : 0.0);
            cell(j, a) = cell(i, a) + (a == d ? cshift : 0);
          }
          id(j) = id(i);
          for (int a = 0; a < ngaux; ++a) aux(j, a) = aux(i, a);
        });
    Kokkos::fence();
  } else {
    const int w = 2 * D + 1 + ngaux;
    buf_a_.ensure(static_cast<size_t>(sw.nsend) * w);
    buf_b_.ensure(static_cast<size_t>(sw.nrecv) * w);
    auto sbuf = buf_a_.dev;
    Kokkos::parallel_for(
        "ghost_pack", Policy(0, sw.nsend), KOKKOS_LAMBDA(int k) {
          const int i = list(k);
          double* r = &sbuf(static_cast<size_t>(k) * w);
          for (int a = 0; a < D; ++a) {
            r[a] = x(i, a) + (a == d ? shift : 0.0);
            r[D + 1 + a] = static_cast<double>(cell(i, a) + (a == d ? cshift : 0));
          }
          r[D] = static_cast<double>(id(i));
          for (int a = 0; a < ngaux; ++a) r[2 * D + 1 + a] = aux(i, a);
        });
    Kokkos::fence();
    buf_a_.to_host(static_cast<size_t>(sw.nsend) * w);
    MPI_Sendrecv(buf_a_.host.data(), sw.nsend * w, MPI_DOUBLE, sw.send_rank, 31, buf_b_.host.data(), sw.nrecv * w,
                 MPI_DOUBLE, sw.recv_rank, 31, comm, MPI_STATUS_IGNORE);
    buf_b_.to_dev(static_cast<size_t>(sw.nrecv) * w);
    auto rbuf = buf_b_.dev;
    Kokkos::parallel_for(
        "ghost_unpack", Policy(0, sw.nrecv), KOKKOS_LAMBDA(int k) {
          const double* r = &rbuf(static_cast<size_t>(k) * w);
          const int j = first + k;
          for (int a = 0; a < D; ++a) {
            x(j, a) = r[a];
            cell(j, a) = static_cast<int>(r[D + 1 + a]);
          }
          id(j) = static_cast<int64_t>(r[D]);
          for (int a = 0; a < ngaux; ++a) aux(j, a) = r[2 * D + 1 + a];
        });
    Kokkos::fence();
  }
  p.n_ghost += sw.nrecv;
}

template <int D, class ExecSpace>
template <class V>
void ParticleExchange<D, ExecSpace>::forward_swap(const V& v, int s, int ncomp, bool shift_positions) {
  const Swap& sw = swaps_[s];
  auto list = sw.list;
  const int first = sw.first, axis = sw.axis;
  const double shift = shift_positions ? sw.shift : 0.0;
  if (sw.self) {
    Kokkos::parallel_for(
        "ghost_forward_copy", Policy(0, sw.nsend), KOKKOS_LAMBDA(int k) {
          const int i = list(k), j = first + k;
          for (int c = 0; c < ncomp; ++c) v(j, c) = v(i, c) + (c == axis ? shift : 0.0);
        });
    Kokkos::fence();
    return;
  }
  buf_a_.ensure(static_cast<size_t>(sw.nsend) * ncomp);
  buf_b_.ensure(static_cast<size_t>(sw.nrecv) * ncomp);
  auto sbuf = buf_a_.dev;
  Kokkos::parallel_for(
      "ghost_forward_pack", Policy(0, sw.nsend), KOKKOS_LAMBDA(int k) {
        const int i = list(k);
        for (int c = 0; c < ncomp; ++c) sbuf(static_cast<size_t>(k) * ncomp + c) = v(i, c) + (c == axis ? shift : 0.0);
      });
  Kokkos::fence();
  buf_a_.to_host(static_cast<size_t>(sw.nsend) * ncomp);
  MPI_Sendrecv(buf_a_.host.data(), sw.nsend * ncomp, MPI_DOUBLE, sw.send_rank, 32, buf_b_.host.data(), sw.nrecv * ncomp,
               MPI_DOUBLE, sw.recv_rank, 32, decomp_.comm(), MPI_STATUS_IGNORE);
  buf_b_.to_dev(static_cast<size_t>(sw.nrecv) * ncomp);
  auto rbuf = buf_b_.dev;
  Kokkos::parallel_for(
      "ghost_forward_unpack", Policy(0, sw.nrecv), KOKKOS_LAMBDA(int k) {
        for (int c = 0; c < ncomp; ++c) v(first + k, c) = rbuf(static_cast<size_t>(k) * ncomp + c);
      });
  Kokkos::fence();
}

template <int D, class ExecSpace>
template <class V>
void ParticleExchange<D, ExecSpace>::reverse_swap(const V& f, int s, int ncomp) {
  const Swap& sw = swaps_[s];
  auto list = sw.list;
  const int first = sw.first;
  if (sw.self) {  // one swap's send list has distinct entries: no write conflicts
    Kokkos::parallel_for(
        "ghost_reverse_copy", Policy(0, sw.nsend), KOKKOS_LAMBDA(int k) {
          const int i = list(k), j = first + k;
          for (int c = 0; c < ncomp; ++c) f(i, c) += f(j, c);
        });
    Kokkos::fence();
    return;
  }
  buf_a_.ensure(static_cast<size_t>(sw.nrecv) * ncomp);
  buf_b_.ensure(static_cast<size_t>(sw.nsend) * ncomp);
  auto sbuf = buf_a_.dev;
  Kokkos::parallel_for(
      "ghost_reverse_pack", Policy(0, sw.nrecv), KOKKOS_LAMBDA(int k) {
        for (int c = 0; c < ncomp; ++c) sbuf(static_cast<size_t>(k) * ncomp + c) = f(first + k, c);
      });
  Kokkos::fence();
  buf_a_.to_host(static_cast<size_t>(sw.nrecv) * ncomp);
  MPI_Sendrecv(buf_a_.host.data(), sw.nrecv * ncomp, MPI_DOUBLE, sw.recv_rank, 33, buf_b_.host.data(), sw.nsend * ncomp,
               MPI_DOUBLE, sw.send_rank, 33, decomp_.comm(), MPI_STATUS_IGNORE);
  buf_b_.to_dev(static_cast<size_t>(sw.nsend) * ncomp);
  auto rbuf = buf_b_.dev;
  Kokkos::parallel_for(
      "ghost_reverse_unpack", Policy(0, sw.nsend), KOKKOS_LAMBDA(int k) {
        const int i = list(k);
        for (int c = 0; c < ncomp; ++c) f(i, c) += rbuf(static_cast<size_t>(k) * ncomp + c);
      });
  Kokkos::fence();
}

}  // namespace macrodyn
