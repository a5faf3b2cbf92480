#pragma once
// Central finite-difference checks of layers and losses (used by the nn unit tests).
//
//   fd_gradient(f, v, h)  g_i = (f(v + h e_i) - f(v - h e_i)) / (2h) for every entry of tensor v
//                         (v is perturbed in place and restored; parameters alias layer storage,
//                         so passing Parameter::value differentiates w.r.t. that parameter).
//   relative_error(a, g)  max_i |a_i - g_i| / max(max_i |g_i|, floor): a norm-wise relative error,
//                         robust to entries that are zero (ReLU, max pooling).
//   check_backward(layer, x)  compares backward()'s dx and parameter gradients with finite
//                         differences of the scalar <dy, forward(x)> for a random dy.
//   check_dual(layer, x, K)   compares forward_dual()'s ydot with finite differences of forward()
//                         along the K tangents, and backward_dual()'s dx, dxdot and parameter
//                         gradients with finite differences of <dy, y> + <dydot, ydot>.
// Truncation error is O(h^2 f'''), round-off O(eps f / h): h = 1e-5 gives ~1e-10 relative in double.
// Host code (tests); works on device memory through mirrors, one element at a time.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "nn/layer.hpp"
#include "nn/parameter_init.hpp"

namespace macrodyn::nn::gradcheck {

template <class T>
std::vector<double> to_vector(const Tensor<T>& t) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), t);
  std::vector<double> out;
  out.reserve(t.size());
  for (size_t j = 0; j < t.extent(1); ++j)
    for (size_t i = 0; i < t.extent(0); ++i) out.push_back(static_cast<double>(h(i, j)));
  return out;
}

template <class T>
double dot(const Tensor<T>& a, const Tensor<T>& b) {
  const auto va = to_vector(a), vb = to_vector(b);
  if (va.size() != vb.size()) fail("gradcheck::dot: size mismatch ", va.size(), " vs ", vb.size());
  double s = 0;
  for (size_t i = 0; i < va.size(); ++i) s += va[i] * vb[i];
  return s;
}

template <class T>
std::vector<double> fd_gradient(const std::function<double()>& f, const Tensor<T>& v, double h) {
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  std::vector<double> g;
  g.reserve(v.size());
  for (size_t j = 0; j < v.extent(1); ++j) {
    for (size_t i = 0; i < v.extent(0); ++i) {
      const T saved = host(i, j);
      host(i, j) = static_cast<T>(saved + h);
      Kokkos::deep_copy(v, host);
      const double fp = f();
      host(i, j) = static_cast<T>(saved - h);
      Kokkos::deep_copy(v, host);
      const double fm = f();
      host(i, j) = saved;
      Kokkos::deep_copy(v, host);
      g.push_back((fp - fm) / (2 * h));
    }
  }
  return g;
}

inline double relative_error(const std::vector<double>& analytic, const std::vector<double>& reference,
                             double floor = 1e-12) {
  if (analytic.size() != reference.size())
    fail("gradcheck::relative_error: size mismatch ", analytic.size(), " vs ", reference.size());
  double diff = 0, scale = floor;
  for (size_t i = 0; i < analytic.size(); ++i) {
    diff = std::max(diff, std::abs(analytic[i] - reference[i]));
    scale = std::max(scale, std::abs(reference[i]));
  }
  return diff / scale;
}

struct LayerCheck {
  double input = 0;         // backward: dx
  double params = 0;        // backward: worst parameter
  double tangent = 0;       // forward_dual: ydot vs finite differences of forward
  double dual_input = 0;    // backward_dual: dx
  double dual_tangent = 0;  // backward_dual: dxdot
  double dual_params = 0;   // backward_dual: worst parameter
  std::string worst_param;
};

template <class T>
void zero_grads(Layer<T>& layer) {
  for (auto& p : layer.parameters()) Kokkos::deep_copy(p.grad, T(0));
}

template <class T>
LayerCheck check_backward(Layer<T>& layer, const Tensor<T>& x, uint64_t seed, double h = 1e-5,
                          bool training = true) {
  LayerCheck r;
  Tensor<T> y, dx;
  layer.forward(x, y, training);
  Tensor<T> dy("gradcheck_dy", y.extent(0), y.extent(1));
  fill_normal(dy, seed, 1);
  zero_grads(layer);
  layer.backward(dy, dx);
  auto objective = [&]() {
    Tensor<T> yy;
    layer.forward(x, yy, training);
    return dot(dy, yy);
  };
  r.input = relative_error(to_vector(dx), fd_gradient<T>(objective, x, h));
  for (auto& p : layer.parameters()) {
    const double e = relative_error(to_vector(p.grad), fd_gradient<T>(objective, p.value, h));
    if (e >= r.params) {
      r.params = e;
      r.worst_param = p.name;
    }
  }
  return r;
}

// x: (in, B); K tangent directions per sample are drawn at random.
template <class T>
LayerCheck check_dual(Layer<T>& layer, const Tensor<T>& x, size_t K, uint64_t seed, double h = 1e-5) {
  LayerCheck r;
  const size_t n = x.extent(0), B = x.extent(1);
  Tensor<T> xdot("gradcheck_xdot", n, K * B);
  fill_normal(xdot, seed, 2);
  Tensor<T> y, ydot;
  layer.forward_dual(x, xdot, y, ydot);
  const auto ydot_analytic = to_vector(ydot);

  // ydot column k*B + b = (f(x_b + h xdot_kb) - f(x_b - h xdot_kb)) / 2h
  auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  auto xdh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), xdot);
  Tensor<T> xp("gradcheck_xp", n, K * B), xm("gradcheck_xm", n, K * B);
  auto xph = Kokkos::create_mirror_view(xp), xmh = Kokkos::create_mirror_view(xm);
  for (size_t c = 0; c < K * B; ++c)
    for (size_t i = 0; i < n; ++i) {
      xph(i, c) = static_cast<T>(xh(i, c % B) + h * xdh(i, c));
      xmh(i, c) = static_cast<T>(xh(i, c % B) - h * xdh(i, c));
    }
  Kokkos::deep_copy(xp, xph);
  Kokkos::deep_copy(xm, xmh);
  Tensor<T> yp, ym;
  layer.forward(xp, yp, false);
  const auto vp = to_vector(yp);
  layer.forward(xm, ym, false);
  const auto vm = to_vector(ym);
  std::vector<double> ydot_fd(vp.size());
  for (size_t i = 0; i < vp.size(); ++i) ydot_fd[i] = (vp[i] - vm[i]) / (2 * h);
  r.tangent = relative_error(ydot_analytic, ydot_fd);

  Tensor<T> dy("gradcheck_dy", y.extent(0), B), dydot("gradcheck_dydot", ydot.extent(0), K * B);
  fill_normal(dy, seed, 3);
  fill_normal(dydot, seed, 4);
  layer.forward_dual(x, xdot, y, ydot);
  zero_grads(layer);
  Tensor<T> dx, dxdot;
  layer.backward_dual(dy, dydot, dx, dxdot);
  auto objective = [&]() {
    Tensor<T> yy, yyd;
    layer.forward_dual(x, xdot, yy, yyd);
    return dot(dy, yy) + dot(dydot, yyd);
  };
  r.dual_input = relative_error(to_vector(dx), fd_gradient<T>(objective, x, h));
  r.dual_tangent = relative_error(to_vector(dxdot), fd_gradient<T>(objective, xdot, h));
  for (auto& p : layer.parameters()) {
    const double e = relative_error(to_vector(p.grad), fd_gradient<T>(objective, p.value, h));
    if (e >= r.dual_params) {
      r.dual_params = e;
      r.worst_param = p.name;
    }
  }
  return r;
}

}  // namespace macrodyn::nn::gradcheck
