#include "learn/selfsimilar/diffusion_data.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "io/h5file.hpp"

namespace macrodyn::selfsimilar {

long DiffusionField::n_train(double holdout) const {
  const long held = std::max(1L, static_cast<long>(std::lround(holdout * static_cast<double>(runs))));
  if (held >= runs)
    fail("diffusion dataset ", name, ": ", runs, " runs leave none for training with holdout ", holdout);
  return runs - held;
}

DiffusionField load_diffusion_field(const std::string& path, MPI_Comm comm, const std::string& dataset) {
  const auto file = io::H5File::open_read(path, comm);
  const std::string name = "/" + dataset + "/density";
  if (!file.exists(name)) fail(path, ": no dataset ", name, " (not a diffusion simulate output?)");
  const auto dims = file.dims(name);
  if (dims.size() != 3) fail(path, ": ", name, " must be (runs, rows, sites)");
  DiffusionField d;
  d.name = dataset;
  d.dt = file.has_attr("/" + dataset, "dt") ? file.attr_double("/" + dataset, "dt") : 0.0;
  d.runs = static_cast<long>(dims[0]);
  d.rows = static_cast<long>(dims[1]);
  d.sites = static_cast<long>(dims[2]);
  const auto host = file.read_all<double>(name);
  d.values = FieldValues("diffusion_values", d.runs, d.rows, d.sites);
  auto h = Kokkos::create_mirror_view(d.values);
  for (size_t i = 0; i < host.size(); ++i) h.data()[i] = host[i] * static_cast<double>(d.sites);
  Kokkos::deep_copy(d.values, h);
  return d;
}

double mode_decay_diffusion(const std::vector<double>& rows, long count, long n_rows, long sites) {
  const double q = 2.0 * M_PI / static_cast<double>(sites);
  double slope_sum = 0;
  for (long r = 0; r < count; ++r) {
    double st = 0, sy = 0, stt = 0, sty = 0;
    const long t0 = n_rows / 4;
    for (long t = t0; t < n_rows; ++t) {
      double re = 0, im = 0;
      for (long x = 0; x < sites; ++x) {
        const double v = rows[static_cast<size_t>((r * n_rows + t) * sites + x)];
        re += v * std::cos(q * x);
        im -= v * std::sin(q * x);
      }
      const double y = std::log(std::max(std::hypot(re, im), 1e-300));
      st += t;
      sy += y;
      stt += double(t) * t;
      sty += t * y;
    }
    const double n = static_cast<double>(n_rows - t0);
    slope_sum += (n * sty - st * sy) / (n * stt - st * st);
  }
  return -(slope_sum / static_cast<double>(count)) / (2.0 * (1.0 - std::cos(q)));
}

}  // namespace macrodyn::selfsimilar
