// Free-form CNN encoder. See the header.
#include "learn/macronet/macronet_encoder.hpp"

#include "nn/activations.hpp"
#include "nn/conv.hpp"
#include "nn/dense.hpp"

namespace macrodyn::macronet {

template <class T>
std::shared_ptr<nn::Sequential<T>> build_cnn_encoder(const FlowSpec& spec, uint64_t stream) {
  if (spec.shape.size() != 3) fail("macronet cnn encoder: data shape must be (channels, height, width)");
  auto net = std::make_shared<nn::Sequential<T>>();
  int c = int(spec.shape[0]), h = int(spec.shape[1]), w = int(spec.shape[2]);
  const uint64_t seed = uint64_t(spec.seed);
  for (size_t l = 0; l < spec.channels.size(); ++l) {
    const int out = int(spec.channels[l]);
    auto opt = nn::conv_options(2, c, out, {h, w}, {3}, {2}, {1}, true);
    auto conv = std::make_shared<nn::Conv<T>>(opt, seed, stream * 1000 + 2 * l);
    net->add(conv);
    h = (h + 2 - 3) / 2 + 1;
    w = (w + 2 - 3) / 2 + 1;
    c = out;
    net->add(std::make_shared<nn::Activation<T>>(nn::ActivationKind::Softplus, conv->out_features()));
  }
  net->add(std::make_shared<nn::Dense<T>>(size_t(c * h * w), size_t(spec.keep), seed, stream * 1000 + 999));
  return net;
}

template std::shared_ptr<nn::Sequential<double>> build_cnn_encoder<double>(const FlowSpec&, uint64_t);
template std::shared_ptr<nn::Sequential<float>> build_cnn_encoder<float>(const FlowSpec&, uint64_t);

}  // namespace macrodyn::macronet
