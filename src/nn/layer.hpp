#pragma once
// The layer interface of the neural core: parameters, forward, backward (and their dual forms).
//
// forward(x, y, training)            y = f(x);      x: (in_features, B), y: (out_features, B).
//                                    The layer caches what backward needs (x, pre-activations...).
// backward(dy, dx)                   dx = (df/dx)^T dy for the cached x, and ADDS dL/dtheta to
//                                    every Parameter::grad (callers zero grads between steps).
//
// Dual form, for losses on derivatives of a network w.r.t. its input (condition number of the
// encoder Jacobian, grad_z V of OnsagerNet). A dual batch carries K tangent directions per sample:
// xdot has shape (in_features, K*B), column k*B + b is tangent k of sample b.
// forward_dual(x, xdot, y, ydot)     y = f(x), ydot = (df/dx)(x) xdot            (JVP; caches)
// backward_dual(dy, dydot, dx, dxdot) reverse mode through that computation:
//                                    dx    = (df/dx)^T dy + (d/dx[(df/dx) xdot])^T dydot
//                                    dxdot = (df/dx)^T dydot
//                                    and ADDS the parameter gradient of <dy,y> + <dydot,ydot>.
// With this, the gradient of any loss L(J) of the Jacobian J = dphi/dx w.r.t. the parameters is
// exact: dL/dtheta = d/dtheta <G, J> at fixed G = dL/dJ, i.e. one dual pass with tangents = rows
// of G (see nn/jacobian.hpp). Layers that are never differentiated w.r.t. their input (flows,
// convs of the self-similar models) may leave the dual form unimplemented: it then throws.
#include <string>
#include <vector>

#include "core/error.hpp"
#include "nn/tensor.hpp"

namespace macrodyn::nn {

template <class T>
class Layer {
 public:
  virtual ~Layer() = default;
  virtual std::string kind() const = 0;  // "dense", "tanh", "conv2d", ... (used by save/load)
  virtual size_t in_features() const = 0;
  virtual size_t out_features() const = 0;

  virtual void forward(const Tensor<T>& x, Tensor<T>& y, bool training) = 0;
  virtual void backward(const Tensor<T>& dy, Tensor<T>& dx) = 0;

  virtual void forward_dual(const Tensor<T>& /*x*/, const Tensor<T>& /*xdot*/, Tensor<T>& /*y*/,
                            Tensor<T>& /*ydot*/) {
    fail("layer '", kind(), "' does not support input-derivative (dual) passes");
  }
  virtual void backward_dual(const Tensor<T>& /*dy*/, const Tensor<T>& /*dydot*/, Tensor<T>& /*dx*/,
                             Tensor<T>& /*dxdot*/) {
    fail("layer '", kind(), "' does not support input-derivative (dual) passes");
  }

  // backward() without the input gradient: only ADDS dL/dtheta. Used for the first layer of a model,
  // whose input needs no gradient (skips the largest GEMM of an autoencoder's input layer).
  // The default computes dx and discards it.
  virtual void backward_parameters(const Tensor<T>& dy) {
    Tensor<T> dx;
    backward(dy, dx);
  }

  // Sample-block execution (nn/sample_blocks.hpp). A layer whose forward and input gradient treat every
  // sample (column) on its own may implement the methods below; a Sequential made only of such layers
  // then runs each pass as one parallel region over sample blocks (one per thread) on a multi-threaded
  // host, instead of a region per layer kernel. The *_block and *_part methods are host code run by
  // one thread on data shaped beforehand; they must not allocate or throw.
  //   prepare_forward(x, y)          checks x, shapes y and the layer's buffers, caches x (as forward)
  //   forward_block(x, y, b0, b1)    y = f(x) on samples [b0, b1)
  //   prepare_backward(dy, dx)       checks dy, shapes dx (and the layer's buffers)
  //   backward_input_block(dy, dx, b0, b1)
  //                                  dx = (df/dx)^T dy on samples [b0, b1)
  //   add_parameter_gradient_part(dy, part, parts)
  //                                  ADDS share `part` of `parts` of dL/dtheta for the cached x. Shares
  //                                  are disjoint (column blocks of a weight, row blocks of a bias), so
  //                                  they run concurrently; parameter-free layers keep the empty default.
  virtual bool runs_in_sample_blocks() const { return false; }
  virtual void prepare_forward(const Tensor<T>& /*x*/, Tensor<T>& /*y*/) {
    fail("layer '", kind(), "' does not run in sample blocks");
  }
  virtual void forward_block(const Tensor<T>& /*x*/, const Tensor<T>& /*y*/, size_t /*b0*/, size_t /*b1*/) const {}
  virtual void prepare_backward(const Tensor<T>& dy, Tensor<T>& dx) {
    if (dy.extent(0) != out_features())
      fail("layer '", kind(), "': dy has ", dy.extent(0), " features, expected ", out_features());
    ensure_shape(dx, kind() + "_dx", in_features(), dy.extent(1));
  }
  virtual void backward_input_block(const Tensor<T>& /*dy*/, const Tensor<T>& /*dx*/, size_t /*b0*/,
                                    size_t /*b1*/) const {}
  virtual void add_parameter_gradient_part(const Tensor<T>& /*dy*/, int /*part*/, int /*parts*/) {}

  // Trainable parameters (views alias the layer's storage). Empty for parameter-free layers.
  virtual std::vector<Parameter<T>> parameters() { return {}; }
  // Non-trainable state that must be saved with the model (batch-norm running statistics ...).
  virtual std::vector<Parameter<T>> buffers() { return {}; }
  // Shape-defining hyper-parameters, saved with the model so that load() can rebuild the layer.
  virtual std::vector<double> hyper_parameters() const { return {}; }
};

}  // namespace macrodyn::nn
