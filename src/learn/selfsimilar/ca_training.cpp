#include "learn/selfsimilar/ca_training.hpp"

#include "learn/selfsimilar/ca_metrics.hpp"
#include "learn/selfsimilar/ca_networks.hpp"
#include "learn/selfsimilar/two_class_softmax.hpp"
#include "nn/adam.hpp"
#include "nn/data_parallel_trainer.hpp"
#include "nn/mse_loss.hpp"

namespace macrodyn::selfsimilar {
template <class T>
std::vector<double> run_training_epochs(MPI_Comm comm, nn::Layer<T>& model, const CaTrainOptions& opt, long n_samples,
                                        const std::function<double(const std::vector<int64_t>&, double)>& loss,
                                        const std::function<bool()>& fitted) {
  nn::Adam<T> adam(model.parameters(), opt.lr, 0.9, 0.999, 1e-8, opt.weight_decay);
  nn::TrainerOptions topt;
  topt.n_samples = n_samples;
  topt.batch_size = opt.batch;
  topt.epochs = opt.epochs;
  topt.seed = opt.seed;
  topt.lr.lr0 = opt.lr;
  topt.progress_interval_s = opt.progress_interval_s;
  topt.label = opt.label;
  nn::DataParallelTrainer<T> trainer(comm, model, adam, topt);
  trainer.broadcast_parameters();
  std::vector<double> curve;
  const int64_t per_epoch = trainer.batches_per_epoch();
  for (long e = 0; e < opt.epochs; ++e) {
    const auto r = trainer.train(loss, (e + 1) * per_epoch);
    if (r.stopped) break;
    curve.push_back(r.last_epoch_loss);
    if (opt.stop_loss > 0 && r.last_epoch_loss < opt.stop_loss && (!fitted || fitted())) break;
  }
  return curve;
}

template <class T>
CaDynamicsFit train_ca_dynamics(MPI_Comm comm, const CaRuleData& data, long n_train, const CaTrainOptions& opt,
                                nn::Sequential<T>& dynamics) {
  auto site = make_ca_site_dynamics<T>(opt.seed);
  copy_parameters<T>(dynamics, *site);  // start from the conv model's initial values
  nn::Tensor<T> x, target, logits, dlogits;
  const double sites = static_cast<double>(data.width);
  auto loss = [&](const std::vector<int64_t>& ids, double weight) {
    if (ids.empty()) return 0.0;
    gather_micro_windows(data, 0, to_device_ids(ids), x, target);
    site->forward(x, logits, true);
    const double l = two_class_nll(logits, target, weight / sites, dlogits);
    site->backward_parameters(dlogits);
    return l;
  };
  // a low mean loss can still leave a rare neighbourhood wrong: stop only once every training cell is right
  bool ended_fitted = false;  // true only when fitted() ended the run (no step after it)
  auto fitted = [&]() {
    copy_parameters<T>(*site, dynamics);
    ended_fitted = ca_next_state_accuracy<T>(comm, dynamics, data, 0, n_train) == 1.0;
    return ended_fitted;
  };
  CaDynamicsFit fit;
  fit.curve = run_training_epochs<T>(comm, *site, opt, data.micro_pairs(n_train), loss, fitted);
  copy_parameters<T>(*site, dynamics);
  fit.training_accuracy = ended_fitted ? 1.0 : ca_next_state_accuracy<T>(comm, dynamics, data, 0, n_train);
  return fit;
}

template <class T>
std::vector<double> train_ca_coarse_graining(MPI_Comm comm, const CaRuleData& data, long n_train, int group,
                                             const CaTrainOptions& opt, MacroPipeline<T>& pipeline) {
  nn::Tensor<T> x_now, x_next, target, y, dy;
  const double features = static_cast<double>(pipeline.out_features());
  const double macro_sites = static_cast<double>(data.width / group);
  auto loss = [&](const std::vector<int64_t>& ids, double weight) {
    if (ids.empty()) return 0.0;
    gather_macro_pairs(data, 0, group, to_device_ids(ids), x_now, x_next, target);
    pipeline.forward(x_now, y, true);
    double l = nn::mse_loss(y, target, dy, features / weight);
    pipeline.backward_parameters(dy);
    if (opt.autoencode_weight > 0)
      l += pipeline.autoencode_step(x_next, target, opt.autoencode_weight, features / weight);
    if (opt.consistency_weight > 0)
      l += pipeline.consistency_step(x_now, x_next, opt.consistency_weight, macro_sites / weight);
    return l;
  };
  return run_training_epochs<T>(comm, pipeline, opt, data.macro_pairs(n_train, group), loss);
}

template std::vector<double> run_training_epochs<double>(
    MPI_Comm, nn::Layer<double>&, const CaTrainOptions&, long,
    const std::function<double(const std::vector<int64_t>&, double)>&, const std::function<bool()>&);
template std::vector<double> run_training_epochs<float>(
    MPI_Comm, nn::Layer<float>&, const CaTrainOptions&, long,
    const std::function<double(const std::vector<int64_t>&, double)>&, const std::function<bool()>&);
template CaDynamicsFit train_ca_dynamics<double>(MPI_Comm, const CaRuleData&, long, const CaTrainOptions&,
                                                 nn::Sequential<double>&);
template CaDynamicsFit train_ca_dynamics<float>(MPI_Comm, const CaRuleData&, long, const CaTrainOptions&,
                                                nn::Sequential<float>&);
template std::vector<double> train_ca_coarse_graining<double>(MPI_Comm, const CaRuleData&, long, int,
                                                              const CaTrainOptions&, MacroPipeline<double>&);
template std::vector<double> train_ca_coarse_graining<float>(MPI_Comm, const CaRuleData&, long, int,
                                                             const CaTrainOptions&, MacroPipeline<float>&);

}  // namespace macrodyn::selfsimilar
