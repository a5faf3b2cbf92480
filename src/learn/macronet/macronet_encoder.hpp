#pragma once
// Free-form encoder for the side of a one-sided MacroNet that is never sampled (MacroNet paper,
// Appendix A.2 "one-side INN structures", Table A6: phi_v of the Turing patterns is a CNN).
//
//   x (C*H*W, B) -> [Conv2d 3x3, stride 2, periodic padding 1, softplus] x len(channels) -> Dense -> keep
// (spatial size halves at every conv; periodic padding because the patterns live on a torus).
// Softplus rather than ReLU: smooth, so the finite-difference gradient checks are exact.
#include <memory>

#include "learn/macronet/macronet_flow.hpp"
#include "nn/sequential.hpp"

namespace macrodyn::macronet {

template <class T>
std::shared_ptr<nn::Sequential<T>> build_cnn_encoder(const FlowSpec& spec, uint64_t stream);

extern template std::shared_ptr<nn::Sequential<double>> build_cnn_encoder<double>(const FlowSpec&, uint64_t);
extern template std::shared_ptr<nn::Sequential<float>> build_cnn_encoder<float>(const FlowSpec&, uint64_t);

}  // namespace macrodyn::macronet
