#include "learn/selfsimilar/ca_networks.hpp"

#include "learn/selfsimilar/straight_through_binarize.hpp"
#include "learn/selfsimilar/two_class_softmax.hpp"
#include "nn/activations.hpp"
#include "nn/conv.hpp"
#include "nn/dense.hpp"

namespace macrodyn::selfsimilar {
namespace {

constexpr int kHiddenChannels = 5;

template <class T>
void add_dynamics_layers(nn::Sequential<T>& f, int width, uint64_t seed) {
  f.add(std::make_shared<nn::Conv<T>>(nn::conv_options(1, 1, kHiddenChannels, {width}, {3}, {1}, {1}, true), seed, 0));
  f.add(std::make_shared<nn::Activation<T>>(nn::ActivationKind::Relu, size_t(kHiddenChannels) * width));
  f.add(std::make_shared<nn::Conv<T>>(nn::conv_options(1, kHiddenChannels, 2, {width}, {1}), seed, 1));
}

}  // namespace

template <class T>
std::shared_ptr<nn::Sequential<T>> make_ca_dynamics(int width, uint64_t seed) {
  auto f = std::make_shared<nn::Sequential<T>>();
  add_dynamics_layers(*f, width, seed);
  return f;
}

template <class T>
std::shared_ptr<nn::Sequential<T>> make_ca_site_dynamics(uint64_t seed) {
  // Streams as in add_dynamics_layers: the same initial values as the conv model of that seed.
  auto f = std::make_shared<nn::Sequential<T>>();
  f->add(std::make_shared<nn::Dense<T>>(3, kHiddenChannels, seed, 0));
  f->add(std::make_shared<nn::Activation<T>>(nn::ActivationKind::Relu, size_t(kHiddenChannels)));
  f->add(std::make_shared<nn::Dense<T>>(kHiddenChannels, 2, seed, 1));
  return f;
}

template <class T>
std::shared_ptr<nn::Sequential<T>> make_ca_macro_dynamics(int width, uint64_t seed) {
  auto f = make_ca_dynamics<T>(width, seed);
  f->add(std::make_shared<TwoClassProbability<T>>(static_cast<size_t>(width)));
  return f;
}

template <class T>
std::shared_ptr<nn::Sequential<T>> make_ca_coarse_grainer(int group, int width, uint64_t seed, bool binary) {
  if (group < 1 || width % group != 0)
    fail("coarse-grainer: width ", width, " is not a multiple of group size ", group);
  auto p = std::make_shared<nn::Sequential<T>>();
  p->add(std::make_shared<nn::Conv<T>>(nn::conv_options(2, 1, 1, {group, width}, {group}, {group}), seed, 2));
  p->add(std::make_shared<nn::Activation<T>>(nn::ActivationKind::Sigmoid, static_cast<size_t>(width / group)));
  if (binary) p->add(std::make_shared<StraightThroughBinarize<T>>(static_cast<size_t>(width / group)));
  return p;
}

template <class T>
std::shared_ptr<nn::Sequential<T>> make_ca_decoder(int group, int macro_width, uint64_t seed) {
  auto d = std::make_shared<nn::Sequential<T>>();
  d->add(std::make_shared<nn::Conv<T>>(nn::conv_options(1, 1, group * group, {macro_width}, {1}), seed, 3));
  d->add(std::make_shared<nn::Activation<T>>(nn::ActivationKind::Sigmoid,
                                             static_cast<size_t>(group * group * macro_width)));
  return d;
}

template <class T>
void copy_parameters(nn::Layer<T>& from, nn::Layer<T>& to) {
  const auto src = from.parameters();
  const auto dst = to.parameters();
  if (dst.size() < src.size()) fail("copy_parameters: target has ", dst.size(), " parameters, source ", src.size());
  for (size_t i = 0; i < src.size(); ++i) {
    if (src[i].name != dst[i].name || src[i].value.extent(0) != dst[i].value.extent(0) ||
        src[i].value.extent(1) != dst[i].value.extent(1))
      fail("copy_parameters: parameter ", i, " differs ('", src[i].name, "' vs '", dst[i].name, "')");
    Kokkos::deep_copy(dst[i].value, src[i].value);
  }
}

#define MACRODYN_CA_NETWORKS(T)                                                                    \
  template std::shared_ptr<nn::Sequential<T>> make_ca_dynamics<T>(int, uint64_t);                  \
  template std::shared_ptr<nn::Sequential<T>> make_ca_macro_dynamics<T>(int, uint64_t);            \
  template std::shared_ptr<nn::Sequential<T>> make_ca_site_dynamics<T>(uint64_t);                  \
  template std::shared_ptr<nn::Sequential<T>> make_ca_coarse_grainer<T>(int, int, uint64_t, bool); \
  template std::shared_ptr<nn::Sequential<T>> make_ca_decoder<T>(int, int, uint64_t);              \
  template void copy_parameters<T>(nn::Layer<T>&, nn::Layer<T>&);
MACRODYN_CA_NETWORKS(double)
MACRODYN_CA_NETWORKS(float)
#undef MACRODYN_CA_NETWORKS

}  // namespace macrodyn::selfsimilar
