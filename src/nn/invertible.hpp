#pragma once
// Invertible layers (normalizing-flow building blocks): the Layer interface plus an inverse and a
// per-sample log-density term.
//
// forward(x, y, training)          y = f(x) as for every Layer, and log_det() = c(x) of shape (1, B).
// log_det()                        c_b, the per-sample contribution to log p(x_b):
//                                    log p(x) = log N(z; 0, I) + sum over layers of c_b.
//                                  For a bijection c_b = log|det df/dx(x_b)|. The two dimension-
//                                  changing layers extend this (decision, see their headers):
//                                  DimensionSplit (emits z) has c_b = log N(z_b; 0, I) of the factored-
//                                  out dims (RealNVP/Glow multi-scale), NoisyKernel (appends eps) has
//                                  c_b = -log q(eps_b), so the flow NLL bounds -log p(x) from above.
// backward_flow(dy, dc, dx)        reverse mode of (y, c): dx = (df/dx)^T dy + sum_b dc_b dc_b/dx,
//                                  and ADDS the parameter gradient of <dy, y> + <dc, c>.
//                                  dc is (1, B) (for the flow NLL: dc_b = -1/B).
// backward(dy, dx)                 Layer's form: backward_flow with dc = 0.
// inverse(y, x)                    x = f^{-1}(y) (uses the parameters/statistics of eval mode for
//                                  batch norm; invalidates the forward cache of the layer).
//
// A layer caches its input by reference (shallow View copy): x must stay unchanged until backward.
#include "nn/layer.hpp"

namespace macrodyn::nn {

template <class T>
class InvertibleLayer : public Layer<T> {
 public:
  virtual void inverse(const Tensor<T>& y, Tensor<T>& x) = 0;
  virtual const Tensor<T>& log_det() const = 0;
  virtual void backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) = 0;

  // Sample blocks (nn/sample_blocks.hpp) in the flow direction. A layer that says so implements
  // Layer's prepare_forward / forward_block (also giving log_det() on the block's samples) and
  // add_parameter_gradient_part (for its last backward_flow_block pass), and the two below; a Flow
  // made only of such layers then runs a pass as one parallel region (backward: two).
  virtual bool flow_in_sample_blocks() const { return false; }
  virtual void prepare_backward_flow(const Tensor<T>& /*dy*/, const Tensor<T>& /*dlog_det*/, Tensor<T>& /*dx*/) {
    fail("layer '", this->kind(), "' does not run in sample blocks");
  }
  virtual void backward_flow_block(const Tensor<T>& /*dy*/, const Tensor<T>& /*dlog_det*/, const Tensor<T>& /*dx*/,
                                   size_t /*b0*/, size_t /*b1*/) const {}

  void backward(const Tensor<T>& dy, Tensor<T>& dx) override {
    const size_t batch = dy.extent(1);
    if (zero_dc_.extent(1) != batch) zero_dc_ = Tensor<T>("zero_dlog_det", 1, batch);
    backward_flow(dy, zero_dc_, dx);
  }

 private:
  Tensor<T> zero_dc_;
};

// Shape checks shared by the flow layers (messages name the layer).
template <class T>
void check_shape(const Tensor<T>& t, size_t features, size_t batch, const std::string& what) {
  if (t.extent(0) != features || t.extent(1) != batch)
    fail(what, ": expected shape (", features, ", ", batch, "), got (", t.extent(0), ", ", t.extent(1), ")");
}

}  // namespace macrodyn::nn
