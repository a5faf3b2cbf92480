#include "sim/allen_cahn/allen_cahn_grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "core/exact_sum.hpp"
#include "sim/allen_cahn/allen_cahn_rk4.hpp"

namespace macrodyn::allen_cahn {

namespace {
using Exec = AllenCahnGrid::Exec;
using Policy2 = Kokkos::MDRangePolicy<Exec, Kokkos::Rank<2>>;
}  // namespace

AllenCahnGrid::AllenCahnGrid(MPI_Comm comm, const Model& model, std::array<int, 2> process_dims,
                             TimeBlocking blocking)
    : model_(model), strip_cols_(blocking.strip_cols) {
  if (model.n < 2) fail("Allen-Cahn: grid side n = ", model.n, " must be at least 2");
  if (blocking.steps < 1 || blocking.strip_cols < 1)
    fail("Allen-Cahn: time block ", blocking.steps, " and strip width ", blocking.strip_cols, " must be positive");
  decomp_ = std::make_unique<CartDecomposition<2>>(comm, std::array<long, 2>{model.n, model.n},
                                                   std::array<bool, 2>{false, false}, process_dims);
  // Ghost width = steps per block, at most the smallest block of any rank (the same on every rank).
  const auto& dims = decomp_->process_dims();
  g_ = std::max(1L, std::min({blocking.steps, model.n / dims[0], model.n / dims[1]}));
  halo_ = std::make_unique<Halo>(*decomp_, 1, static_cast<int>(g_), EdgeFill::ReflectCell);
  nx_ = decomp_->local_cells(0);
  ny_ = decomp_->local_cells(1);
  v_ = halo_->make_field("allen_cahn_v");
  w_ = halo_->make_field("allen_cahn_w");
}

void AllenCahnGrid::set_torus(double r1, double r2) {
  const Field v = v_;
  const double h = model_.h, eps = model_.eps;
  const long x0 = decomp_->lo(0), y0 = decomp_->lo(1), g = g_;
  Kokkos::parallel_for(
      "allen_cahn_torus", Policy2({0, 0}, {ny_, nx_}), KOKKOS_LAMBDA(long j, long i) {
        const double x = (static_cast<double>(x0 + i) + 0.5) * h;
        const double y = (static_cast<double>(y0 + j) + 0.5) * h;
        v(0, j + g, i + g) = torus(x, y, r1, r2, eps);
      });
  halo_->exchange(v_);
}

void AllenCahnGrid::set_constant(double value) {
  Kokkos::deep_copy(v_, value);
  halo_->exchange(v_);
}

void AllenCahnGrid::set_owned(const double* host) {
  Owned block("allen_cahn_owned", ny_, nx_);
  auto mirror = Kokkos::create_mirror_view(block);
  if (ny_ * nx_ > 0) std::memcpy(mirror.data(), host, sizeof(double) * ny_ * nx_);
  Kokkos::deep_copy(block, mirror);
  const Field v = v_;
  const long g = g_;
  Kokkos::parallel_for(
      "allen_cahn_set_owned", Policy2({0, 0}, {ny_, nx_}),
      KOKKOS_LAMBDA(long j, long i) { v(0, j + g, i + g) = block(j, i); });
  halo_->exchange(v_);
}

void AllenCahnGrid::copy_owned(const Owned& out) const {
  const Field v = v_;
  const long g = g_;
  Kokkos::parallel_for(
      "allen_cahn_copy_owned", Policy2({0, 0}, {ny_, nx_}),
      KOKKOS_LAMBDA(long j, long i) { out(j, i) = v(0, j + g, i + g); });
}

void AllenCahnGrid::copy_owned(double* host) const {
  Owned block(Kokkos::view_alloc(Kokkos::WithoutInitializing, "allen_cahn_owned"), ny_, nx_);
  copy_owned(block);
  auto mirror = Kokkos::create_mirror_view(block);
  Kokkos::deep_copy(mirror, block);
  if (ny_ * nx_ > 0) std::memcpy(host, mirror.data(), sizeof(double) * ny_ * nx_);
}

void AllenCahnGrid::advance(double dt, long steps) {
  while (steps > 0) {
    const long block = std::min(steps, g_);
    blocked_euler<Exec>(v_, w_, nx_, ny_, g_, block, strip_cols_, dt, model_.inv_h2, model_.inv_eps2);
    std::swap(v_, w_);
    halo_->exchange(v_);
    steps -= block;
  }
}

void AllenCahnGrid::advance_rk4(double dt, long steps) {
  if (steps <= 0) return;
  if (rk_acc_.extent(0) == 0) {
    rk_stage_ = halo_->make_field("allen_cahn_rk4_stage");
    rk_acc_ = halo_->make_field("allen_cahn_rk4_acc");
  }
  const double ih2 = model_.inv_h2, ie2 = model_.inv_eps2;
  // Stage fields alternate between w_ and rk_stage_ (a stage reads the neighbours of its input, so it
  // cannot overwrite it); the last stage writes the new state into v_ (it does not read v_).
  for (long s = 0; s < steps; ++s) {
    rk4_stage<0, Exec>(v_, v_, rk_acc_, w_, nx_, ny_, g_, dt, ih2, ie2);
    halo_->exchange(w_);
    rk4_stage<1, Exec>(w_, v_, rk_acc_, rk_stage_, nx_, ny_, g_, dt, ih2, ie2);
    halo_->exchange(rk_stage_);
    rk4_stage<2, Exec>(rk_stage_, v_, rk_acc_, w_, nx_, ny_, g_, dt, ih2, ie2);
    halo_->exchange(w_);
    rk4_stage<3, Exec>(w_, v_, rk_acc_, v_, nx_, ny_, g_, dt, ih2, ie2);
    halo_->exchange(v_);
  }
}

void AllenCahnGrid::force(const Owned& out) const {
  const Field v = v_;
  const long g = g_;
  const double inv_h2 = model_.inv_h2, inv_eps2 = model_.inv_eps2;
  Kokkos::parallel_for(
      "allen_cahn_force", Policy2({0, 0}, {ny_, nx_}), KOKKOS_LAMBDA(long j, long i) {
        const long y = j + g, x = i + g;
        out(j, i) = force_at(v(0, y, x), v(0, y, x - 1), v(0, y, x + 1), v(0, y - 1, x), v(0, y + 1, x), inv_h2,
                             inv_eps2);
      });
}

double AllenCahnGrid::free_energy() const {
  const Field v = v_;
  const double h2 = model_.h * model_.h, inv_eps2 = model_.inv_eps2;
  // Each cell contributes its bulk term and the faces to its right and upper neighbours; at the
  // domain edge the mirrored ghost makes that face term zero, at a rank boundary the ghost is the
  // neighbour's cell, so every interior face is counted exactly once. The terms are summed exactly
  // (core/exact_sum.hpp), so the energy is bitwise the same for any rank or thread count.
  auto term = KOKKOS_LAMBDA(long j, long i) {
    const double c = v(0, j, i);
    const double gx = v(0, j, i + 1) - c, gy = v(0, j + 1, i) - c;
    return h2 * inv_eps2 * double_well(c) + 0.5 * (gx * gx + gy * gy);
  };
  const Policy2 cells({g_, g_}, {ny_ + g_, nx_ + g_});
  double local_max = 0.0, global_max = 0.0;
  Kokkos::parallel_reduce(
      "allen_cahn_energy_max", cells,
      KOKKOS_LAMBDA(long j, long i, double& m) {
        const double t = term(j, i), a = t < 0.0 ? -t : t;
        m = a > m ? a : m;
      },
      Kokkos::Max<double>(local_max));
  MPI_Allreduce(&local_max, &global_max, 1, MPI_DOUBLE, MPI_MAX, comm());
  const int e = exact_sum::scale_exponent(global_max, static_cast<double>(model_.n) * static_cast<double>(model_.n));
  const double scale = std::ldexp(1.0, e);
  exact_sum::Fixed local = 0;
  Kokkos::parallel_reduce(
      "allen_cahn_energy", cells,
      KOKKOS_LAMBDA(long j, long i, exact_sum::Fixed& sum) { sum += exact_sum::to_fixed(term(j, i), scale); }, local);
  return exact_sum::allreduce(local, e, comm());
}

std::vector<double> AllenCahnGrid::partial_forces(const std::vector<int64_t>& ids) const {
  const int64_t n = model_.n;
  const long x0 = decomp_->lo(0), y0 = decomp_->lo(1), stride = nx_ + 2 * g_;
  // Entries owned here: position in I and flat offset of the cell in the ghosted field.
  std::vector<int> position;
  position.reserve(ids.size() / static_cast<size_t>(decomp_->size()) + 16);
  std::vector<int64_t> offset;
  offset.reserve(position.capacity());
  for (size_t k = 0; k < ids.size(); ++k) {
    const int64_t y = ids[k] / n, x = ids[k] % n;
    if (ids[k] < 0 || ids[k] >= n * n) fail("Allen-Cahn partial forces: cell id ", ids[k], " outside the grid");
    if (y < y0 || y >= y0 + ny_ || x < x0 || x >= x0 + nx_) continue;
    position.push_back(static_cast<int>(k));
    offset.push_back((y - y0 + g_) * stride + (x - x0 + g_));
  }
  const long count = static_cast<long>(offset.size());
  if (static_cast<long>(pf_offset_.extent(0)) < count) {
    pf_offset_ = Kokkos::View<int64_t*, Exec::memory_space>("allen_cahn_pf_offset", count);
    pf_value_ = Kokkos::View<double*, Exec::memory_space>("allen_cahn_pf_value", count);
  }
  auto off_host = Kokkos::create_mirror_view(pf_offset_);
  for (long k = 0; k < count; ++k) off_host(k) = offset[k];
  Kokkos::deep_copy(pf_offset_, off_host);

  const auto off = pf_offset_;
  const auto val = pf_value_;
  const double* data = v_.data();
  const double inv_h2 = model_.inv_h2, inv_eps2 = model_.inv_eps2;
  Kokkos::parallel_for(
      "allen_cahn_partial_force", Kokkos::RangePolicy<Exec>(0, count), KOKKOS_LAMBDA(long k) {
        const int64_t o = off(k);
        val(k) = force_at(data[o], data[o - 1], data[o + 1], data[o - stride], data[o + stride], inv_h2, inv_eps2);
      });
  auto val_host = Kokkos::create_mirror_view(pf_value_);
  Kokkos::deep_copy(val_host, pf_value_);

  std::vector<double> values(ids.size(), 0.0);
  for (long k = 0; k < count; ++k) values[position[k]] = val_host(k);
  if (decomp_->size() > 1)
    MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM, comm());
  return values;
}

std::vector<double> AllenCahnGrid::gather_global() const {
  const int size = decomp_->size();
  long box[4] = {decomp_->lo(0), nx_, decomp_->lo(1), ny_};
  std::vector<long> boxes(4 * static_cast<size_t>(size));
  MPI_Allgather(box, 4, MPI_LONG, boxes.data(), 4, MPI_LONG, comm());
  std::vector<int> counts(size), displs(size);
  int total = 0;
  for (int r = 0; r < size; ++r) {
    counts[r] = static_cast<int>(boxes[4 * r + 1] * boxes[4 * r + 3]);
    displs[r] = total;
    total += counts[r];
  }
  std::vector<double> mine(static_cast<size_t>(nx_ * ny_)), all(static_cast<size_t>(total));
  copy_owned(mine.data());
  MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, all.data(), counts.data(), displs.data(),
                 MPI_DOUBLE, comm());
  const long n = model_.n;
  std::vector<double> global(static_cast<size_t>(n * n));
  for (int r = 0; r < size; ++r) {
    const long bx0 = boxes[4 * r], bnx = boxes[4 * r + 1], by0 = boxes[4 * r + 2], bny = boxes[4 * r + 3];
    for (long j = 0; j < bny; ++j)
      for (long i = 0; i < bnx; ++i) global[(by0 + j) * n + bx0 + i] = all[displs[r] + j * bnx + i];
  }
  return global;
}

}  // namespace macrodyn::allen_cahn
