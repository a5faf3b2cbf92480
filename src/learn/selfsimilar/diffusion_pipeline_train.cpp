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

CaTrainOptions parse_options(const ConfigTable& t, const std::string& prefix, long epochs) {
  CaTrainOptions o;
  o.batch = t.get_int(prefix + "batch", 32, Range::at_least(1));
  o.epochs = t.get_int(prefix + "epochs", epochs, Range::at_least(1));
  o.lr = t.get_double(prefix + "lr", 1e-2, Range::positive());
  o.weight_decay = t.get_double(prefix + "weight_decay", 0.0, Range::non_negative());
  return o;
}

void write_curve(io::H5File& file, const std::string& name, const std::vector<double>& curve) {
  file.write_replicated(name, {static_cast<hsize_t>(curve.size())}, curve.data());
}

}  // namespace

DiffusionTrainConfig parse_diffusion_train(const ConfigTable& t) {
  DiffusionTrainConfig c;
  c.data = t.get_string("data", c.data);
  c.file = t.get_string("file", c.file);
  c.datasets = t.get_strings("datasets", c.datasets);
  c.space_groups = t.get_ints("space_groups", c.space_groups, Range::closed(1, 16));
  c.time_groups = t.get_ints("time_groups", c.time_groups, Range::closed(1, 16));
  if (c.space_groups.size() != c.time_groups.size())
    t.fail_at("time_groups", "needs one entry per space_groups entry ((S, T) pairs)");
  c.kernel = static_cast<int>(t.get_int("kernel", 7, Range::closed(1, 15)));
  c.holdout = t.get_double("holdout", c.holdout, Range::closed(0.0, 0.9));
  c.coarse_restarts = t.get_int("coarse_restarts", 2, Range::at_least(1));
  c.self_similar = t.get_bool("self_similar", true);
  c.dynamics = parse_options(t, "dynamics_", 30);
  c.coarse = parse_options(t, "coarse_", 30);
  c.coarse.autoencode_weight = t.get_double("autoencode_weight", 1.0, Range::non_negative());
  const long long seed = t.get_int("seed", 1, Range::at_least(0));
  c.dynamics.seed = static_cast<uint64_t>(seed);
  c.coarse.seed = static_cast<uint64_t>(seed) + 1;
  return c;
}

void train_diffusion(const DiffusionTrainConfig& config, RunContext& ctx) {
  auto out = io::H5File::create(ctx.path(config.file), ctx.comm);
  io::write_provenance(out, ctx);
  out.set_attr("/", "system", std::string("diffusion"));
  out.set_attr("/", "holdout", config.holdout);
  out.set_attr("/", "kernel", static_cast<int64_t>(config.kernel));
  out.set_attr("/", "self_similar", static_cast<int64_t>(config.self_similar));
  std::string names;
  for (const auto& d : config.datasets) names += (names.empty() ? "" : ",") + d;
  out.set_attr("/", "datasets", names);
  out.set_attr("/", "space_groups", std::vector<double>(config.space_groups.begin(), config.space_groups.end()));
  out.set_attr("/", "time_groups", std::vector<double>(config.time_groups.begin(), config.time_groups.end()));

  for (size_t di = 0; di < config.datasets.size(); ++di) {
    const auto data = load_diffusion_field(ctx.path(config.data), ctx.comm, config.datasets[di]);
    const long n_train = data.n_train(config.holdout);
    const int L = static_cast<int>(data.sites);
    // stage 1: f on row pairs
    CaTrainOptions dopt = config.dynamics;
    dopt.seed += 1000 * di;
    dopt.progress_interval_s = ctx.progress_interval_s;
    dopt.label = "selfsimilar diffusion " + data.name + " dynamics";
    auto f = make_diffusion_dynamics(L, config.kernel, dopt.seed);
    nn::Tensor<double> x, target, y, dy;
    auto micro_loss = [&](const std::vector<int64_t>& ids, double weight) {
      if (ids.empty()) return 0.0;
      gather_row_pairs(data.values, 0, to_device_ids(ids), x, target);
      f->forward(x, y, true);
      const double l = nn::mse_loss(y, target, dy, static_cast<double>(L) / weight);
      f->backward_parameters(dy);
      return l;
    };
    const auto dcurve = run_training_epochs<double>(ctx.comm, *f, dopt, n_train * (data.rows - 1), micro_loss);
    log::info("selfsimilar diffusion ", data.name, ": dynamics loss ", dcurve.back());
    const std::string dg = "/" + data.name;
    nn::save_model(out, dg + "/dynamics", *f);
    write_curve(out, dg + "/dynamics_loss", dcurve);

    // stage 2 per (S, T)
    for (size_t g = 0; g < config.space_groups.size(); ++g) {
      const int S = static_cast<int>(config.space_groups[g]), T = static_cast<int>(config.time_groups[g]);
      const int M = L / S;
      const long pairs = n_train * (data.rows / T - 1);
      std::unique_ptr<MacroPipeline<double>> best;
      std::vector<double> best_curve;
      for (long r = 0; r < config.coarse_restarts; ++r) {
        const uint64_t s = config.coarse.seed + 1000 * di + 100 * g + 7919 * static_cast<uint64_t>(r);
        auto F = make_diffusion_dynamics(M, config.kernel, s);
        if (config.self_similar) copy_parameters<double>(*f, *F);
        auto pipeline = std::make_unique<MacroPipeline<double>>(make_diffusion_coarse_grainer(T, S, L, s), F,
                                                                make_diffusion_decoder(T, S, M, s),
                                                                !config.self_similar);
        CaTrainOptions copt = config.coarse;
        copt.seed = s;
        copt.progress_interval_s = ctx.progress_interval_s;
        copt.label = "selfsimilar diffusion " + data.name + " S" + std::to_string(S) + " T" + std::to_string(T);
        nn::Tensor<double> x_now, x_next, tgt, rec, drec;
        const double features = static_cast<double>(pipeline->out_features());
        auto loss = [&](const std::vector<int64_t>& ids, double weight) {
          if (ids.empty()) return 0.0;
          gather_block_pairs(data.values, 0, T, S, to_device_ids(ids), x_now, x_next, tgt);
          pipeline->forward(x_now, rec, true);
          double l = nn::mse_loss(rec, tgt, drec, features / weight);
          pipeline->backward_parameters(drec);
          if (copt.autoencode_weight > 0)
            l += pipeline->autoencode_step(x_next, tgt, copt.autoencode_weight, features / weight);
          return l;
        };
        const auto curve = run_training_epochs<double>(ctx.comm, *pipeline, copt, pairs, loss);
        log::info(copt.label, ": run ", r, " training loss ", curve.back());
        if (!best || curve.back() < best_curve.back()) {
          best = std::move(pipeline);
          best_curve = curve;
        }
      }
      const std::string gg = dg + "/S" + std::to_string(S) + "_T" + std::to_string(T);
      nn::save_model(out, gg + "/coarse_grainer", best->encoder());
      nn::save_model(out, gg + "/macro_dynamics", best->dynamics());
      nn::save_model(out, gg + "/decoder", best->decoder());
      write_curve(out, gg + "/loss", best_curve);
    }
  }
  out.commit();
}

}  // namespace macrodyn::selfsimilar
