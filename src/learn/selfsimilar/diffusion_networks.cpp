#include "learn/selfsimilar/diffusion_networks.hpp"

#include "nn/conv.hpp"

namespace macrodyn::selfsimilar {

std::shared_ptr<nn::Sequential<double>> make_diffusion_dynamics(int sites, int kernel, uint64_t seed) {
  if (kernel % 2 == 0) fail("diffusion dynamics: kernel size ", kernel, " must be odd");
  auto f = std::make_shared<nn::Sequential<double>>();
  f->add(std::make_shared<nn::Conv<double>>(nn::conv_options(1, 1, 1, {sites}, {kernel}, {1}, {kernel / 2}, true), seed,
                                            0));
  return f;
}

std::shared_ptr<nn::Sequential<double>> make_diffusion_coarse_grainer(int time_group, int space_group, int sites,
                                                                      uint64_t seed) {
  if (sites % space_group != 0)
    fail("diffusion: ", sites, " sites are not a multiple of the space group ", space_group);
  auto p = std::make_shared<nn::Sequential<double>>();
  p->add(std::make_shared<nn::Conv<double>>(
      nn::conv_options(2, 1, 1, {time_group, sites}, {time_group, space_group}, {time_group, space_group}), seed, 2));
  return p;
}

std::shared_ptr<nn::Sequential<double>> make_diffusion_decoder(int time_group, int space_group, int macro_sites,
                                                               uint64_t seed) {
  auto d = std::make_shared<nn::Sequential<double>>();
  d->add(std::make_shared<nn::Conv<double>>(nn::conv_options(1, 1, time_group * space_group, {macro_sites}, {1}), seed,
                                            3));
  return d;
}

}  // namespace macrodyn::selfsimilar
