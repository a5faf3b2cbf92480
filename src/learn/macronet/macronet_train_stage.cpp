// train stage, method = "macronet". See the header.
#include "learn/macronet/macronet_train_stage.hpp"

#include <sys/stat.h>

#include "core/log.hpp"
#include "io/h5file.hpp"
#include "io/provenance.hpp"
#include "learn/macronet/macronet_loss.hpp"
#include "learn/macronet/macronet_model_file.hpp"
#include "learn/macronet/pair_dataset.hpp"
#include "nn/adam.hpp"
#include "nn/data_parallel_trainer.hpp"

namespace macrodyn::macronet {
namespace {

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

class MacroNetTrainStage : public Stage {
 public:
  explicit MacroNetTrainStage(const ConfigTable& t)
      : data_(t.get_string("data", "pairs.h5")),
        pairs_(PairData::from_config(t)),
        samples_(t.get_int("samples", 0, Range::at_least(0))),
        model_(t.get_string("model", "macronet.h5")),
        shared_(t.get_bool("shared_weights", false)),
        macro_dims_(t.get_int("macro_dims", 1, Range::at_least(1))),
        gamma_(t.get_double("gamma", 0.5, Range::non_negative())),
        optimizer_(t.get_string("optimizer", "nadam", {"nadam", "adam"})),
        lr_(t.get_double("lr", 5e-3, Range::positive())),
        weight_decay_(t.get_double("weight_decay", 0.0, Range::non_negative())),
        lr_step_epochs_(t.get_int("lr_step_epochs", 0, Range::at_least(0))),
        lr_gamma_(t.get_double("lr_gamma", 1.0, Range::positive())),
        epochs_(t.get_int("epochs", 200, Range::at_least(1))),
        batch_(t.get_int("batch_size", 256, Range::at_least(1))),
        clip_(t.get_double("clip_norm", 0.0, Range::non_negative())),
        seed_(t.get_int("seed", 1, Range::at_least(0))),
        precision_(t.get_string("precision", "double", {"double", "float"})),
        checkpoint_every_(t.get_int("checkpoint_every", 0, Range::at_least(0))),
        resume_(t.get_bool("resume", true)),
        recalibration_batches_(t.get_int("bn_recalibration_batches", 50, Range::at_least(0))),
        u_table_(t.table("phi_u")),
        v_table_(t.table("phi_v")) {
    // Architecture keys are validated now (the input dims come from the data at run time).
    FlowSpec::from_config(u_table_, 2, macro_dims_, seed_);
    if (!shared_) FlowSpec::from_config(v_table_, 2, macro_dims_, seed_);
    if (shared_ && v_table_.has("network")) v_table_.fail_at("network", "phi_v is phi_u with shared_weights");
  }

  void run(RunContext& ctx) override {
    if (precision_ == "float")
      run_typed<float>(ctx);
    else
      run_typed<double>(ctx);
  }

 private:
  template <class T>
  void run_typed(RunContext& ctx) {
    SampleMatrix U, V;
    pairs_.load(ctx.path(data_), ctx.comm, U, V);
    const long n = samples_ > 0 ? std::min<long>(samples_, U.n) : U.n;
    const FlowSpec us = FlowSpec::from_config(u_table_, U.d, macro_dims_, seed_);
    const FlowSpec vs = shared_ ? us : FlowSpec::from_config(v_table_, V.d, macro_dims_, seed_, V.shape);
    MacroNet<T> net(us, vs, shared_);
    net.set_comm(ctx.comm);
    log::info("macronet train: ", n, " pairs, u dim ", U.d, ", v dim ", V.d, ", macrostate dim ", macro_dims_,
              shared_ ? ", shared weights" : "", ", ", net.parameters().size(), " parameter tensors");

    std::unique_ptr<nn::Adam<T>> opt;
    if (optimizer_ == "nadam")
      opt = nn::make_nadam<T>(net.parameters(), lr_, 0.9, 0.999, 1e-8, weight_decay_);
    else
      opt = std::make_unique<nn::Adam<T>>(net.parameters(), lr_, 0.9, 0.999, 1e-8, weight_decay_);

    nn::TrainerOptions to;
    to.n_samples = n;
    to.batch_size = batch_;
    to.epochs = epochs_;
    to.seed = static_cast<uint64_t>(seed_);
    to.clip_norm = clip_;
    const long per_epoch = (n + batch_ - 1) / batch_;
    to.lr = {lr_, lr_step_epochs_ > 0 ? long(lr_step_epochs_ * per_epoch) : 0L, lr_gamma_};
    to.checkpoint_path = ctx.path(model_ + ".ckpt.h5");
    to.checkpoint_every = checkpoint_every_;
    to.progress_interval_s = ctx.progress_interval_s;
    to.label = "macronet train";
    nn::DataParallelTrainer<T> trainer(ctx.comm, net, *opt, to);
    trainer.broadcast_parameters();
    if (resume_ && file_exists(to.checkpoint_path)) {
      trainer.load_checkpoint(to.checkpoint_path);
      log::info("macronet train: resumed from ", to.checkpoint_path, " at epoch ", trainer.epoch(), ", step ",
                trainer.global_step());
    }

    PairLossEvaluator<T> loss_fn(net, gamma_);
    nn::Tensor<T> ub, vb;
    nn::BatchLoss loss = [&](const std::vector<int64_t>& ids, double weight) {
      net.project_lipschitz();  // after the previous optimizer step (identical on every rank)
      gather(U, ids, ub);
      gather(V, ids, vb);
      const std::vector<uint64_t> gids(ids.begin(), ids.end());
      return loss_fn(ub, vb, gids, uint64_t(U.n), uint32_t(trainer.global_step()), weight).total;
    };
    // (The trainer's own timer scope name "train/step" is rejected by the nested timers: no timers here.)
    const auto result = trainer.train(loss, 0, nullptr);
    if (result.stopped) {
      log::info("macronet train: stopped at step ", result.steps, "; rerun the deck to resume");
      return;
    }
    net.project_lipschitz();
    log::info("macronet train loss ", result.last_epoch_loss);

    ModelFileInfo info;
    info.shared = shared_;
    info.u = us;
    info.v = vs;
    info.gamma = gamma_;
    info.final_loss = result.last_epoch_loss;
    info.precision = precision_;
    info.steps = result.steps;
    recalibrate(ctx, trainer, loss_fn, U, V);
    save_macronet(ctx.path(model_), ctx, net, info);
  }

  // Batch-norm recalibration: the running statistics trail the parameters by ~1/momentum steps, which
  // at a large final learning rate leaves eval mode inconsistent with training. Training-mode
  // forwards (no updates) over at least bn_recalibration_batches global batches bring them to the
  // final parameters; the loss terms of the last pass are logged.
  template <class T>
  void recalibrate(RunContext& ctx, nn::DataParallelTrainer<T>& trainer, PairLossEvaluator<T>& loss_fn,
                   const SampleMatrix& U, const SampleMatrix& V) {
    const int64_t nb = trainer.batches_per_epoch();
    const int64_t passes = recalibration_batches_ > 0 ? (recalibration_batches_ + nb - 1) / nb : 0;
    for (int64_t pass = 0; pass < std::max<int64_t>(passes, 1); ++pass)
      log_loss_terms(ctx, trainer, loss_fn, U, V, pass + 1 >= passes);
  }

  template <class T>
  void log_loss_terms(RunContext& ctx, nn::DataParallelTrainer<T>& trainer, PairLossEvaluator<T>& loss_fn,
                      const SampleMatrix& U, const SampleMatrix& V, bool log) {
    const auto perm = trainer.global_permutation(0);
    double sums[3] = {0, 0, 0};
    nn::Tensor<T> ub, vb;
    for (int64_t k = 0; k < trainer.batches_per_epoch(); ++k) {
      int64_t gsize = 0;
      const auto ids = trainer.local_batch(perm, k, &gsize);
      gather(U, ids, ub);
      gather(V, ids, vb);
      const std::vector<uint64_t> gids(ids.begin(), ids.end());
      const auto r = loss_fn(ub, vb, gids, uint64_t(U.n), 0, 1.0 / double(trainer.options().n_samples), false);
      sums[0] += r.prediction;
      sums[1] += r.nll_u;
      sums[2] += r.nll_v;
    }
    MPI_Allreduce(MPI_IN_PLACE, sums, 3, MPI_DOUBLE, MPI_SUM, ctx.comm);
    if (log)
      log::info("macronet train terms (training-mode batches): prediction ", sums[0], "  nll_u ", sums[1], "  nll_v ",
              sums[2]);
  }

  std::string data_;
  PairData pairs_;
  long samples_;
  std::string model_;
  bool shared_;
  long macro_dims_;
  double gamma_;
  std::string optimizer_;
  double lr_, weight_decay_;
  long lr_step_epochs_;
  double lr_gamma_;
  long epochs_, batch_;
  double clip_;
  long seed_;
  std::string precision_;
  long checkpoint_every_;
  bool resume_;
  long recalibration_batches_;
  ConfigTable u_table_, v_table_;
};

}  // namespace

std::unique_ptr<Stage> make_macronet_train_stage(const ConfigTable& table) {
  return std::make_unique<MacroNetTrainStage>(table);
}

}  // namespace macrodyn::macronet
