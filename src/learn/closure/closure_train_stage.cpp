#include "learn/closure/closure_train_stage.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <numeric>

#include "core/log.hpp"
#include "core/runtime.hpp"
#include "io/provenance.hpp"
#include "learn/closure/autoencoder_training.hpp"
#include "learn/closure/latent_models.hpp"
#include "learn/closure/latent_rollout.hpp"
#include "learn/closure/latent_training.hpp"
#include "learn/closure/pooled_autoencoder_phase.hpp"
#include "learn/closure/pooled_training.hpp"

namespace macrodyn::closure {

std::string stage_path(const RunContext& ctx, const std::string& name) {
  return !name.empty() && name[0] == '/' ? name : ctx.path(name);
}

namespace {

std::vector<size_t> sizes_of(const ConfigTable& t, const std::string& key, std::vector<long long> fallback) {
  std::vector<size_t> out;
  for (long long v : t.get_ints(key, fallback, Range::at_least(1))) out.push_back(static_cast<size_t>(v));
  return out;
}

void remove_checkpoint(const RunContext& ctx, const std::string& path) {
  if (comm_rank(ctx.comm) == 0) std::remove(path.c_str());
  MPI_Barrier(ctx.comm);
}

class AutoencoderPhase : public Stage {
 public:
  explicit AutoencoderPhase(const ConfigTable& t) {
    data_ = t.get_string("data", "train.h5");
    configs_ = t.get_int("configurations", 0, Range::at_least(0));
    spec_.latent_dim = static_cast<size_t>(t.get_int("latent_dim", 4, Range::at_least(1)));
    spec_.hidden = sizes_of(t, "hidden", {32, 32});
    spec_.activation = t.get_string("activation", "softplus", {"softplus", "tanh", "silu", "sigmoid", "relu"});
    opt_.lambda_cond = t.get_double("lambda_cond", 1e-6, Range::non_negative());
    // The encoder Jacobian's rows the condition term sees: "all" (the paper's text) or "learnt" (phi_hat's
    // only, the authors' Lennard-Jones code; closure_autoencoder.hpp).
    spec_.condition_rows = t.get_string("condition_rows", "all", {"all", "learnt"});
    opt_.epochs = t.get_int("epochs", 10, Range::at_least(0));
    opt_.batch_size = t.get_int("batch_size", 256, Range::at_least(1));
    opt_.learning_rate = t.get_double("learning_rate", 1e-4, Range::positive());
    // The dense encoder's input layer (N inputs): Adam moves each of its weights by ~lr per step, so its
    // outputs by up to lr x (sum of |x|) ~ lr N; at N ~ 10^5 that saturates every hidden unit unless
    // this rate is ~N times smaller than the rest.
    opt_.input_learning_rate = t.get_double("input_learning_rate", opt_.learning_rate, Range::positive());
    opt_.weight_decay = t.get_double("weight_decay", 1e-4, Range::non_negative());
    const auto betas = t.get_doubles("betas", {0.9, 0.95}, Range{0.0, 1.0, false, true});
    if (betas.size() != 2) t.fail_at("betas", "must be [beta1, beta2]");
    opt_.beta1 = betas[0], opt_.beta2 = betas[1];
    opt_.seed = spec_.seed = static_cast<uint64_t>(t.get_int("seed", 1, Range::at_least(0)));
    // Lennard-Jones states (ignored for other systems): positions as displacement from the trajectory's
    // first frame divided by position_scale (0: the scale that matches the velocities' RMS on this
    // data), or "absolute" (unwrapped positions as stored).
    spec_.representation.lj_positions = t.get_string("lj_positions", "displacement", {"displacement", "absolute"});
    position_scale_ = t.get_double("position_scale", 0.0, Range::non_negative());
    output_ = t.get_string("output", "closure_autoencoder.h5");
    // "pooled" (LJ only): per-atom features averaged over the atoms, a model whose size does not grow with
    // the atom count (pooled_autoencoder.hpp); chunk_atoms bounds its working set.
    encoder_ = t.get_string("encoder", "dense", {"dense", "pooled"});
    chunk_atoms_ = t.get_int("chunk_atoms", 8192, Range::at_least(1));
    if (encoder_ == "pooled" && t.has("input_learning_rate"))
      t.fail_at("input_learning_rate", "applies to the dense encoder's input layer only");
  }

  void run(RunContext& ctx) override {
    ClosureDataRequest req;
    req.max_configs = configs_;
    auto& rep = spec_.representation;
    rep.position_scale = position_scale_ > 0 ? position_scale_ : 1.0;
    req.representation = rep;
    auto data = read_closure_data(stage_path(ctx, data_), ctx.comm, req);
    if (data.system == "lj" && rep.displacement() && !(position_scale_ > 0)) {
      rep.position_scale = lj_balanced_position_scale(data);
      req.representation = rep;
      data = ClosureData();
      data = read_closure_data(stage_path(ctx, data_), ctx.comm, req);
    }
    if (data.system == "lj")
      log::info("closure autoencoder: LJ positions ", rep.lj_positions,
                rep.displacement() ? cat(" / ", rep.position_scale) : std::string());
    spec_.system = data.system;
    spec_.state_dim = data.state_dim;
    spec_.observable_parameters = data.observable_parameters;
    if (encoder_ == "pooled")
      return run_pooled_autoencoder_phase(ctx, data, spec_, opt_, static_cast<size_t>(chunk_atoms_),
                                          stage_path(ctx, output_));
    ClosureAutoencoder ae(spec_);
    const std::string out = stage_path(ctx, output_);
    opt_.checkpoint = out + ".ckpt";
    opt_.progress_interval_s = ctx.progress_interval_s;
    log::info("closure autoencoder: ", data.configs, " configurations of ", data.state_dim, " from ", data.path,
              ", d = ", spec_.latent_dim, ", lambda_cond = ", opt_.lambda_cond);
    const auto r = train_autoencoder(ctx.comm, ae, data, opt_, ctx.timers);
    if (r.stopped) {
      log::info("closure autoencoder: stopped; checkpoint ", opt_.checkpoint);
      return;
    }
    set_latent_normalization(ae, data);
    const auto kappa = condition_numbers(ae, data, 1024);
    const double kmean = write_autoencoder_file(
        out, ctx, [&](io::H5File& f, const std::string& g) { ae.save(f, g); }, r, kappa, "dense", data,
        opt_.lambda_cond);
    remove_checkpoint(ctx, opt_.checkpoint);
    log::info("closure autoencoder: ", r.seconds, " s, final mse ",
              r.reconstruction.empty() ? 0.0 : r.reconstruction.back(), ", mean kappa(J J^T) ", kmean, " -> ", out);
  }

 private:
  std::string data_, output_, encoder_;
  long long configs_ = 0, chunk_atoms_ = 8192;
  double position_scale_ = 0;
  AutoencoderSpec spec_;
  AutoencoderTrainingOptions opt_;
};

class LatentPhase : public Stage {
 public:
  explicit LatentPhase(const ConfigTable& t) {
    autoencoder_ = t.get_string("autoencoder", "closure_autoencoder.h5");
    data_ = t.get_string("data", "train.h5");
    configs_ = t.get_int("configurations", 0, Range::at_least(0));
    // > 1: each trajectory gives only every this many of its kept snapshots, so `configurations`
    // spread over more trajectories (closure_data.hpp).
    stride_ = t.get_int("snapshot_stride", 1, Range::at_least(1));
    const std::string loss = t.get_string("loss", "L_x,p", {"L_z", "L_x", "L_x,p"});
    loss_ = parse_latent_loss(loss);
    spec_.kind = t.get_string("model", "mlp", {"mlp", "onsager", "gfinn"});
    spec_.hidden = sizes_of(t, "hidden", spec_.kind == "onsager" ? std::vector<long long>{32, 64}
                                                                 : std::vector<long long>{32, 32});
    if (spec_.kind == "mlp") spec_.activation = t.get_string("activation", "tanh", {"tanh", "relu", "softplus", "silu"});
    if (spec_.kind == "onsager") {
      spec_.forcing = t.get_bool("forcing", true);
      spec_.min_damping = t.get_double("min_damping", 0.01, Range::non_negative());
    }
    opt_.epochs = t.get_int("epochs", 2000, Range::at_least(0));
    opt_.batch_size = t.get_int("batch_size", 256, Range::at_least(1));
    opt_.learning_rate = t.get_double("learning_rate", 5e-3, Range::positive());
    opt_.weight_decay = t.get_double("weight_decay", 0.0, Range::non_negative());
    opt_.plateau.reduce = t.get_double("plateau_factor", 0.5, Range{0.0, 1.0, true, false});
    opt_.plateau.patience = t.get_int("plateau_patience", 100, Range::at_least(0));
    opt_.plateau.min_lr = t.get_double("min_learning_rate", 5e-6, Range::non_negative());
    opt_.seed = spec_.seed = static_cast<uint64_t>(t.get_int("seed", 1, Range::at_least(0)));
    // true: train on the excess loss (each sample's constant lowered by its minimum over g; same
    // gradient), so the plateau schedule sees the part of the loss training can reduce.
    excess_ = t.get_bool("subtract_minimum", false);
    // > 0: the last this many trajectories of the data are held out; the model keeps the parameters of
    // the epoch with the lowest loss on them (latent_training.hpp).
    validation_trajectories_ = t.get_int("validation_trajectories", 0, Range::at_least(0));
    // > 1: train this many models (seeds seed, seed + 1, ...) and keep the best by select_by (on the
    // training data only; the test trajectories are never seen).
    restarts_ = t.get_int("restarts", 1, Range::at_least(1));
    // How the restarts are ranked: "loss" (final training loss) or "rollout" (mean relative error of
    // RK4 rollouts, the evaluate stage's measure, on the first selection_trajectories trajectories of
    // the training data, at step selection_dt; 0: the snapshot spacing).
    select_by_ = t.get_string("select_by", "loss", {"loss", "rollout"});
    selection_trajectories_ = t.get_int("selection_trajectories", 10, Range::at_least(1));
    selection_dt_ = t.get_double("selection_dt", 0.0, Range::non_negative());
    label_ = t.get_string("label", loss);
    output_ = t.get_string("output", "closure_latent.h5");
  }

  void run(RunContext& ctx) override {
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<ClosureAutoencoder> ae;
    std::unique_ptr<PooledAutoencoder> pooled;  // encoder = "pooled" autoencoder files
    {
      const auto f = io::H5File::open_read(stage_path(ctx, autoencoder_), ctx.comm);
      if (PooledAutoencoder::stored_in(f, "/autoencoder"))
        pooled = PooledAutoencoder::load(f, "/autoencoder", ctx.comm);
      else
        ae = ClosureAutoencoder::load(f, "/autoencoder");
    }
    ClosureDataRequest req;
    req.max_configs = configs_;
    req.snapshot_stride = stride_;
    req.forces = loss_ != LatentLoss::Lxp;
    req.partial_forces = loss_ == LatentLoss::Lxp;
    req.representation = pooled ? pooled->spec().representation : ae->spec().representation;
    const auto data = read_closure_data(stage_path(ctx, data_), ctx.comm, req);
    if (!pooled && data.state_dim != ae->spec().state_dim)
      fail(data.path, ": states have ", data.state_dim, " coordinates, the autoencoder ", ae->spec().state_dim);
    auto targets = pooled ? build_pooled_latent_targets(*pooled, data, loss_) : build_latent_targets(ctx.comm, *ae, data, loss_);
    const LatentNormalization& norm = pooled ? pooled->normalization() : ae->normalization();
    if (excess_) log::info("closure latent ", label_, ": loss minus each sample's minimum (mean ", shift_to_excess(targets), ")");
    LatentTargets validation;
    if (validation_trajectories_ > 0) {
      const size_t K = data.trajectories(), V = static_cast<size_t>(validation_trajectories_);
      if (V >= K)
        fail(data.path, ": validation_trajectories = ", V, " leaves no training trajectory of the ", K, " read");
      const size_t first = data.trajectory_start[K - V];
      LatentTargets training;
      training.d = validation.d = targets.d;
      for (size_t s = 0; s < targets.size(); ++s) (s < first ? training : validation).append(targets, s);
      targets = std::move(training);
      log::info("closure latent ", label_, ": ", validation.size(), " configurations of the last ", V,
                " trajectories held out for validation");
    }
    const double precompute = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    log::info("closure latent ", label_, ": ", targets.size(), " configurations",
              loss_ == LatentLoss::Lxp ? cat(", |I| = ", data.partial) : std::string(), ", precompute ", precompute,
              " s");
    spec_.dim = pooled ? pooled->latent_dim() : ae->latent_dim();
    const std::string out = stage_path(ctx, output_);
    // Restart r trains from seed + r; the one ranked best (final loss or rollout error) is kept. With more
    // than one, each finished restart is written to <output>.restart<r> (and read back on a resumed
    // run), its checkpoint is <output>.restart<r>.ckpt; the single-run checkpoint is <output>.ckpt.
    const bool several = restarts_ > 1;
    std::unique_ptr<RolloutSelection> selection;
    if (select_by_ == "rollout") {
      ClosureDataRequest sreq;
      sreq.max_trajectories = selection_trajectories_;
      sreq.representation = req.representation;
      const auto sdata = read_closure_data(stage_path(ctx, data_), ctx.comm, sreq);
      selection = std::make_unique<RolloutSelection>();
      selection->paths = latent_paths(pooled ? encode_all_pooled(*pooled, sdata) : encode_all(*ae, sdata), sdata, spec_.dim);
      selection->dt = selection_dt_ > 0 ? selection_dt_ : sdata.snapshot_dt;
      selection->substeps = rollout_substeps(sdata, selection->dt);
      selection->ds = pooled ? pooled->fixed_dim() : ae->fixed_dim();
    }
    TrainedLatent best;
    std::vector<double> finals, rollouts;
    for (long long r = 0; r < restarts_; ++r) {
      TrainedLatent t;
      t.spec = spec_;
      t.spec.seed = spec_.seed + static_cast<uint64_t>(r);
      const std::string file = several ? cat(out, ".restart", r) : out;
      if (several && std::ifstream(file).good()) {
        t = read_trained_latent(ctx.comm, file);
        log::info("closure latent ", label_, ": restart ", r, " read from ", file);
      } else {
        t.model = make_latent_model(t.spec);
        auto opt = opt_;
        opt.seed = t.spec.seed;
        opt.checkpoint = file + ".ckpt";
        opt.progress_interval_s = ctx.progress_interval_s;
        t.result = train_latent(ctx.comm, *t.model, targets, norm, opt, ctx.timers,
                                validation.size() > 0 ? &validation : nullptr);
        if (t.result.stopped) {
          log::info("closure latent: stopped; checkpoint ", opt.checkpoint);
          return;
        }
        t.final_loss = latent_loss_value(*t.model, targets, norm);
        if (several) write_latent_file(ctx, file, t, data, precompute, {}, {});
        remove_checkpoint(ctx, opt.checkpoint);
      }
      if (selection) {
        const auto e = rollout_errors(*t.model, norm, selection->paths, selection->dt, selection->substeps, selection->ds);
        t.rank = 0;
        for (double x : e) t.rank += x / static_cast<double>(e.size());
        rollouts.push_back(t.rank);
      } else {
        t.rank = t.final_loss;
      }
      if (several)
        log::info("closure latent ", label_, ": restart ", r, " (seed ", t.spec.seed, ") final loss ", t.final_loss,
                  selection ? cat(", rollout error ", t.rank) : std::string());
      finals.push_back(t.final_loss);
      if (r == 0 || t.rank < best.rank) best = t;
    }
    write_latent_file(ctx, out, best, data, precompute, finals, rollouts);
    if (several && comm_rank(ctx.comm) == 0)
      for (long long r = 0; r < restarts_; ++r) std::remove(cat(out, ".restart", r).c_str());
    log::info("closure latent ", label_, ": ", best.result.seconds, " s for ", best.result.loss.size(), " epochs",
              several ? cat(" (restart with seed ", best.spec.seed, " of ", restarts_, ")") : std::string(), ", loss ",
              best.final_loss, " -> ", out);
  }

 private:
  struct TrainedLatent {
    LatentModelSpec spec;
    std::shared_ptr<nn::Layer<float>> model;
    LatentTrainingResult result;
    double final_loss = 0;
    double rank = 0;  // what the restarts are ranked by (final loss or rollout error)
  };
  struct RolloutSelection {
    LatentPaths paths;
    double dt = 0;
    long substeps = 1;
    size_t ds = 0;
  };

  // The latent-model file (closure_train_stage.hpp); `restart_losses` (the final loss of every restart)
  // is written when there were several, `rollout_errors` (each restart's selection error) when given.
  void write_latent_file(RunContext& ctx, const std::string& path, TrainedLatent& t, const ClosureData& data,
                         double precompute, const std::vector<double>& restart_losses,
                         const std::vector<double>& rollout_errors) const {
    const auto& r = t.result;
    auto file = io::H5File::create(path, ctx.comm);
    io::write_provenance(file, ctx);
    save_latent_model(file, "/latent", t.spec, *t.model);
    file.write_replicated("/loss", {r.loss.size()}, r.loss.data());
    file.write_replicated("/learning_rate", {r.learning_rate.size()}, r.learning_rate.data());
    if (!r.validation_loss.empty()) {
      file.write_replicated("/validation_loss", {r.validation_loss.size()}, r.validation_loss.data());
      file.set_attr("/", "best_epoch", static_cast<int64_t>(r.best_epoch));
    }
    if (restart_losses.size() > 1) file.set_attr("/", "restart_final_losses", restart_losses);
    if (!rollout_errors.empty()) {
      file.set_attr("/", "restart_rollout_errors", rollout_errors);
      file.set_attr("/", "selection_trajectories", static_cast<int64_t>(selection_trajectories_));
    }
    file.set_attr("/", "method", std::string("closure"));
    file.set_attr("/", "phase", std::string("latent"));
    file.set_attr("/", "loss", latent_loss_name(loss_));
    file.set_attr("/", "label", label_);
    file.set_attr("/", "autoencoder", stage_path(ctx, autoencoder_));
    file.set_attr("/", "data", data.path);
    file.set_attr("/", "configurations", static_cast<int64_t>(data.configs));
    file.set_attr("/", "snapshot_stride", static_cast<int64_t>(stride_));
    file.set_attr("/", "partial_coordinates", static_cast<int64_t>(loss_ == LatentLoss::Lxp ? data.partial : 0));
    file.set_attr("/", "precompute_s", precompute);
    file.set_attr("/", "time_s", r.seconds);
    file.set_attr("/", "final_loss", t.final_loss);
    file.commit();
  }

  static TrainedLatent read_trained_latent(MPI_Comm comm, const std::string& path) {
    const auto f = io::H5File::open_read(path, comm);
    TrainedLatent t;
    t.model = load_latent_model(f, "/latent", &t.spec);
    t.result.loss = f.read_all<double>("/loss");
    t.result.learning_rate = f.read_all<double>("/learning_rate");
    if (f.exists("/validation_loss")) {
      t.result.validation_loss = f.read_all<double>("/validation_loss");
      t.result.best_epoch = f.attr_int("/", "best_epoch");
    }
    t.result.seconds = f.attr_double("/", "time_s");
    t.final_loss = f.attr_double("/", "final_loss");
    return t;
  }

  std::string autoencoder_, data_, label_, output_, select_by_;
  long long selection_trajectories_ = 10;
  double selection_dt_ = 0;
  long long configs_ = 0, stride_ = 1, restarts_ = 1;
  LatentLoss loss_ = LatentLoss::Lxp;
  bool excess_ = false;
  long long validation_trajectories_ = 0;
  LatentModelSpec spec_;
  LatentTrainingOptions opt_;
};

}  // namespace

std::unique_ptr<Stage> make_closure_train_stage(const ConfigTable& t) {
  const std::string phase = t.get_string("phase", "autoencoder", {"autoencoder", "latent"});
  if (phase == "autoencoder") return std::make_unique<AutoencoderPhase>(t);
  return std::make_unique<LatentPhase>(t);
}

}  // namespace macrodyn::closure
