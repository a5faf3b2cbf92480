#include "nn/activations.hpp"

#include <type_traits>

#include "core/kokkos_compat.hpp"
#include "nn/float_math.hpp"
#include "nn/tensor_ops.hpp"

namespace macrodyn::nn {
namespace {

// Value and first two derivatives of each activation at x (usable in kernels). The kind is a
// template parameter so that every kernel is a branch-free, vectorisable loop.
template <class T>
KOKKOS_INLINE_FUNCTION T sigmoid_of(T x) {
  return x >= T(0) ? T(1) / (T(1) + kmath::exp(-x)) : kmath::exp(x) / (T(1) + kmath::exp(x));
}

template <class T, int K>
struct ActivationEval {
  KOKKOS_INLINE_FUNCTION static T value(T x) {
    if (K == 0) return kmath::tanh(x);
    if (K == 1) return x > T(0) ? x : T(0);
    if (K == 2) return x > T(0) ? x + kmath::log1p(kmath::exp(-x)) : kmath::log1p(kmath::exp(x));
    if (K == 3) return x * sigmoid_of(x);
    return sigmoid_of(x);
  }
  // value, with s'(x) in d (one transcendental evaluation per entry)
  KOKKOS_INLINE_FUNCTION static T value_d1(T x, T& d) {
    if (K == 0) {
      const T t = kmath::tanh(x);
      d = T(1) - t * t;
      return t;
    }
    if (K == 1) {
      d = x > T(0) ? T(1) : T(0);
      return x > T(0) ? x : T(0);
    }
    if constexpr (K == 2 && std::is_same<T, float>::value) {
      return softplus_float(x, d);  // vectorisable, one exp (float_math.hpp)
    }
    const T s = sigmoid_of(x);
    if (K == 2) {
      d = s;
      return value(x);
    }
    if (K == 3) {
      d = s * (T(1) + x * (T(1) - s));
      return x * s;
    }
    d = s * (T(1) - s);
    return s;
  }
  KOKKOS_INLINE_FUNCTION static T d1(T x) {
    if (K == 0) {
      const T t = kmath::tanh(x);
      return T(1) - t * t;
    }
    if (K == 1) return x > T(0) ? T(1) : T(0);
    const T s = sigmoid_of(x);
    if (K == 2) return s;
    if (K == 3) return s * (T(1) + x * (T(1) - s));
    return s * (T(1) - s);
  }
  KOKKOS_INLINE_FUNCTION static T d2(T x) {
    if (K == 0) {
      const T t = kmath::tanh(x);
      return T(-2) * t * (T(1) - t * t);
    }
    if (K == 1) return T(0);
    const T s = sigmoid_of(x);
    if (K == 2) return s * (T(1) - s);
    if (K == 3) return s * (T(1) - s) * (T(2) + x * (T(1) - T(2) * s));
    return s * (T(1) - s) * (T(1) - T(2) * s);
  }
};

template <class T, int K>
struct ForwardOp {  // y = s(x), d = s'(x)
  FlatView<const T> x;
  FlatView<T> y, d;
  KOKKOS_INLINE_FUNCTION void operator()(const size_t k) const {
    T dk;
    y(k) = ActivationEval<T, K>::value_d1(x(k), dk);
    d(k) = dk;
  }
};

template <class T, int K>
struct BackwardOp {  // dx = s'(x) dy from the stored s'(x)
  FlatView<const T> d, dy;
  FlatView<T> dx;
  KOKKOS_INLINE_FUNCTION void operator()(const size_t k) const { dx(k) = d(k) * dy(k); }
};

template <class T, int K>
struct TangentOp {  // ydot(i, c) = s'(x(i, c % B)) xdot(i, c)
  Tensor<T> x, xdot, ydot;
  size_t rows, B;
  KOKKOS_INLINE_FUNCTION void operator()(const size_t k) const {
    const size_t i = k % rows, c = k / rows;
    ydot(i, c) = ActivationEval<T, K>::d1(x(i, c % B)) * xdot(i, c);
  }
};

template <class T, int K>
struct BackwardDualOp {
  Tensor<T> x, xd, dy, dydot, dx, dxdot;
  size_t rows, B, K_tangents;
  KOKKOS_INLINE_FUNCTION void operator()(const size_t k) const {
    const size_t i = k % rows, b = k / rows;
    const T s1 = ActivationEval<T, K>::d1(x(i, b)), s2 = ActivationEval<T, K>::d2(x(i, b));
    T acc = s1 * dy(i, b);
    for (size_t t = 0; t < K_tangents; ++t) {
      const size_t c = t * B + b;
      acc += s2 * xd(i, c) * dydot(i, c);
      dxdot(i, c) = s1 * dydot(i, c);
    }
    dx(i, b) = acc;
  }
};

// Runs Op<T, kind> (built from args) over [0, n).
template <template <class, int> class Op, class T, class... Args>
void launch(ActivationKind kind, const char* label, size_t n, const Args&... args) {
  const Kokkos::RangePolicy<ExecSpace> range(0, n);
  switch (kind) {
    case ActivationKind::Tanh: Kokkos::parallel_for(label, range, Op<T, 0>{args...}); break;
    case ActivationKind::Relu: Kokkos::parallel_for(label, range, Op<T, 1>{args...}); break;
    case ActivationKind::Softplus: Kokkos::parallel_for(label, range, Op<T, 2>{args...}); break;
    case ActivationKind::Silu: Kokkos::parallel_for(label, range, Op<T, 3>{args...}); break;
    case ActivationKind::Sigmoid: Kokkos::parallel_for(label, range, Op<T, 4>{args...}); break;
  }
}

// Op<T, kind> (built from args) over [begin, end) on the calling thread (sample blocks).
template <template <class, int> class Op, class T, class... Args>
void run_range(ActivationKind kind, size_t begin, size_t end, const Args&... args) {
  auto loop = [&](const auto& op) {
    for (size_t k = begin; k < end; ++k) op(k);
  };
  switch (kind) {
    case ActivationKind::Tanh: loop(Op<T, 0>{args...}); break;
    case ActivationKind::Relu: loop(Op<T, 1>{args...}); break;
    case ActivationKind::Softplus: loop(Op<T, 2>{args...}); break;
    case ActivationKind::Silu: loop(Op<T, 3>{args...}); break;
    case ActivationKind::Sigmoid: loop(Op<T, 4>{args...}); break;
  }
}

void check_shape(const char* what, size_t got, size_t n) {
  if (got != n) fail("activation layer of ", n, " features: ", what, " has ", got, " features");
}

}  // namespace

ActivationKind activation_kind(const std::string& name) {
  if (name == "tanh") return ActivationKind::Tanh;
  if (name == "relu") return ActivationKind::Relu;
  if (name == "softplus") return ActivationKind::Softplus;
  if (name == "silu") return ActivationKind::Silu;
  if (name == "sigmoid") return ActivationKind::Sigmoid;
  fail("unknown activation '", name, "' (choices: tanh, relu, softplus, silu, sigmoid)");
}

std::string activation_name(ActivationKind kind) {
  switch (kind) {
    case ActivationKind::Tanh: return "tanh";
    case ActivationKind::Relu: return "relu";
    case ActivationKind::Softplus: return "softplus";
    case ActivationKind::Silu: return "silu";
    case ActivationKind::Sigmoid: return "sigmoid";
  }
  return "?";
}

template <class T>
void Activation<T>::forward(const Tensor<T>& x, Tensor<T>& y, bool /*training*/) {
  check_shape("input", x.extent(0), n_);
  ensure_shape(y, "act_y", n_, x.extent(1));
  ensure_shape(deriv_, "act_deriv", n_, x.extent(1));
  launch<ForwardOp, T>(kind_, "Activation::forward", x.size(), FlatView<const T>(flat(x)), flat(y), flat(deriv_));
  x_ = x;
}

template <class T>
void Activation<T>::prepare_forward(const Tensor<T>& x, Tensor<T>& y) {
  check_shape("input", x.extent(0), n_);
  ensure_shape(y, "act_y", n_, x.extent(1));
  ensure_shape(deriv_, "act_deriv", n_, x.extent(1));
  flat(x);  // throws here, outside any parallel region, when x is not contiguous
  x_ = x;
}

template <class T>
void Activation<T>::forward_block(const Tensor<T>& x, const Tensor<T>& y, size_t b0, size_t b1) const {
  run_range<ForwardOp, T>(kind_, b0 * n_, b1 * n_, FlatView<const T>(flat(x)), flat(y), flat(deriv_));
}

template <class T>
void Activation<T>::backward_input_block(const Tensor<T>& dy, const Tensor<T>& dx, size_t b0, size_t b1) const {
  run_range<BackwardOp, T>(kind_, b0 * n_, b1 * n_, FlatView<const T>(flat(deriv_)), FlatView<const T>(flat(dy)),
                           flat(dx));
}

template <class T>
void Activation<T>::backward(const Tensor<T>& dy, Tensor<T>& dx) {
  if (dy.extent(0) != n_ || dy.extent(1) != x_.extent(1)) fail("Activation::backward: dy shape does not match forward");
  ensure_shape(dx, "act_dx", n_, dy.extent(1));
  launch<BackwardOp, T>(kind_, "Activation::backward", dy.size(), FlatView<const T>(flat(deriv_)),
                        FlatView<const T>(flat(dy)), flat(dx));
}

template <class T>
void Activation<T>::forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) {
  forward(x, y, false);
  check_shape("tangent", xdot.extent(0), n_);
  const size_t B = x.extent(1);
  if (xdot.extent(1) % B != 0) fail("Activation::forward_dual: xdot must have K*B columns");
  ensure_shape(ydot, "act_ydot", n_, xdot.extent(1));
  launch<TangentOp, T>(kind_, "Activation::forward_dual", xdot.size(), x, xdot, ydot, n_, B);
  xdot_ = xdot;
}

template <class T>
void Activation<T>::backward_dual(const Tensor<T>& dy, const Tensor<T>& dydot, Tensor<T>& dx, Tensor<T>& dxdot) {
  const size_t B = x_.extent(1), KB = xdot_.extent(1);
  if (dy.extent(1) != B || dydot.extent(1) != KB) fail("Activation::backward_dual: shapes do not match forward_dual");
  ensure_shape(dx, "act_dx", n_, B);
  ensure_shape(dxdot, "act_dxdot", n_, KB);
  launch<BackwardDualOp, T>(kind_, "Activation::backward_dual", n_ * B, x_, xdot_, dy, dydot, dx, dxdot, n_, B,
                            KB / B);
}

template class Activation<float>;
template class Activation<double>;

}  // namespace macrodyn::nn
