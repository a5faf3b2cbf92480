#include "learn/selfsimilar/vicsek_networks.hpp"

#include "core/error.hpp"
#include "nn/activations.hpp"
#include "nn/conv.hpp"

namespace macrodyn::selfsimilar {

template <class T>
std::shared_ptr<nn::Sequential<T>> make_vicsek_dynamics(int L, int hidden, uint64_t seed) {
  if (L < 2 || hidden < 1) fail("vicsek dynamics: lattice side ", L, " and hidden channels ", hidden, " must be >= 2, 1");
  auto f = std::make_shared<nn::Sequential<T>>();
  f->add(std::make_shared<nn::Conv<T>>(nn::conv_options(2, 3, hidden, {L, L}, {2}, {1}, {1}, true), seed, 0));
  f->add(std::make_shared<nn::Activation<T>>(nn::ActivationKind::Relu, size_t(hidden) * (L + 1) * (L + 1)));
  f->add(std::make_shared<nn::Conv<T>>(nn::conv_options(2, hidden, 3, {L + 1, L + 1}, {2}), seed, 1));
  return f;
}

template <class T>
std::shared_ptr<nn::Sequential<T>> make_vicsek_coarse_grainer(int time_group, int space_group, int L, int hidden,
                                                              uint64_t seed) {
  if (space_group < 1 || L % space_group != 0)
    fail("vicsek coarse-grainer: lattice side ", L, " is not a multiple of the space group ", space_group);
  if (hidden < 0) fail("vicsek coarse-grainer: coarse_hidden must be >= 0, got ", hidden);
  const int M = L / space_group, first_out = hidden > 0 ? hidden : 3;
  auto p = std::make_shared<nn::Sequential<T>>();
  p->add(std::make_shared<nn::Conv<T>>(
      nn::conv_options(3, 3, first_out, {time_group, L, L}, {time_group, space_group, space_group},
                       {time_group, space_group, space_group}),
      seed, 2));
  if (hidden > 0) {  // the Conv3d output (H, 1, M, M) is laid out as the 2-D frame (H, M, M)
    p->add(std::make_shared<nn::Activation<T>>(nn::ActivationKind::Relu, size_t(hidden) * M * M));
    p->add(std::make_shared<nn::Conv<T>>(nn::conv_options(2, hidden, 3, {M, M}, {1}), seed, 4));
  }
  return p;
}

template <class T>
std::shared_ptr<nn::Sequential<T>> make_vicsek_decoder(int time_group, int space_group, int M, int hidden,
                                                       uint64_t seed) {
  if (hidden < 0) fail("vicsek decoder: coarse_hidden must be >= 0, got ", hidden);
  const int cells = time_group * space_group * space_group, first_out = (hidden > 0 ? hidden : 3) * cells;
  auto d = std::make_shared<nn::Sequential<T>>();
  d->add(std::make_shared<nn::Conv<T>>(nn::conv_options(2, 3, first_out, {M, M}, {1}), seed, 3));
  if (hidden > 0) {
    d->add(std::make_shared<nn::Activation<T>>(nn::ActivationKind::Relu, size_t(first_out) * M * M));
    d->add(std::make_shared<nn::Conv<T>>(nn::conv_options(2, first_out, 3 * cells, {M, M}, {1}), seed, 5));
  }
  return d;
}

template std::shared_ptr<nn::Sequential<double>> make_vicsek_dynamics<double>(int, int, uint64_t);
template std::shared_ptr<nn::Sequential<float>> make_vicsek_dynamics<float>(int, int, uint64_t);
template std::shared_ptr<nn::Sequential<double>> make_vicsek_coarse_grainer<double>(int, int, int, int, uint64_t);
template std::shared_ptr<nn::Sequential<float>> make_vicsek_coarse_grainer<float>(int, int, int, int, uint64_t);
template std::shared_ptr<nn::Sequential<double>> make_vicsek_decoder<double>(int, int, int, int, uint64_t);
template std::shared_ptr<nn::Sequential<float>> make_vicsek_decoder<float>(int, int, int, int, uint64_t);

}  // namespace macrodyn::selfsimilar
