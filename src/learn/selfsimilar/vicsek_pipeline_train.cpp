#include <algorithm>

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

CaTrainOptions parse_options(const ConfigTable& t, const std::string& prefix, long epochs, double lr) {
  CaTrainOptions o;
  o.batch = t.get_int(prefix + "batch", 16, Range::at_least(1));
  o.epochs = t.get_int(prefix + "epochs", epochs, Range::at_least(1));
  o.lr = t.get_double(prefix + "lr", lr, Range::positive());
  o.weight_decay = t.get_double(prefix + "weight_decay", 0.0, Range::non_negative());
  return o;
}

void write_curve(io::H5File& file, const std::string& name, const std::vector<double>& curve) {
  file.write_replicated(name, {static_cast<hsize_t>(curve.size())}, curve.data());
}

std::string group_name(long T, long S) { return "T" + std::to_string(T) + "_S" + std::to_string(S); }

}  // namespace

std::vector<VicsekRun> vicsek_runs(const std::string& summary_path, MPI_Comm comm, const std::string& prefix,
                                   const std::vector<long long>& sizes) {
  const auto file = io::H5File::open_read(summary_path, comm);
  if (!file.exists("/phi_mean")) fail(summary_path, ": no /phi_mean (not a Vicsek simulate summary?)");
  const auto L = file.read_all<double>("/sizes"), etas = file.read_all<double>("/etas");
  const auto mean = file.read_all<double>("/phi_mean"), sd = file.read_all<double>("/phi_std");
  const long K = static_cast<long>(file.dims("/phi_mean")[2]), nE = static_cast<long>(etas.size());
  std::vector<VicsekRun> runs;
  for (size_t a = 0; a < L.size(); ++a) {
    const long size = static_cast<long>(L[a]);
    if (!sizes.empty() && std::find(sizes.begin(), sizes.end(), size) == sizes.end()) continue;
    for (long b = 0; b < nE; ++b)
      for (long k = 0; k < K; ++k) {
        VicsekRun r;
        r.name = prefix + "_L" + std::to_string(size) + "_eta" + std::to_string(b) + "_k" + std::to_string(k);
        r.L = size;
        r.eta_index = b;
        r.repeat = k;
        r.eta = etas[static_cast<size_t>(b)];
        const size_t i = (a * static_cast<size_t>(nE) + static_cast<size_t>(b)) * static_cast<size_t>(K) + k;
        r.phi_mean = mean[i];
        r.phi_std = sd[i];
        runs.push_back(r);
      }
  }
  if (runs.empty()) fail(summary_path, ": no run of the requested sizes (key sizes)");
  return runs;
}

VicsekTrainConfig parse_vicsek_train(const ConfigTable& t) {
  VicsekTrainConfig c;
  c.data_prefix = t.get_string("data_prefix", c.data_prefix);
  c.file = t.get_string("file", c.file);
  c.sizes = t.get_ints("sizes", c.sizes, Range::at_least(2));
  c.time_groups = t.get_ints("time_groups", c.time_groups, Range::closed(1, 16));
  c.space_groups = t.get_ints("space_groups", c.space_groups, Range::closed(1, 16));
  if (c.space_groups.size() != c.time_groups.size())
    t.fail_at("space_groups", "needs one entry per time_groups entry ((T, S) pairs)");
  c.first_step = t.get_int("first_step", c.first_step, Range::at_least(0));
  c.last_step = t.get_int("last_step", c.last_step, Range::at_least(0));
  if (c.last_step <= c.first_step) t.fail_at("last_step", "must be larger than first_step");
  c.hidden = static_cast<int>(t.get_int("hidden", c.hidden, Range::closed(1, 256)));
  c.coarse_hidden = static_cast<int>(t.get_int("coarse_hidden", c.coarse_hidden, Range::closed(0, 256)));
  c.holdout = t.get_double("holdout", c.holdout, Range::closed(0.0, 0.9));
  c.coarse_restarts = t.get_int("coarse_restarts", c.coarse_restarts, Range::at_least(1));
  c.self_similar = t.get_bool("self_similar", true);
  c.dynamics = parse_options(t, "dynamics_", 30, 1e-3);
  c.coarse = parse_options(t, "coarse_", 30, 1e-3);
  c.coarse.autoencode_weight = t.get_double("autoencode_weight", 1.0, Range::non_negative());
  const long long seed = t.get_int("seed", 1, Range::at_least(0));
  c.dynamics.seed = static_cast<uint64_t>(seed);
  c.coarse.seed = static_cast<uint64_t>(seed) + 1;
  return c;
}

void train_vicsek(const VicsekTrainConfig& config, RunContext& ctx) {
  const auto runs = vicsek_runs(ctx.path(config.data_prefix + "_summary.h5"), ctx.comm, config.data_prefix,
                                config.sizes);
  auto out = io::H5File::create(ctx.path(config.file), ctx.comm);
  io::write_provenance(out, ctx);
  out.set_attr("/", "system", std::string("vicsek"));
  out.set_attr("/", "data_prefix", config.data_prefix);
  out.set_attr("/", "holdout", config.holdout);
  out.set_attr("/", "hidden", static_cast<int64_t>(config.hidden));
  out.set_attr("/", "coarse_hidden", static_cast<int64_t>(config.coarse_hidden));
  out.set_attr("/", "self_similar", static_cast<int64_t>(config.self_similar));
  out.set_attr("/", "first_step", static_cast<int64_t>(config.first_step));
  out.set_attr("/", "last_step", static_cast<int64_t>(config.last_step));
  std::vector<double> sizes;  // the sizes trained (evaluate selects the same runs)
  for (const auto& r : runs)
    if (std::find(sizes.begin(), sizes.end(), static_cast<double>(r.L)) == sizes.end()) sizes.push_back(r.L);
  out.set_attr("/", "sizes", sizes);
  out.set_attr("/", "time_groups", std::vector<double>(config.time_groups.begin(), config.time_groups.end()));
  out.set_attr("/", "space_groups", std::vector<double>(config.space_groups.begin(), config.space_groups.end()));

  for (size_t ri = 0; ri < runs.size(); ++ri) {
    const auto& run = runs[ri];
    const auto data = load_vicsek_lattice(ctx.path(run.name + ".h5"), ctx.comm, config.first_step, config.last_step);
    const long n_train = data.n_train(config.holdout);
    const int L = static_cast<int>(data.L);
    // stage 1: f on frame pairs
    CaTrainOptions dopt = config.dynamics;
    dopt.seed += 1000 * ri;
    dopt.progress_interval_s = ctx.progress_interval_s;
    dopt.label = "selfsimilar vicsek " + run.name + " dynamics";
    auto f = make_vicsek_dynamics<double>(L, config.hidden, dopt.seed);
    nn::Tensor<double> x, target, y, dy;
    const double features = static_cast<double>(f->out_features());
    auto micro_loss = [&](const std::vector<int64_t>& ids, double weight) {
      if (ids.empty()) return 0.0;
      gather_vicsek_pairs(data.values, 0, to_device_ids(ids), x, target);
      f->forward(x, y, true);
      const double l = nn::mse_loss(y, target, dy, features / weight);
      f->backward_parameters(dy);
      return l;
    };
    const auto dcurve = run_training_epochs<double>(ctx.comm, *f, dopt, VicsekLattice::pairs(n_train), micro_loss);
    log::info("selfsimilar vicsek ", run.name, " (eta ", run.eta, "): dynamics loss ", dcurve.back());
    const std::string rg = "/" + run.name;
    nn::save_model(out, rg + "/dynamics", *f);
    write_curve(out, rg + "/dynamics_loss", dcurve);

    // stage 2 per (T, S), f frozen and shared
    for (size_t g = 0; g < config.time_groups.size(); ++g) {
      const int T = static_cast<int>(config.time_groups[g]), S = static_cast<int>(config.space_groups[g]);
      if (L % S != 0) fail("vicsek: lattice side ", L, " of ", run.name, " is not a multiple of space group ", S);
      const int M = L / S;
      const long pairs = VicsekLattice::block_pairs(n_train, T);
      if (pairs < 1) fail("vicsek: ", n_train, " training frames give no pair of ", T, "-frame blocks");
      std::unique_ptr<MacroPipeline<double>> best;
      std::vector<double> best_curve;
      for (long r = 0; r < config.coarse_restarts; ++r) {
        const uint64_t s = config.coarse.seed + 1000 * ri + 100 * g + 7919 * static_cast<uint64_t>(r);
        auto F = make_vicsek_dynamics<double>(M, config.hidden, s);
        if (config.self_similar) copy_parameters<double>(*f, *F);
        auto pipeline = std::make_unique<MacroPipeline<double>>(make_vicsek_coarse_grainer<double>(T, S, L, config.coarse_hidden, s), F,
                                                                make_vicsek_decoder<double>(T, S, M, config.coarse_hidden, s),
                                                                !config.self_similar);
        CaTrainOptions copt = config.coarse;
        copt.seed = s;
        copt.progress_interval_s = ctx.progress_interval_s;
        copt.label = "selfsimilar vicsek " + run.name + " " + group_name(T, S);
        nn::Tensor<double> x_now, x_next, tgt, rec, drec;
        const double out_features = static_cast<double>(pipeline->out_features());
        auto loss = [&](const std::vector<int64_t>& ids, double weight) {
          if (ids.empty()) return 0.0;
          gather_vicsek_blocks(data.values, data.L, 0, T, S, to_device_ids(ids), x_now, x_next, tgt);
          pipeline->forward(x_now, rec, true);
          double l = nn::mse_loss(rec, tgt, drec, out_features / weight);
          pipeline->backward_parameters(drec);
          if (copt.autoencode_weight > 0)
            l += pipeline->autoencode_step(x_next, tgt, copt.autoencode_weight, out_features / weight);
          return l;
        };
        const auto curve = run_training_epochs<double>(ctx.comm, *pipeline, copt, pairs, loss);
        log::info(copt.label, ": restart ", r, " training loss ", curve.back());
        if (!best || curve.back() < best_curve.back()) {
          best = std::move(pipeline);
          best_curve = curve;
        }
      }
      const std::string gg = rg + "/" + group_name(T, S);
      nn::save_model(out, gg + "/coarse_grainer", best->encoder());
      nn::save_model(out, gg + "/macro_dynamics", best->dynamics());
      nn::save_model(out, gg + "/decoder", best->decoder());
      write_curve(out, gg + "/loss", best_curve);
    }
  }
  out.commit();
}

}  // namespace macrodyn::selfsimilar
