#include "learn/closure/latent_models.hpp"

#include "core/error.hpp"
#include "io/h5file.hpp"
#include "nn/model_io.hpp"
#include "learn/closure/gfinn.hpp"
#include "learn/closure/onsager_net.hpp"
#include "nn/sequential.hpp"

namespace macrodyn::closure {

std::shared_ptr<nn::Layer<float>> make_latent_model(const LatentModelSpec& spec) {
  if (spec.kind == "mlp") {
    std::vector<size_t> sizes{spec.dim};
    sizes.insert(sizes.end(), spec.hidden.begin(), spec.hidden.end());
    sizes.push_back(spec.dim);
    return nn::make_mlp<float>(sizes, spec.activation, spec.seed * 7 + 3);
  }
  if (spec.kind == "onsager") {
    const size_t hv = spec.hidden.empty() ? 32 : spec.hidden[0];
    const size_t hmw = spec.hidden.size() > 1 ? spec.hidden[1] : 2 * hv;
    return std::make_shared<OnsagerNet>(spec.dim, hv, hv, hmw, 0.1, spec.min_damping, spec.forcing, spec.seed);
  }
  if (spec.kind == "gfinn") return std::make_shared<Gfinn>(spec.dim, spec.hidden.empty() ? 32 : spec.hidden[0], spec.seed);
  fail("unknown latent model '", spec.kind, "' (choices: mlp, onsager, gfinn)");
}

void save_latent_model(io::H5File& file, const std::string& group, const LatentModelSpec& spec,
                       nn::Layer<float>& model) {
  file.create_group(group);
  file.set_attr(group, "model", spec.kind);
  file.set_attr(group, "dim", static_cast<int64_t>(spec.dim));
  file.set_attr(group, "hidden", std::vector<double>(spec.hidden.begin(), spec.hidden.end()));
  file.set_attr(group, "seed", static_cast<int64_t>(spec.seed));
  file.set_attr(group, "activation", spec.activation);
  file.set_attr(group, "forcing", static_cast<int64_t>(spec.forcing));
  file.set_attr(group, "min_damping", spec.min_damping);
  nn::save_model(file, group + "/model", model);
}

std::shared_ptr<nn::Layer<float>> load_latent_model(const io::H5File& file, const std::string& group,
                                                    LatentModelSpec* spec_out) {
  if (!file.exists(group + "/model")) fail(file.path(), ": no latent model under ", group);
  LatentModelSpec spec;
  spec.kind = file.attr_string(group, "model");
  spec.dim = static_cast<size_t>(file.attr_int(group, "dim"));
  spec.hidden.clear();
  for (double h : file.attr_doubles(group, "hidden")) spec.hidden.push_back(static_cast<size_t>(h));
  spec.seed = static_cast<uint64_t>(file.attr_int(group, "seed"));
  // files written before the key existed hold tanh MLPs
  if (file.has_attr(group, "activation")) spec.activation = file.attr_string(group, "activation");
  // ... and OnsagerNets without forcing, alpha = 0.01
  spec.forcing = file.has_attr(group, "forcing") && file.attr_int(group, "forcing") != 0;
  if (file.has_attr(group, "min_damping")) spec.min_damping = file.attr_double(group, "min_damping");
  auto model = make_latent_model(spec);
  nn::load_model(file, group + "/model", *model);
  if (spec_out) *spec_out = spec;
  return model;
}

}  // namespace macrodyn::closure
