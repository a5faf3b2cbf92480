#include <algorithm>
#include <cstdio>

#include "core/log.hpp"
#include "io/provenance.hpp"
#include "learn/selfsimilar/ca_networks.hpp"
#include "learn/selfsimilar/macro_pipeline.hpp"
#include "learn/selfsimilar/vicsek_data.hpp"
#include "learn/selfsimilar/vicsek_networks.hpp"
#include "learn/selfsimilar/vicsek_pipeline.hpp"
#include "nn/model_io.hpp"
#include "nn/mse_loss.hpp"

namespace macrodyn::selfsimilar {
namespace {

// Evaluation batches hold at most 16 samples, about 64 MB per gathered tensor (an L = 1024, T = 4
// block is 100 MB) and at most n / ranks samples; they are dealt round-robin over the ranks and the
// sums reduced after.
constexpr long kMaxChunk = 16;
constexpr double kChunkBytes = 64.0 * (1 << 20);

// Calls body(ids) for this rank's chunks of ids [0, n), each sample `sample_bytes` large.
template <class Body>
void for_rank_chunks(MPI_Comm comm, long n, double sample_bytes, Body&& body) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const long per_rank = (n + size - 1) / size;
  const long chunk = std::max(1L, std::min({kMaxChunk, per_rank, static_cast<long>(kChunkBytes / sample_bytes)}));
  for (long a = 0, c = 0; a < n; a += chunk, ++c) {
    if (c % size != rank) continue;
    std::vector<int64_t> ids;
    for (long k = a; k < std::min(n, a + chunk); ++k) ids.push_back(k);
    body(to_device_ids(ids));
  }
}

// Sums each entry of `sums` over the ranks.
void sum_over_ranks(MPI_Comm comm, std::vector<double*> sums) {
  std::vector<double> v;
  for (const double* s : sums) v.push_back(*s);
  MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_SUM, comm);
  for (size_t i = 0; i < sums.size(); ++i) *sums[i] = v[i];
}

// Variance of the held-out frames' values about their mean (all features).
double frame_variance(const FrameValues& v, long first) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  double s = 0, s2 = 0;
  const double n = static_cast<double>((v.extent(0) - first) * v.extent(1));
  for (size_t f = first; f < v.extent(0); ++f)
    for (size_t i = 0; i < v.extent(1); ++i) {
      s += h(f, i);
      s2 += h(f, i) * h(f, i);
    }
  return s2 / n - (s / n) * (s / n);
}

}  // namespace

VicsekEvaluateConfig parse_vicsek_evaluate(const ConfigTable& t) {
  VicsekEvaluateConfig c;
  c.data_prefix = t.get_string("data_prefix", c.data_prefix);
  c.models = t.get_string("models", c.models);
  c.file = t.get_string("file", c.file);
  return c;
}

void evaluate_vicsek(const VicsekEvaluateConfig& config, RunContext& ctx) {
  const auto models = io::H5File::open_read(ctx.path(config.models), ctx.comm);
  const double holdout = models.attr_double("/", "holdout");
  const int hidden = static_cast<int>(models.attr_int("/", "hidden"));
  // models files written before coarse_hidden existed hold linear coarse-grainers and decoders
  const int coarse_hidden =
      models.has_attr("/", "coarse_hidden") ? static_cast<int>(models.attr_int("/", "coarse_hidden")) : 0;
  const long first_step = models.attr_int("/", "first_step"), last_step = models.attr_int("/", "last_step");
  const auto Ts = models.attr_doubles("/", "time_groups"), Ss = models.attr_doubles("/", "space_groups");
  const auto sizes_d = models.attr_doubles("/", "sizes");
  const std::vector<long long> sizes(sizes_d.begin(), sizes_d.end());
  const auto runs = vicsek_runs(ctx.path(config.data_prefix + "_summary.h5"), ctx.comm, config.data_prefix, sizes);

  std::vector<double> Lv, etav, repv, phim, phis, micro, persistence, variance, recon, recon_leading, cons, rel;
  // frames scored by /reconstruction_leading: the shortest time group's (every pair predicts them)
  const int leading = Ts.empty() ? 0 : static_cast<int>(*std::min_element(Ts.begin(), Ts.end()));
  std::vector<std::string> lines;
  for (const auto& run : runs) {
    if (!models.exists("/" + run.name + "/dynamics"))
      fail(ctx.path(config.models), ": no models for run ", run.name, " (trained on another sweep?)");
    const auto data = load_vicsek_lattice(ctx.path(run.name + ".h5"), ctx.comm, first_step, last_step);
    const long first = data.n_train(holdout), held = data.frames - first;
    const int L = static_cast<int>(data.L);
    auto f = make_vicsek_dynamics<double>(L, hidden, 0);
    nn::load_model(models, "/" + run.name + "/dynamics", *f);
    nn::Tensor<double> x, target, y;
    double sum = 0, sum_persist = 0;
    const long n_pairs = VicsekLattice::pairs(held);
    const double frame_bytes = static_cast<double>(data.values.extent(1)) * sizeof(double);
    for_rank_chunks(ctx.comm, n_pairs, frame_bytes, [&](const IdView& ids) {
      gather_vicsek_pairs(data.values, first, ids, x, target);
      f->forward(x, y, false);
      sum += nn::mse_value(y, target, 1.0);
      sum_persist += nn::mse_value(x, target, 1.0);
    });
    sum_over_ranks(ctx.comm, {&sum, &sum_persist});
    const double per = static_cast<double>(f->out_features()) * static_cast<double>(n_pairs);
    Lv.push_back(L);
    etav.push_back(run.eta);
    repv.push_back(run.repeat);
    phim.push_back(run.phi_mean);
    phis.push_back(run.phi_std);
    micro.push_back(sum / per);
    persistence.push_back(sum_persist / per);
    variance.push_back(frame_variance(data.values, first));
    char line[240];
    std::snprintf(line, sizeof line, "selfsimilar vicsek L%d eta%.4g k%ld micro %.6g persistence %.6g phi %.4g", L,
                  run.eta, run.repeat, micro.back(), persistence.back(), run.phi_mean);
    lines.push_back(line);

    for (size_t g = 0; g < Ts.size(); ++g) {
      const int T = static_cast<int>(Ts[g]), S = static_cast<int>(Ss[g]), M = L / S;
      const std::string gg = "/" + run.name + "/T" + std::to_string(T) + "_S" + std::to_string(S);
      auto P = make_vicsek_coarse_grainer<double>(T, S, L, coarse_hidden, 0);
      auto D = make_vicsek_decoder<double>(T, S, M, coarse_hidden, 0);
      auto F = make_vicsek_dynamics<double>(M, hidden, 0);
      nn::load_model(models, gg + "/coarse_grainer", *P);
      nn::load_model(models, gg + "/decoder", *D);
      nn::load_model(models, gg + "/macro_dynamics", *F);
      MacroPipeline<double> pipeline(P, F, D, false);
      const long n_blocks = VicsekLattice::block_pairs(held, T);
      if (n_blocks < 1) fail("vicsek: ", held, " held-out frames give no pair of ", T, "-frame blocks (holdout)");
      nn::Tensor<double> x_now, x_next, tgt, out, ynext, zero;
      double r = 0, c = 0, sq = 0, lead = 0;
      for_rank_chunks(ctx.comm, n_blocks, T * frame_bytes, [&](const IdView& ids) {
        gather_vicsek_blocks(data.values, data.L, first, T, S, ids, x_now, x_next, tgt);
        pipeline.forward(x_now, out, false);
        r += nn::mse_value(out, tgt, 1.0);
        lead += leading_frames_sq_error(out, tgt, T, S, M, leading);
        c += pipeline.consistency_sum(x_now, x_next);
        P->forward(x_next, ynext, false);
        nn::ensure_shape(zero, "vicsek_zero", ynext.extent(0), ynext.extent(1));
        Kokkos::deep_copy(zero, 0.0);
        sq += nn::mse_value(ynext, zero, 1.0);
      });
      sum_over_ranks(ctx.comm, {&r, &c, &sq, &lead});
      recon.push_back(r / (static_cast<double>(pipeline.out_features()) * n_blocks));
      recon_leading.push_back(lead / (static_cast<double>(pipeline.out_features()) / T * leading * n_blocks));
      cons.push_back(c / (static_cast<double>(P->out_features()) * n_blocks));
      rel.push_back(c / sq);  // a linear P's scale is arbitrary: consistency / mean P(X_{t+1})^2
      std::snprintf(line, sizeof line,
                    "selfsimilar vicsek L%d eta%.4g k%ld T%d S%d reconstruction %.6g first%d %.6g consistency %.6g "
                    "relative %.4g",
                    L, run.eta, run.repeat, T, S, recon.back(), leading, recon_leading.back(), cons.back(), rel.back());
      lines.push_back(line);
    }
  }
  for (const auto& line : lines) log::info(line);
  auto out = io::H5File::create(ctx.path(config.file), ctx.comm);
  io::write_provenance(out, ctx);
  out.set_attr("/", "system", std::string("vicsek"));
  auto put = [&out](const std::string& name, const std::vector<double>& v) {
    out.write_replicated(name, {static_cast<hsize_t>(v.size())}, v.data());
  };
  put("/L", Lv);
  put("/eta", etav);
  put("/repeat", repv);
  put("/phi_mean", phim);
  put("/phi_std", phis);
  put("/micro_mse", micro);
  put("/persistence_mse", persistence);
  put("/variance", variance);
  put("/time_groups", Ts);
  put("/space_groups", Ss);
  out.write_replicated("/reconstruction", {runs.size(), Ts.size()}, recon.data());
  out.write_replicated("/reconstruction_leading", {runs.size(), Ts.size()}, recon_leading.data());
  out.set_attr("/", "leading_frames", static_cast<int64_t>(leading));
  out.write_replicated("/consistency", {runs.size(), Ts.size()}, cons.data());
  out.write_replicated("/relative_consistency", {runs.size(), Ts.size()}, rel.data());
  out.commit();
}

}  // namespace macrodyn::selfsimilar
