#include "nn/sequential.hpp"

#include "nn/activations.hpp"
#include "nn/dense.hpp"
#include "nn/sample_blocks.hpp"

namespace macrodyn::nn {

template <class T>
Sequential<T>::Sequential(std::vector<std::shared_ptr<Layer<T>>> layers) {
  for (auto& l : layers) add(std::move(l));
}

template <class T>
Sequential<T>& Sequential<T>::add(std::shared_ptr<Layer<T>> layer) {
  if (!layer) fail("Sequential::add: null layer");
  if (!layers_.empty() && layers_.back()->out_features() != layer->in_features())
    fail("Sequential: layer ", layers_.size(), " ('", layer->kind(), "') takes ", layer->in_features(),
         " features but the previous layer ('", layers_.back()->kind(), "') gives ", layers_.back()->out_features());
  layers_.push_back(std::move(layer));
  const size_t inner = layers_.size() - 1;
  acts_.resize(inner);
  grads_.resize(inner);
  tangents_.resize(inner);
  dtangents_.resize(inner);
  return *this;
}

template <class T>
void Sequential<T>::require_layers() const {
  if (layers_.empty()) fail("Sequential: no layers");
}

template <class T>
size_t Sequential<T>::in_features() const {
  require_layers();
  return layers_.front()->in_features();
}

template <class T>
size_t Sequential<T>::out_features() const {
  require_layers();
  return layers_.back()->out_features();
}

template <class T>
bool Sequential<T>::runs_in_sample_blocks() const {
  for (const auto& l : layers_)
    if (!l->runs_in_sample_blocks()) return false;
  return !layers_.empty();
}

template <class T>
int Sequential<T>::block_count(const Tensor<T>& t) const {
  return runs_in_sample_blocks() && t.span_is_contiguous() ? sample_blocks(t.extent(1)) : 0;
}

template <class T>
void Sequential<T>::prepare_forward(const Tensor<T>& x, Tensor<T>& y) {
  require_layers();
  const size_t L = layers_.size();
  for (size_t i = 0; i < L; ++i) layers_[i]->prepare_forward(i == 0 ? x : acts_[i - 1], i + 1 == L ? y : acts_[i]);
  forward_batch_ = x.extent(1);
}

template <class T>
void Sequential<T>::forward_block(const Tensor<T>& x, const Tensor<T>& y, size_t b0, size_t b1) const {
  const size_t L = layers_.size();
  for (size_t i = 0; i < L; ++i)
    layers_[i]->forward_block(i == 0 ? x : acts_[i - 1], i + 1 == L ? y : acts_[i], b0, b1);
}

template <class T>
void Sequential<T>::prepare_backward_layers(const Tensor<T>& dy, Tensor<T>* dx) {
  const size_t L = layers_.size();
  if (dy.extent(0) != out_features() || dy.extent(1) != forward_batch_)
    fail("Sequential::backward: dy is (", dy.extent(0), ", ", dy.extent(1), "), the forward pass gave (",
         out_features(), ", ", forward_batch_, ")");
  for (size_t i = L; i-- > (dx ? 0 : 1);)
    layers_[i]->prepare_backward(i + 1 == L ? dy : grads_[i], i == 0 ? *dx : grads_[i - 1]);
}

template <class T>
void Sequential<T>::input_gradient_block(const Tensor<T>& dy, const Tensor<T>* dx, size_t b0, size_t b1) const {
  const size_t L = layers_.size();
  for (size_t i = L; i-- > (dx ? 0 : 1);)
    layers_[i]->backward_input_block(i + 1 == L ? dy : grads_[i], i == 0 ? *dx : grads_[i - 1], b0, b1);
}

template <class T>
void Sequential<T>::add_parameter_gradient_part(const Tensor<T>& dy, int part, int parts) {
  const size_t L = layers_.size();
  for (size_t i = 0; i < L; ++i) layers_[i]->add_parameter_gradient_part(i + 1 == L ? dy : grads_[i], part, parts);
}

template <class T>
void Sequential<T>::backward_blocks(const Tensor<T>& dy, Tensor<T>* dx, int blocks) {
  prepare_backward_layers(dy, dx);
  const size_t B = dy.extent(1);
  if (dx || layers_.size() > 1)
    for_each_sample_range("Sequential::backward_blocks", blocks, B, [&](const size_t b0, const size_t b1) {
      input_gradient_block(dy, dx, b0, b1);
    });
  for_each_sample_block("Sequential::parameter_gradient_blocks", blocks,
                        [&](const int p) { add_parameter_gradient_part(dy, p, blocks); });
}

template <class T>
void Sequential<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool training) {
  require_layers();
  const size_t L = layers_.size();
  if (const int blocks = block_count(x)) {
    prepare_forward(x, y);
    const size_t B = x.extent(1);
    for_each_sample_range("Sequential::forward_blocks", blocks, B, [&](const size_t b0, const size_t b1) {
      forward_block(x, y, b0, b1);
    });
    return;
  }
  forward_batch_ = x.extent(1);
  for (size_t i = 0; i < L; ++i) {
    const Tensor<T>& in = i == 0 ? x : acts_[i - 1];
    Tensor<T>& out = i + 1 == L ? y : acts_[i];
    layers_[i]->forward(in, out, training);
  }
}

template <class T>
const Tensor<T>& Sequential<T>::backward_upper(const Tensor<T>& dy) {
  const size_t L = layers_.size();
  for (size_t i = L - 1; i >= 1; --i) layers_[i]->backward(i + 1 == L ? dy : grads_[i], grads_[i - 1]);
  return grads_[0];
}

template <class T>
void Sequential<T>::backward(const Tensor<T>& dy, Tensor<T>& dx) {
  require_layers();
  if (const int blocks = block_count(dy)) return backward_blocks(dy, &dx, blocks);
  layers_[0]->backward(layers_.size() == 1 ? dy : backward_upper(dy), dx);
}

template <class T>
void Sequential<T>::backward_parameters(const Tensor<T>& dy) {
  require_layers();
  if (const int blocks = block_count(dy)) return backward_blocks(dy, nullptr, blocks);
  layers_[0]->backward_parameters(layers_.size() == 1 ? dy : backward_upper(dy));
}

template <class T>
void Sequential<T>::forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) {
  require_layers();
  const size_t L = layers_.size();
  forward_batch_ = x.extent(1);
  for (size_t i = 0; i < L; ++i) {
    const Tensor<T>& in = i == 0 ? x : acts_[i - 1];
    const Tensor<T>& ind = i == 0 ? xdot : tangents_[i - 1];
    Tensor<T>& out = i + 1 == L ? y : acts_[i];
    Tensor<T>& outd = i + 1 == L ? ydot : tangents_[i];
    layers_[i]->forward_dual(in, ind, out, outd);
  }
}

template <class T>
void Sequential<T>::backward_dual(const Tensor<T>& dy, const Tensor<T>& dydot, Tensor<T>& dx, Tensor<T>& dxdot) {
  require_layers();
  const size_t L = layers_.size();
  for (size_t i = L; i-- > 0;) {
    const Tensor<T>& g = i + 1 == L ? dy : grads_[i];
    const Tensor<T>& gd = i + 1 == L ? dydot : dtangents_[i];
    Tensor<T>& out = i == 0 ? dx : grads_[i - 1];
    Tensor<T>& outd = i == 0 ? dxdot : dtangents_[i - 1];
    layers_[i]->backward_dual(g, gd, out, outd);
  }
}

template <class T>
std::vector<Parameter<T>> Sequential<T>::parameters() {
  std::vector<Parameter<T>> all;
  for (size_t i = 0; i < layers_.size(); ++i)
    for (auto p : layers_[i]->parameters()) {
      p.name = std::to_string(i) + "." + p.name;
      all.push_back(p);
    }
  return all;
}

template <class T>
std::vector<Parameter<T>> Sequential<T>::buffers() {
  std::vector<Parameter<T>> all;
  for (size_t i = 0; i < layers_.size(); ++i)
    for (auto p : layers_[i]->buffers()) {
      p.name = std::to_string(i) + "." + p.name;
      all.push_back(p);
    }
  return all;
}

template <class T>
std::shared_ptr<Sequential<T>> make_mlp(const std::vector<size_t>& sizes, const std::string& activation,
                                        uint64_t seed, bool final_activation) {
  if (sizes.size() < 2) fail("make_mlp: need at least an input and an output size");
  const ActivationKind act = activation_kind(activation);
  auto net = std::make_shared<Sequential<T>>();
  for (size_t l = 0; l + 1 < sizes.size(); ++l) {
    net->add(std::make_shared<Dense<T>>(sizes[l], sizes[l + 1], seed, l));
    if (l + 2 < sizes.size() || final_activation) net->add(std::make_shared<Activation<T>>(act, sizes[l + 1]));
  }
  return net;
}

template class Sequential<float>;
template class Sequential<double>;
template std::shared_ptr<Sequential<float>> make_mlp<float>(const std::vector<size_t>&, const std::string&, uint64_t,
                                                            bool);
template std::shared_ptr<Sequential<double>> make_mlp<double>(const std::vector<size_t>&, const std::string&,
                                                              uint64_t, bool);

}  // namespace macrodyn::nn
