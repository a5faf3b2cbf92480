#pragma once
// Reduce-on-plateau learning-rate schedule around any optimizer (the reference training of the
// latent models: AdamW with factor 0.5 when the epoch loss stops improving).
//
// The wrapped optimizer runs with lr = (trainer's lr) * factor. end_epoch(loss): if loss < best *
// (1 - threshold) the loss improved (best = loss, bad = 0), else ++bad; when bad > patience the
// effective lr becomes max(lr * reduce, min_lr) and bad = 0. factor/best/bad are optimizer state
// scalars, so the data-parallel trainer's checkpoints carry them and a resumed run continues exactly.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "nn/optimizer.hpp"

namespace macrodyn::closure {

struct PlateauOptions {
  double reduce = 0.5;
  long patience = 100;
  double threshold = 1e-4;
  double min_lr = 5e-6;
};

template <class T>
class PlateauOptimizer : public nn::Optimizer<T> {
 public:
  PlateauOptimizer(std::unique_ptr<nn::Optimizer<T>> inner, double lr, PlateauOptions options)
      : nn::Optimizer<T>(inner->params(), lr, 0.0), inner_(std::move(inner)), opt_(options) {}

  std::string kind() const override { return "plateau_" + inner_->kind(); }
  void step() override {
    inner_->set_learning_rate(this->lr_ * factor_);
    inner_->step();
    ++this->steps_;
  }
  double effective_learning_rate() const { return this->lr_ * factor_; }

  // Returns true when the learning rate was reduced.
  bool end_epoch(double loss) {
    if (loss < best_ * (1.0 - opt_.threshold)) {
      best_ = loss;
      bad_ = 0;
      return false;
    }
    if (++bad_ <= opt_.patience) return false;
    bad_ = 0;
    const double lr = this->lr_ * factor_, next = std::max(lr * opt_.reduce, opt_.min_lr);
    if (this->lr_ > 0) factor_ = next / this->lr_;
    return next < lr;
  }

  std::vector<nn::Parameter<T>> state_tensors() override { return inner_->state_tensors(); }
  std::map<std::string, double> state_scalars() const override {
    auto s = inner_->state_scalars();
    s["plateau_factor"] = factor_;
    s["plateau_best"] = std::isfinite(best_) ? best_ : std::numeric_limits<double>::max();
    s["plateau_bad"] = static_cast<double>(bad_);
    return s;
  }
  void set_state_scalars(const std::map<std::string, double>& s) override {
    inner_->set_state_scalars(s);
    nn::Optimizer<T>::set_state_scalars(s);
    factor_ = s.at("plateau_factor");
    best_ = s.at("plateau_best");
    bad_ = static_cast<long>(s.at("plateau_bad"));
  }

 private:
  std::unique_ptr<nn::Optimizer<T>> inner_;
  PlateauOptions opt_;
  double factor_ = 1.0, best_ = std::numeric_limits<double>::infinity();
  long bad_ = 0;
};

}  // namespace macrodyn::closure
