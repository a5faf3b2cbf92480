#pragma once
// Several networks trained together as one "model" for the data-parallel trainer and optimizers:
// parameters() lists every member's parameters with the member's name as prefix ("encoder.0.weight").
// It has no forward pass of its own (the caller runs the members); forward/backward throw.
#include <memory>
#include <utility>
#include <vector>

#include "nn/layer.hpp"

namespace macrodyn::closure {

template <class T>
class ParameterBundle : public nn::Layer<T> {
 public:
  explicit ParameterBundle(std::vector<std::pair<std::string, std::shared_ptr<nn::Layer<T>>>> members)
      : members_(std::move(members)) {}
  std::string kind() const override { return "parameter_bundle"; }
  size_t in_features() const override { return 0; }
  size_t out_features() const override { return 0; }
  void forward(const nn::Tensor<T>&, nn::Tensor<T>&, bool) override { fail("parameter_bundle has no forward pass"); }
  void backward(const nn::Tensor<T>&, nn::Tensor<T>&) override { fail("parameter_bundle has no backward pass"); }
  std::vector<nn::Parameter<T>> parameters() override { return collect(false); }
  std::vector<nn::Parameter<T>> buffers() override { return collect(true); }

 private:
  std::vector<nn::Parameter<T>> collect(bool buffers) {
    std::vector<nn::Parameter<T>> out;
    for (auto& [name, layer] : members_)
      for (auto p : buffers ? layer->buffers() : layer->parameters()) {
        p.name = name + "." + p.name;
        out.push_back(p);
      }
    return out;
  }
  std::vector<std::pair<std::string, std::shared_ptr<nn::Layer<T>>>> members_;
};

}  // namespace macrodyn::closure
