// Flow: composition of invertible layers. See the header.
#include "nn/flow.hpp"

#include "nn/realnvp_coupling.hpp"
#include "nn/sample_blocks.hpp"

namespace macrodyn::nn {

template <class T>
Flow<T>::Flow(std::vector<std::shared_ptr<InvertibleLayer<T>>> layers) {
  for (auto& l : layers) add(std::move(l));
}

template <class T>
void Flow<T>::add(std::shared_ptr<InvertibleLayer<T>> layer) {
  if (!layer) fail("flow: null layer");
  if (!layers_.empty() && layers_.back()->out_features() != layer->in_features())
    fail("flow: layer ", layers_.size(), " ('", layer->kind(), "') takes ", layer->in_features(),
         " features but the previous layer gives ", layers_.back()->out_features());
  layers_.push_back(std::move(layer));
  acts_.resize(layers_.size());
  grads_.resize(layers_.size());
}

template <class T>
size_t Flow<T>::in_features() const {
  return layers_.empty() ? 0 : layers_.front()->in_features();
}

template <class T>
size_t Flow<T>::out_features() const {
  return layers_.empty() ? 0 : layers_.back()->out_features();
}

namespace {

template <class T>
void add_into(Tensor<T>& acc, const Tensor<T>& v) {
  auto a = acc;
  const int n = static_cast<int>(v.extent(1));
  Kokkos::parallel_for(
      "nn::flow_add_log_det", Kokkos::RangePolicy<ExecSpace>(0, n), KOKKOS_LAMBDA(const int b) { a(0, b) += v(0, b); });
}

}  // namespace

template <class T>
bool Flow<T>::flow_in_sample_blocks() const {
  for (const auto& l : layers_)
    if (!l->flow_in_sample_blocks()) return false;
  return !layers_.empty();
}

template <class T>
void Flow<T>::prepare_forward(const Tensor<T>& x, Tensor<T>& y) {
  const size_t L = layers_.size();
  ensure_shape(log_det_, "flow_log_det", 1, x.extent(1));
  for (size_t i = 0; i < L; ++i) layers_[i]->prepare_forward(i == 0 ? x : acts_[i - 1], i + 1 == L ? y : acts_[i]);
}

template <class T>
void Flow<T>::forward_block(const Tensor<T>& x, const Tensor<T>& y, size_t b0, size_t b1) const {
  const size_t L = layers_.size();
  for (size_t i = 0; i < L; ++i)
    layers_[i]->forward_block(i == 0 ? x : acts_[i - 1], i + 1 == L ? y : acts_[i], b0, b1);
  for (size_t b = b0; b < b1; ++b) {  // the same sum, in the same order, as the per-layer path
    T sum = 0;
    for (size_t i = 0; i < L; ++i) sum += layers_[i]->log_det()(0, b);
    log_det_(0, b) = sum;
  }
}

template <class T>
void Flow<T>::prepare_backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) {
  const size_t L = layers_.size();
  for (size_t i = L; i-- > 0;)
    layers_[i]->prepare_backward_flow(i + 1 == L ? dy : grads_[i + 1], dlog_det, i == 0 ? dx : grads_[i]);
}

template <class T>
void Flow<T>::backward_flow_block(const Tensor<T>& dy, const Tensor<T>& dlog_det, const Tensor<T>& dx, size_t b0,
                                  size_t b1) const {
  const size_t L = layers_.size();
  for (size_t i = L; i-- > 0;)
    layers_[i]->backward_flow_block(i + 1 == L ? dy : grads_[i + 1], dlog_det, i == 0 ? dx : grads_[i], b0, b1);
}

template <class T>
void Flow<T>::add_parameter_gradient_part(const Tensor<T>& dy, int part, int parts) {
  const size_t L = layers_.size();
  for (size_t i = 0; i < L; ++i) layers_[i]->add_parameter_gradient_part(i + 1 == L ? dy : grads_[i + 1], part, parts);
}

template <class T>
void Flow<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool training) {
  if (layers_.empty()) fail("flow: no layers");
  const size_t batch = x.extent(1), L = layers_.size();
  if (const int blocks = flow_in_sample_blocks() ? sample_blocks(batch) : 0) {
    prepare_forward(x, y);
    for_each_sample_range("Flow::forward_blocks", blocks, batch, [&](const size_t b0, const size_t b1) {
      forward_block(x, y, b0, b1);
    });
    return;
  }
  ensure_shape(log_det_, "flow_log_det", 1, batch);
  Kokkos::deep_copy(log_det_, T(0));
  for (size_t i = 0; i < L; ++i) {
    const Tensor<T>& in = i == 0 ? x : acts_[i - 1];
    Tensor<T>& out = i + 1 == L ? y : acts_[i];
    layers_[i]->forward(in, out, training);
    add_into(log_det_, layers_[i]->log_det());
  }
}

template <class T>
void Flow<T>::backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) {
  const size_t L = layers_.size(), batch = dy.extent(1);
  if (const int blocks = flow_in_sample_blocks() ? sample_blocks(batch) : 0) {
    prepare_backward_flow(dy, dlog_det, dx);
    for_each_sample_range("Flow::backward_blocks", blocks, batch, [&](const size_t b0, const size_t b1) {
      backward_flow_block(dy, dlog_det, dx, b0, b1);
    });
    for_each_sample_block("Flow::parameter_gradient_blocks", blocks,
                          [&](const int p) { add_parameter_gradient_part(dy, p, blocks); });
    return;
  }
  for (size_t i = L; i-- > 0;) {
    const Tensor<T>& g_out = i + 1 == L ? dy : grads_[i + 1];
    Tensor<T>& g_in = i == 0 ? dx : grads_[i];
    layers_[i]->backward_flow(g_out, dlog_det, g_in);
  }
}

template <class T>
void Flow<T>::inverse(const Tensor<T>& y, Tensor<T>& x) {
  const size_t L = layers_.size();
  for (size_t i = L; i-- > 0;) {
    const Tensor<T>& in = i + 1 == L ? y : grads_[i + 1];
    Tensor<T>& out = i == 0 ? x : grads_[i];
    layers_[i]->inverse(in, out);
  }
}

template <class T>
std::vector<Parameter<T>> Flow<T>::parameters() {
  std::vector<Parameter<T>> all;
  for (size_t i = 0; i < layers_.size(); ++i)
    for (auto& p : prefixed(layers_[i]->parameters(), std::to_string(i) + ".")) all.push_back(p);
  return all;
}

template <class T>
std::vector<Parameter<T>> Flow<T>::buffers() {
  std::vector<Parameter<T>> all;
  for (size_t i = 0; i < layers_.size(); ++i)
    for (auto& p : prefixed(layers_[i]->buffers(), std::to_string(i) + ".")) all.push_back(p);
  return all;
}

template class Flow<double>;
template class Flow<float>;

}  // namespace macrodyn::nn
