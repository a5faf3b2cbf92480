#include "learn/selfsimilar/vicsek_data.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "io/h5file.hpp"

namespace macrodyn::selfsimilar {

long VicsekLattice::n_train(double holdout) const {
  const long held = std::max(1L, static_cast<long>(std::lround(holdout * static_cast<double>(frames))));
  if (held >= frames) fail("vicsek lattice: ", frames, " frames leave none for training with holdout ", holdout);
  return frames - held;
}

VicsekLattice load_vicsek_lattice(const std::string& path, MPI_Comm comm, long first_step, long last_step) {
  const auto file = io::H5File::open_read(path, comm);
  if (!file.exists("/lattice") || !file.exists("/lattice_step"))
    fail(path, ": no /lattice frames (simulate stage system = \"vicsek\" with lattice_every > 0?)");
  const auto dims = file.dims("/lattice");
  if (dims.size() != 4 || dims[1] != 3 || dims[2] != dims[3]) fail(path, ": /lattice must be (frames, 3, L, L)");
  const auto steps = file.read_all<double>("/lattice_step");
  long f0 = -1, f1 = -1;
  for (long f = 0; f < static_cast<long>(steps.size()); ++f)
    if (steps[f] >= first_step && steps[f] <= last_step) {
      if (f0 < 0) f0 = f;
      f1 = f;
    }
  if (f0 < 0 || f1 - f0 < 2)
    fail(path, ": fewer than 3 lattice frames with steps in [", first_step, ", ", last_step,
         "] (keys first_step, last_step)");
  VicsekLattice d;
  d.L = static_cast<long>(dims[2]);
  d.frames = f1 - f0 + 1;
  d.step_spacing = steps[f0 + 1] - steps[f0];
  for (long f = f0 + 1; f <= f1; ++f)
    if (steps[f] - steps[f - 1] != d.step_spacing) fail(path, ": lattice frames are not equally spaced");
  d.eta = file.attr_double("/", "eta");
  d.N = file.attr_int("/", "N");
  const double speed = file.attr_double("/", "speed");
  const long F = 3 * d.L * d.L, LL = d.L * d.L;
  // read in chunks of frames (~64 MB), so the peak is the frames plus one chunk, not twice the frames
  const long chunk = std::max(1L, std::min(d.frames, (64L << 20) / (F * static_cast<long>(sizeof(double)))));
  std::vector<double> host(static_cast<size_t>(chunk * F));
  const hsize_t L = static_cast<hsize_t>(d.L);
  d.values = FrameValues("vicsek_frames", d.frames, F);
  auto h = Kokkos::create_mirror_view(d.values);
  for (long c0 = 0; c0 < d.frames; c0 += chunk) {
    const long n = std::min(chunk, d.frames - c0);
    file.read("/lattice", {static_cast<hsize_t>(f0 + c0), 0, 0, 0}, {static_cast<hsize_t>(n), 3, L, L}, host.data());
    for (long f = 0; f < n; ++f) {
      const double* cell = host.data() + f * F;
      for (long p = 0; p < LL; ++p) {
        const double count = cell[p];
        h(c0 + f, p) = count;
        h(c0 + f, LL + p) = count * cell[LL + p] / speed;
        h(c0 + f, 2 * LL + p) = count * cell[2 * LL + p] / speed;
      }
    }
  }
  Kokkos::deep_copy(d.values, h);
  return d;
}

template <class T>
void gather_vicsek_pairs(const FrameValues& v, long first, const IdView& ids, nn::Tensor<T>& x,
                         nn::Tensor<T>& target) {
  const long B = static_cast<long>(ids.extent(0)), F = static_cast<long>(v.extent(1));
  nn::ensure_shape(x, "vicsek_x", F, B);
  nn::ensure_shape(target, "vicsek_target", F, B);
  auto xx = x, tt = target;
  Kokkos::parallel_for(
      "selfsimilar::gather_vicsek_pairs", Kokkos::MDRangePolicy<nn::ExecSpace, Kokkos::Rank<2>>({0, 0}, {B, F}),
      KOKKOS_LAMBDA(long b, long i) {
        const long f = first + ids(b);
        xx(i, b) = static_cast<T>(v(f, i));
        tt(i, b) = static_cast<T>(v(f + 1, i));
      });
}

template <class T>
void gather_vicsek_blocks(const FrameValues& v, long L, long first, int time_group, int space_group,
                          const IdView& ids, nn::Tensor<T>& x_now, nn::Tensor<T>& x_next, nn::Tensor<T>& target) {
  const long B = static_cast<long>(ids.extent(0)), TT = time_group, S = space_group, LL = L * L, M = L / S;
  if (L % S != 0) fail("vicsek lattice side ", L, " is not a multiple of the space group ", S);
  nn::ensure_shape(x_now, "vicsek_x_now", 3 * TT * LL, B);
  nn::ensure_shape(x_next, "vicsek_x_next", 3 * TT * LL, B);
  nn::ensure_shape(target, "vicsek_block_target", 3 * TT * LL, B);
  auto xn = x_now, xx = x_next, tt = target;
  Kokkos::parallel_for(
      "selfsimilar::gather_vicsek_blocks",
      Kokkos::MDRangePolicy<nn::ExecSpace, Kokkos::Rank<3>>({0, 0, 0}, {B, 3 * TT, LL}),
      KOKKOS_LAMBDA(long b, long cdt, long p) {
        const long c = cdt / TT, dt = cdt % TT, f = first + ids(b) + dt, y = p / L, x = p % L;
        xn(cdt * LL + p, b) = static_cast<T>(v(f, c * LL + p));
        const T next = static_cast<T>(v(f + TT, c * LL + p));
        xx(cdt * LL + p, b) = next;
        tt(((cdt * S + y % S) * S + x % S) * M * M + (y / S) * M + x / S, b) = next;
      });
}

template void gather_vicsek_pairs<double>(const FrameValues&, long, const IdView&, nn::Tensor<double>&,
                                          nn::Tensor<double>&);
template void gather_vicsek_pairs<float>(const FrameValues&, long, const IdView&, nn::Tensor<float>&,
                                         nn::Tensor<float>&);
template void gather_vicsek_blocks<double>(const FrameValues&, long, long, int, int, const IdView&,
                                           nn::Tensor<double>&, nn::Tensor<double>&, nn::Tensor<double>&);
template void gather_vicsek_blocks<float>(const FrameValues&, long, long, int, int, const IdView&,
                                          nn::Tensor<float>&, nn::Tensor<float>&, nn::Tensor<float>&);

double leading_frames_sq_error(const nn::Tensor<double>& out, const nn::Tensor<double>& target, int time_group,
                               int space_group, int M, int frames) {
  const size_t F = out.extent(0), B = out.extent(1), cells = static_cast<size_t>(M) * M;
  const size_t block = static_cast<size_t>(space_group) * space_group;
  if (target.extent(0) != F || target.extent(1) != B || F != 3 * static_cast<size_t>(time_group) * block * cells)
    fail("vicsek: leading_frames_sq_error needs output and target of 3 T S S M M features, same batch");
  double sum = 0;
  Kokkos::parallel_reduce(
      "selfsimilar::leading_frames_sq_error", Kokkos::RangePolicy<nn::ExecSpace>(0, F * B),
      KOKKOS_LAMBDA(const size_t idx, double& acc) {
        const size_t f = idx % F, b = idx / F;
        const size_t dt = (f / cells / block) % static_cast<size_t>(time_group);
        if (dt < static_cast<size_t>(frames)) {
          const double d = out(f, b) - target(f, b);
          acc += d * d;
        }
      },
      sum);
  return sum;
}

}  // namespace macrodyn::selfsimilar
