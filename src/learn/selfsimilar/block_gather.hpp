#pragma once
// Gathers of training batches from space-time samples values(sample, row, site) (any element
// type: uint8 CA cells, double densities), shared by the CA and diffusion pipelines.
//
// Pair id k of samples [first, ...) with blocks of T rows: sample first + k / taus, block tau =
//   k % taus, taus = rows / T - 1. x_now = rows [tau T, tau T + T) (features dt * W + x), x_next =
//   the next T rows; target = x_next rearranged as the decoder's output for space group S:
//   feature (dt * S + ds) * M + j = value (row dt, site j S + ds), M = W / S.
#include "learn/selfsimilar/ca_dataset.hpp"

namespace macrodyn::selfsimilar {

template <class T, class Values>
void gather_block_pairs(const Values& values, long first, int time_group, int space_group, const IdView& ids,
                        nn::Tensor<T>& x_now, nn::Tensor<T>& x_next, nn::Tensor<T>& target) {
  const long B = static_cast<long>(ids.extent(0)), W = static_cast<long>(values.extent(2));
  const long rows = static_cast<long>(values.extent(1)), TT = time_group, S = space_group, M = W / S;
  const long taus = rows / TT - 1;
  if (taus < 1) fail(rows, " rows give no pair of ", TT, "-row blocks");
  if (W % S != 0) fail("width ", W, " is not a multiple of the space group ", S);
  nn::ensure_shape(x_now, "block_x_now", TT * W, B);
  nn::ensure_shape(x_next, "block_x_next", TT * W, B);
  nn::ensure_shape(target, "block_target", TT * S * M, B);
  auto xn = x_now, xx = x_next, tt = target;
  Kokkos::parallel_for(
      "selfsimilar::gather_blocks", Kokkos::MDRangePolicy<nn::ExecSpace, Kokkos::Rank<3>>({0, 0, 0}, {B, TT, W}),
      KOKKOS_LAMBDA(long b, long dt, long i) {
        const long s = first + ids(b) / taus, row = (ids(b) % taus) * TT + dt;
        xn(dt * W + i, b) = static_cast<T>(values(s, row, i));
        const T next = static_cast<T>(values(s, row + TT, i));
        xx(dt * W + i, b) = next;
        tt((dt * S + i % S) * M + i / S, b) = next;
      });
}

// Row pairs: id k -> sample first + k / (rows - 1), row t = k % (rows - 1); x = row t, target = row t + 1.
template <class T, class Values>
void gather_row_pairs(const Values& values, long first, const IdView& ids, nn::Tensor<T>& x, nn::Tensor<T>& target) {
  const long B = static_cast<long>(ids.extent(0)), W = static_cast<long>(values.extent(2));
  const long steps = static_cast<long>(values.extent(1)) - 1;
  nn::ensure_shape(x, "rows_x", W, B);
  nn::ensure_shape(target, "rows_target", W, B);
  auto xx = x, tt = target;
  Kokkos::parallel_for(
      "selfsimilar::gather_rows", Kokkos::MDRangePolicy<nn::ExecSpace, Kokkos::Rank<2>>({0, 0}, {B, W}),
      KOKKOS_LAMBDA(long b, long i) {
        const long s = first + ids(b) / steps, t = ids(b) % steps;
        xx(i, b) = static_cast<T>(values(s, t, i));
        tt(i, b) = static_cast<T>(values(s, t + 1, i));
      });
}

}  // namespace macrodyn::selfsimilar
