#pragma once
// The coarse-graining pipeline of the self-similar framework (self-similar dynamics paper, eq. 8):
//   X_t (micro block) --P--> y_t --F--> y_{t+1} --P'--> reconstruction of the next micro block,
// trained on |X_{t+1} - P'(F(P(X_t)))|^2.
// Self-similar framework: F is the micro dynamics learner f, frozen (its parameters are not among
// parameters(), so an optimizer built on them never changes f). Non-self-similar baseline
// (train_dynamics = true): F has its own parameters, trained jointly with P and P'.
// As a Layer: x = X_t block (encoder input features), y = decoder output; backward goes through
// F into P (F's own gradients are accumulated but ignored unless F is trained).
// autoencode_step(): the decoder must also reconstruct X_{t+1} from P(X_{t+1}) itself; adds the
// parameter gradients of weight * |X_{t+1} - P'(P(X_{t+1}))|^2 / count and returns that loss. With
// it, P'(F(P(X_t))) ~ X_{t+1} ~ P'(P(X_{t+1})) ties F(P(X_t)) to P(X_{t+1}) through one decoder.
// Without it the reconstruction alone cannot tell P from its complement 1 - P when F commutes with
// complement (additive rules such as 60, 90: f(1-a, 1-b) = f(a, b)), so a perfect reconstruction
// may come with consistency ~1.
// consistency_step(): adds the parameter gradients of weight * |F(P(X_t)) - P(X_{t+1})|^2 / count
// (the consistency itself as a training term, through both P branches) and returns that loss.
// consistency (paper eq. 6): MSE between F(P(X_t)) and P(X_{t+1}); consistency_sum() returns the
// sum of squared differences over macro sites and samples (divide by sites * samples).
// binary_consistency_sum(): the same for two-state systems (cellular automata) on hard macrostates:
// the number of macro sites where round(F(round(P(X_t)))) != round(P(X_{t+1})), i.e. where the
// learnt rule applied to the coarse-grained CA row misses the coarse-grained next row.
#include <memory>

#include "nn/sequential.hpp"

namespace macrodyn::selfsimilar {

template <class T>
class MacroPipeline : public nn::Layer<T> {
 public:
  MacroPipeline(std::shared_ptr<nn::Layer<T>> encoder, std::shared_ptr<nn::Layer<T>> dynamics,
                std::shared_ptr<nn::Layer<T>> decoder, bool train_dynamics);

  std::string kind() const override { return "macro_pipeline"; }
  size_t in_features() const override { return encoder_->in_features(); }
  size_t out_features() const override { return decoder_->out_features(); }
  void forward(const nn::Tensor<T>& x, nn::Tensor<T>& y, bool training) override;
  void backward(const nn::Tensor<T>& dy, nn::Tensor<T>& dx) override;
  void backward_parameters(const nn::Tensor<T>& dy) override;
  std::vector<nn::Parameter<T>> parameters() override;

  nn::Layer<T>& encoder() { return *encoder_; }
  nn::Layer<T>& dynamics() { return *dynamics_; }
  nn::Layer<T>& decoder() { return *decoder_; }
  // Macrostates of the last forward: y_t = P(X_t) and the prediction y_{t+1} = F(y_t).
  const nn::Tensor<T>& macro_state() const { return y_; }
  const nn::Tensor<T>& macro_prediction() const { return ynext_; }

  double autoencode_step(const nn::Tensor<T>& x_next, const nn::Tensor<T>& target, double weight, double count);
  double consistency_step(const nn::Tensor<T>& x_now, const nn::Tensor<T>& x_next, double weight, double count);
  double consistency_sum(const nn::Tensor<T>& x_now, const nn::Tensor<T>& x_next);
  double binary_consistency_sum(const nn::Tensor<T>& x_now, const nn::Tensor<T>& x_next);

 private:
  const nn::Tensor<T>& backward_to_encoder(const nn::Tensor<T>& dy);

  std::shared_ptr<nn::Layer<T>> encoder_, dynamics_, decoder_;
  bool train_dynamics_;
  nn::Tensor<T> y_, ynext_, dynext_, dy_, ytrue_, recon_, drecon_, dytrue_, yhard_, ysaved_, dcons_;
};

extern template class MacroPipeline<double>;
extern template class MacroPipeline<float>;

}  // namespace macrodyn::selfsimilar
