#include "learn/selfsimilar/macro_pipeline.hpp"

#include "nn/mse_loss.hpp"

namespace macrodyn::selfsimilar {

template <class T>
MacroPipeline<T>::MacroPipeline(std::shared_ptr<nn::Layer<T>> encoder, std::shared_ptr<nn::Layer<T>> dynamics,
                                std::shared_ptr<nn::Layer<T>> decoder, bool train_dynamics)
    : encoder_(std::move(encoder)),
      dynamics_(std::move(dynamics)),
      decoder_(std::move(decoder)),
      train_dynamics_(train_dynamics) {
  if (encoder_->out_features() != dynamics_->in_features() || dynamics_->out_features() != encoder_->out_features() ||
      decoder_->in_features() != encoder_->out_features())
    fail("macro pipeline: encoder (", encoder_->out_features(), " outputs), dynamics (", dynamics_->in_features(),
         " -> ", dynamics_->out_features(), ") and decoder (", decoder_->in_features(), " inputs) do not fit");
}

template <class T>
void MacroPipeline<T>::forward(const nn::Tensor<T>& x, nn::Tensor<T>& y, bool training) {
  encoder_->forward(x, y_, training);
  dynamics_->forward(y_, ynext_, training);
  decoder_->forward(ynext_, y, training);
}

template <class T>
const nn::Tensor<T>& MacroPipeline<T>::backward_to_encoder(const nn::Tensor<T>& dy) {
  decoder_->backward(dy, dynext_);
  dynamics_->backward(dynext_, dy_);
  return dy_;
}

template <class T>
void MacroPipeline<T>::backward(const nn::Tensor<T>& dy, nn::Tensor<T>& dx) {
  encoder_->backward(backward_to_encoder(dy), dx);
}

template <class T>
void MacroPipeline<T>::backward_parameters(const nn::Tensor<T>& dy) {
  encoder_->backward_parameters(backward_to_encoder(dy));
}

template <class T>
std::vector<nn::Parameter<T>> MacroPipeline<T>::parameters() {
  std::vector<nn::Parameter<T>> out;
  auto append = [&out](nn::Layer<T>& layer, const std::string& prefix) {
    for (auto p : layer.parameters()) {
      p.name = prefix + p.name;
      out.push_back(p);
    }
  };
  append(*encoder_, "encoder.");
  if (train_dynamics_) append(*dynamics_, "dynamics.");
  append(*decoder_, "decoder.");
  return out;
}

template <class T>
double MacroPipeline<T>::autoencode_step(const nn::Tensor<T>& x_next, const nn::Tensor<T>& target, double weight,
                                         double count) {
  encoder_->forward(x_next, ytrue_, true);
  decoder_->forward(ytrue_, recon_, true);
  const double l = nn::mse_loss(recon_, target, drecon_, count / weight);
  decoder_->backward(drecon_, dytrue_);
  encoder_->backward_parameters(dytrue_);
  return l;
}

template <class T>
double MacroPipeline<T>::consistency_step(const nn::Tensor<T>& x_now, const nn::Tensor<T>& x_next, double weight,
                                          double count) {
  encoder_->forward(x_next, ytrue_, true);
  nn::ensure_shape(ysaved_, "macro_ysaved", ytrue_.extent(0), ytrue_.extent(1));
  Kokkos::deep_copy(ysaved_, ytrue_);
  encoder_->forward(x_now, y_, true);
  dynamics_->forward(y_, ynext_, true);
  const double l = nn::mse_loss(ynext_, ysaved_, dcons_, count / weight);  // dcons = dl/dF(P(X_t))
  dynamics_->backward(dcons_, dy_);
  encoder_->backward_parameters(dy_);
  encoder_->forward(x_next, ytrue_, true);
  auto d = dcons_;
  Kokkos::parallel_for(
      "selfsimilar::negate",
      Kokkos::MDRangePolicy<nn::ExecSpace, Kokkos::Rank<2>>({0, 0}, {long(d.extent(0)), long(d.extent(1))}),
      KOKKOS_LAMBDA(long i, long s) { d(i, s) = -d(i, s); });  // dl/dP(X_{t+1}) = -dl/dF(P(X_t))
  encoder_->backward_parameters(dcons_);
  return l;
}

template <class T>
double MacroPipeline<T>::consistency_sum(const nn::Tensor<T>& x_now, const nn::Tensor<T>& x_next) {
  encoder_->forward(x_now, y_, false);
  dynamics_->forward(y_, ynext_, false);
  encoder_->forward(x_next, ytrue_, false);
  auto a = ynext_, b = ytrue_;
  double sum = 0;
  Kokkos::parallel_reduce(
      "selfsimilar::consistency",
      Kokkos::MDRangePolicy<nn::ExecSpace, Kokkos::Rank<2>>({0, 0}, {long(a.extent(0)), long(a.extent(1))}),
      KOKKOS_LAMBDA(long i, long s, double& acc) {
        const double d = static_cast<double>(a(i, s)) - static_cast<double>(b(i, s));
        acc += d * d;
      },
      sum);
  return sum;
}

template <class T>
double MacroPipeline<T>::binary_consistency_sum(const nn::Tensor<T>& x_now, const nn::Tensor<T>& x_next) {
  encoder_->forward(x_now, y_, false);
  nn::ensure_shape(yhard_, "macro_yhard", y_.extent(0), y_.extent(1));
  const long n = static_cast<long>(y_.extent(0)), B = static_cast<long>(y_.extent(1));
  auto y = y_, h = yhard_;
  Kokkos::parallel_for(
      "selfsimilar::harden", Kokkos::MDRangePolicy<nn::ExecSpace, Kokkos::Rank<2>>({0, 0}, {n, B}),
      KOKKOS_LAMBDA(long i, long s) { h(i, s) = y(i, s) > T(0.5) ? T(1) : T(0); });
  dynamics_->forward(yhard_, ynext_, false);
  encoder_->forward(x_next, ytrue_, false);
  auto a = ynext_, b = ytrue_;
  long misses = 0;
  Kokkos::parallel_reduce(
      "selfsimilar::binary_consistency", Kokkos::MDRangePolicy<nn::ExecSpace, Kokkos::Rank<2>>({0, 0}, {n, B}),
      KOKKOS_LAMBDA(long i, long s, long& acc) { acc += (a(i, s) > T(0.5)) != (b(i, s) > T(0.5)) ? 1 : 0; }, misses);
  return static_cast<double>(misses);
}

template class MacroPipeline<double>;
template class MacroPipeline<float>;

}  // namespace macrodyn::selfsimilar
