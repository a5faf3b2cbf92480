#pragma once
// Latent dynamics models g: R^d -> R^d (dz/dt = g(z)) of the closure method, all nn::Layer<float>
// (forward, backward with parameter gradients), so the data-parallel trainer and model_io use them as is.
//   "mlp"      d -> hidden... -> d, activation tanh (default) or relu (the reference's Lennard-Jones MLP)
//   "onsager"  OnsagerNet (onsager_net.hpp): hidden = [width of the potential MLP (and its output size),
//              width of the M/W MLP] (reference: [32, 64]), beta = 0.1, alpha = 0.01
//   "gfinn"    GENERIC form with built-in degeneracy (gfinn.hpp): hidden = [width of its four MLPs]
// make_latent_model() builds one from its kind; latent_model_hyper() records what load needs.
#include <memory>
#include <string>
#include <vector>

#include "nn/layer.hpp"

namespace macrodyn::closure {

struct LatentModelSpec {
  std::string kind = "mlp";
  size_t dim = 4;
  std::vector<size_t> hidden{32, 32};
  std::string activation = "tanh";  // mlp only
  bool forcing = true;               // onsager only: the forcing term f(z)
  double min_damping = 0.01;         // onsager only: alpha in -(M + W + alpha I) grad V
  uint64_t seed = 1;
};

std::shared_ptr<nn::Layer<float>> make_latent_model(const LatentModelSpec& spec);

}  // namespace macrodyn::closure

namespace macrodyn::io {
class H5File;
}

namespace macrodyn::closure {

// HDF5: the spec as attributes of `group` and the parameters under group + "/model".
void save_latent_model(io::H5File& file, const std::string& group, const LatentModelSpec& spec,
                       nn::Layer<float>& model);
std::shared_ptr<nn::Layer<float>> load_latent_model(const io::H5File& file, const std::string& group,
                                                    LatentModelSpec* spec = nullptr);

}  // namespace macrodyn::closure
