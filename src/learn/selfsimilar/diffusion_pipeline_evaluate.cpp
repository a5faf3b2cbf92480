#include <cstdio>
#include <sstream>

#include "core/log.hpp"
#include "io/provenance.hpp"
#include "learn/selfsimilar/block_gather.hpp"
#include "learn/selfsimilar/ca_networks.hpp"
#include "learn/selfsimilar/diffusion_data.hpp"
#include "learn/selfsimilar/diffusion_networks.hpp"
#include "learn/selfsimilar/diffusion_pipeline.hpp"
#include "learn/selfsimilar/macro_pipeline.hpp"
#include "nn/model_io.hpp"
#include "nn/mse_loss.hpp"

namespace macrodyn::selfsimilar {
namespace {

std::vector<int64_t> iota_ids(long n) {
  std::vector<int64_t> ids(static_cast<size_t>(n));
  for (long i = 0; i < n; ++i) ids[static_cast<size_t>(i)] = i;
  return ids;
}

// Diffusion coefficient of the learnt kernel: half the variance of the normalised kernel (per step).
double kernel_diffusion(nn::Layer<double>& f) {
  auto w = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.parameters()[0].value);
  const long k = static_cast<long>(w.extent(1)), half = k / 2;
  double m = 0, mu = 0, m2 = 0;
  for (long j = 0; j < k; ++j) {
    const double o = static_cast<double>(j - half);
    m += w(0, j);
    mu += w(0, j) * o;
    m2 += w(0, j) * o * o;
  }
  return 0.5 * (m2 / m - (mu / m) * (mu / m));
}

// (features, B) tensor -> host rows b * features + i
std::vector<double> host_columns(const nn::Tensor<double>& t) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), t);
  std::vector<double> v(t.size());
  for (size_t b = 0; b < t.extent(1); ++b)
    for (size_t i = 0; i < t.extent(0); ++i) v[b * t.extent(0) + i] = h(i, b);
  return v;
}

}  // namespace

DiffusionEvaluateConfig parse_diffusion_evaluate(const ConfigTable& t) {
  DiffusionEvaluateConfig c;
  c.data = t.get_string("data", c.data);
  c.models = t.get_string("models", c.models);
  c.file = t.get_string("file", c.file);
  return c;
}

void evaluate_diffusion(const DiffusionEvaluateConfig& config, RunContext& ctx) {
  const auto models = io::H5File::open_read(ctx.path(config.models), ctx.comm);
  const double holdout = models.attr_double("/", "holdout");
  const int kernel = static_cast<int>(models.attr_int("/", "kernel"));
  std::vector<std::string> datasets;
  std::stringstream names(models.attr_string("/", "datasets"));
  for (std::string s; std::getline(names, s, ',');) datasets.push_back(s);
  const auto S_list = models.attr_doubles("/", "space_groups"), T_list = models.attr_doubles("/", "time_groups");

  std::vector<double> dts, d_kernel, d_micro, micro_mse, t_data, t_S, t_T, cons, rel, rec, d_macro;
  std::vector<std::string> lines;
  for (size_t di = 0; di < datasets.size(); ++di) {
    const auto data = load_diffusion_field(ctx.path(config.data), ctx.comm, datasets[di]);
    const long first = data.n_train(holdout), count = data.runs - first;
    const int L = static_cast<int>(data.sites);
    auto f = make_diffusion_dynamics(L, kernel, 0);
    nn::load_model(models, "/" + data.name + "/dynamics", *f);
    nn::Tensor<double> x, target, y;
    gather_row_pairs(data.values, first, to_device_ids(iota_ids(count * (data.rows - 1))), x, target);
    f->forward(x, y, false);
    micro_mse.push_back(nn::mse_value(y, target));
    dts.push_back(data.dt);
    d_kernel.push_back(kernel_diffusion(*f));
    auto vh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), data.values);
    std::vector<double> held(vh.data() + first * data.rows * data.sites,
                             vh.data() + data.runs * data.rows * data.sites);
    d_micro.push_back(mode_decay_diffusion(held, count, data.rows, data.sites));
    log::info("selfsimilar diffusion ", data.name, " micro_mse ", micro_mse.back(), " D_kernel ", d_kernel.back(),
              " D_micro ", d_micro.back());

    for (size_t g = 0; g < S_list.size(); ++g) {
      const int S = static_cast<int>(S_list[g]), T = static_cast<int>(T_list[g]), M = L / S;
      const std::string gg = "/" + data.name + "/S" + std::to_string(S) + "_T" + std::to_string(T);
      auto P = make_diffusion_coarse_grainer(T, S, L, 0);
      auto D = make_diffusion_decoder(T, S, M, 0);
      auto F = make_diffusion_dynamics(M, kernel, 0);
      nn::load_model(models, gg + "/coarse_grainer", *P);
      nn::load_model(models, gg + "/decoder", *D);
      nn::load_model(models, gg + "/macro_dynamics", *F);
      MacroPipeline<double> pipeline(P, F, D, false);
      const long taus = data.rows / T - 1;
      nn::Tensor<double> x_now, x_next, tgt, out, ynext;
      gather_block_pairs(data.values, first, T, S, to_device_ids(iota_ids(count * taus)), x_now, x_next, tgt);
      pipeline.forward(x_now, out, false);
      const double r = nn::mse_value(out, tgt);
      const auto y_now = host_columns(pipeline.macro_state());  // (count * taus) macro rows of M sites
      const double c = pipeline.consistency_sum(x_now, x_next) / (static_cast<double>(M) * count * taus);
      P->forward(x_next, ynext, false);
      double sq = 0;
      for (const double v : host_columns(ynext)) sq += v * v;
      const double relative = c / (sq / (static_cast<double>(M) * count * taus));
      t_data.push_back(static_cast<double>(di));
      t_S.push_back(S);
      t_T.push_back(T);
      cons.push_back(c);
      rel.push_back(relative);
      rec.push_back(r);
      d_macro.push_back(mode_decay_diffusion(y_now, count, taus, M));
      char line[200];
      std::snprintf(line, sizeof line, "selfsimilar diffusion %s S%d T%d consistency %.6g relative %.6g D_macro %.6g",
                    data.name.c_str(), S, T, c, relative, d_macro.back());
      lines.push_back(line);
      log::info("selfsimilar diffusion ", data.name, " S", S, " T", T, ": reconstruction ", r);
    }
  }
  for (const auto& line : lines) log::info(line);
  auto out = io::H5File::create(ctx.path(config.file), ctx.comm);
  io::write_provenance(out, ctx);
  out.set_attr("/", "system", std::string("diffusion"));
  out.set_attr("/", "datasets", models.attr_string("/", "datasets"));
  auto put = [&out](const std::string& name, const std::vector<double>& v) {
    out.write_replicated(name, {static_cast<hsize_t>(v.size())}, v.data());
  };
  put("/dt", dts);
  put("/D_kernel", d_kernel);
  put("/D_micro", d_micro);
  put("/micro_mse", micro_mse);
  put("/table_dataset", t_data);
  put("/table_S", t_S);
  put("/table_T", t_T);
  put("/consistency", cons);
  put("/relative_consistency", rel);
  put("/reconstruction", rec);
  put("/D_macro", d_macro);
  out.commit();
}

}  // namespace macrodyn::selfsimilar
