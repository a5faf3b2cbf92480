#include "learn/closure/closure_evaluate_stage.hpp"

#include <cmath>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

#include "core/log.hpp"
#include "core/runtime.hpp"
#include "io/provenance.hpp"
#include "learn/closure/autoencoder_training.hpp"
#include "learn/closure/closure_train_stage.hpp"
#include "learn/closure/latent_models.hpp"
#include "learn/closure/latent_rollout.hpp"
#include "learn/closure/pooled_training.hpp"

namespace macrodyn::closure {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ";" : "") + v[i];
  return s;
}

class ClosureEvaluate : public Stage {
 public:
  explicit ClosureEvaluate(const ConfigTable& t) {
    autoencoder_ = t.get_string("autoencoder", "closure_autoencoder.h5");
    data_ = t.get_string("data", "test.h5");
    models_ = t.get_strings("models", {"closure_latent.h5"});
    if (models_.empty()) t.fail_at("models", "must list at least one latent-model file");
    dt_ = t.get_double("dt", 0.01, Range::positive());
    trajectories_ = t.get_int("trajectories", 0, Range::at_least(0));
    output_ = t.get_string("output", "closure_evaluation.h5");
  }

  void run(RunContext& ctx) override {
    std::unique_ptr<ClosureAutoencoder> ae;
    std::unique_ptr<PooledAutoencoder> pooled;  // encoder = "pooled" autoencoder files
    double ae_time = 0;
    {
      const auto f = io::H5File::open_read(stage_path(ctx, autoencoder_), ctx.comm);
      if (PooledAutoencoder::stored_in(f, "/autoencoder"))
        pooled = PooledAutoencoder::load(f, "/autoencoder", ctx.comm);
      else
        ae = ClosureAutoencoder::load(f, "/autoencoder");
      if (f.has_attr("/", "time_s")) ae_time = f.attr_double("/", "time_s");
    }
    ClosureDataRequest req;
    req.max_trajectories = trajectories_;
    req.representation = pooled ? pooled->spec().representation : ae->spec().representation;
    const auto data = read_closure_data(stage_path(ctx, data_), ctx.comm, req);
    const LatentNormalization& norm = pooled ? pooled->normalization() : ae->normalization();
    // Trajectories may have different lengths (/snapshots_kept): roll out to the longest, compare each
    // on its own kept snapshots; /true and /predictions hold NaN past a trajectory's end.
    const size_t d = pooled ? pooled->latent_dim() : ae->latent_dim();
    const size_t ds = pooled ? pooled->fixed_dim() : ae->fixed_dim();
    const long sub = rollout_substeps(data, dt_);
    const auto paths = latent_paths(pooled ? encode_all_pooled(*pooled, data) : encode_all(*ae, data), data, d);
    const size_t K = paths.K, T = paths.T;
    const std::vector<double>& ztrue = paths.z;
    std::vector<double> lengths(paths.length.begin(), paths.length.end());
    const size_t M = models_.size();
    std::vector<double> pred(M * K * T * d, std::numeric_limits<double>::quiet_NaN()), errors(M * K), mean(M), sd(M),
        train_time(M);
    std::vector<std::string> labels, losses, paths_of_models;
    for (size_t m = 0; m < M; ++m) {
      const std::string path = stage_path(ctx, models_[m]);
      const auto f = io::H5File::open_read(path, ctx.comm);
      auto model = load_latent_model(f, "/latent");
      labels.push_back(f.attr_string("/", "label"));
      losses.push_back(f.attr_string("/", "loss"));
      paths_of_models.push_back(path);
      train_time[m] = f.attr_double("/", "time_s") + f.attr_double("/", "precompute_s");
      std::vector<double> out;  // (T, K, d)
      const auto e = rollout_errors(*model, norm, paths, dt_, sub, ds, &out);
      for (size_t k = 0; k < K; ++k) {
        for (size_t t = 0; t < paths.length[k]; ++t)
          for (size_t i = 0; i < d; ++i) pred[((m * K + k) * T + t) * d + i] = out[(t * K + k) * d + i];
        errors[m * K + k] = e[k];
        mean[m] += e[k] / static_cast<double>(K);
      }
      for (size_t k = 0; k < K; ++k) sd[m] += std::pow(errors[m * K + k] - mean[m], 2) / static_cast<double>(K);
      sd[m] = std::sqrt(sd[m]);
    }
    auto file = io::H5File::create(stage_path(ctx, output_), ctx.comm);
    io::write_provenance(file, ctx);
    const hsize_t hM = M, hK = K, hT = T, hd = d;
    file.write_replicated("/times", {hT}, data.time_values.data());
    file.write_replicated("/true", {hK, hT, hd}, ztrue.data());
    file.write_replicated("/lengths", {hK}, lengths.data());
    file.write_replicated("/predictions", {hM, hK, hT, hd}, pred.data());
    file.write_replicated("/errors", {hM, hK}, errors.data());
    file.write_replicated("/mean_relative_error", {hM}, mean.data());
    file.write_replicated("/std_relative_error", {hM}, sd.data());
    file.write_replicated("/train_time_s", {hM}, train_time.data());
    file.write_replicated("/autoencoder_time_s", {1}, &ae_time);
    file.set_attr("/", "method", std::string("closure"));
    file.set_attr("/", "system", data.system);
    file.set_attr("/", "labels", joined(labels));
    file.set_attr("/", "losses", joined(losses));
    file.set_attr("/", "models", joined(paths_of_models));
    file.set_attr("/", "observable_dims", static_cast<int64_t>(ds));
    file.set_attr("/", "latent_dim", static_cast<int64_t>(d));
    file.set_attr("/", "dt", dt_);
    file.commit();
    if (comm_rank(ctx.comm) == 0) {
      std::ostringstream s;
      s << std::setprecision(4);
      s << "closure " << data.system << " autoencoder time_s " << ae_time << "\n";
      for (size_t m = 0; m < M; ++m) s << "closure " << data.system << " " << labels[m] << " time_s " << train_time[m] << "\n";
      for (size_t m = 0; m < M; ++m)
        s << "closure " << data.system << " " << labels[m] << " mean_relative_error " << mean[m] << "\n";
      std::cout << s.str() << std::flush;
    }
    for (size_t m = 0; m < M; ++m)
      log::info("closure evaluate ", labels[m], ": mean relative error ", mean[m], " +- ", sd[m], " over ", K,
                " trajectories");
  }

 private:
  std::string autoencoder_, data_, output_;
  std::vector<std::string> models_;
  double dt_ = 0.01;
  long long trajectories_ = 0;
};

}  // namespace

std::unique_ptr<Stage> make_closure_evaluate_stage(const ConfigTable& table) {
  return std::make_unique<ClosureEvaluate>(table);
}

}  // namespace macrodyn::closure
