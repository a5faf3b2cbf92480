#include "nn/jacobian.hpp"

#include "nn/gemm.hpp"

#include "nn/symmetric_eigen.hpp"

namespace macrodyn::nn {

template <class T>
void input_jacobian(Layer<T>& net, const Tensor<T>& x, Tensor<T>& J, Tensor<T>* y) {
  const size_t N = x.extent(0), B = x.extent(1), d = net.out_features();
  auto params = net.parameters();
  std::vector<Tensor<T>> saved;
  for (auto& p : params) {
    saved.push_back(Tensor<T>(Kokkos::view_alloc(Kokkos::WithoutInitializing, "jac_saved_grad"), p.grad.extent(0),
                              p.grad.extent(1)));
    Kokkos::deep_copy(saved.back(), p.grad);
  }
  Tensor<T> xr(Kokkos::view_alloc(Kokkos::WithoutInitializing, "jac_x"), N, d * B);
  Kokkos::parallel_for(
      "input_jacobian::replicate", Kokkos::RangePolicy<ExecSpace>(0, d * B), KOKKOS_LAMBDA(const size_t c) {
        for (size_t n = 0; n < N; ++n) xr(n, c) = x(n, c % B);
      });
  Tensor<T> yr;
  net.forward(xr, yr, false);
  Tensor<T> dy("jac_dy", d, d * B);
  Kokkos::parallel_for(
      "input_jacobian::unit", Kokkos::RangePolicy<ExecSpace>(0, d * B),
      KOKKOS_LAMBDA(const size_t c) { dy(c / B, c) = T(1); });
  net.backward(dy, J);
  for (size_t k = 0; k < params.size(); ++k) Kokkos::deep_copy(params[k].grad, saved[k]);
  if (y) {
    ensure_shape(*y, "jac_y", d, B);
    Kokkos::deep_copy(*y, Kokkos::subview(yr, Kokkos::ALL, std::make_pair(size_t(0), B)));
  }
}

template <class T>
void jacobian_loss_backward(Layer<T>& net, const Tensor<T>& x, const Tensor<T>& G) {
  const size_t B = x.extent(1), d = net.out_features();
  if (G.extent(0) != x.extent(0) || G.extent(1) != d * B)
    fail("jacobian_loss_backward: G must be (", x.extent(0), ", ", d * B, "), got (", G.extent(0), ", ",
         G.extent(1), ")");
  Tensor<T> y, ydot, dx, dxdot;
  net.forward_dual(x, G, y, ydot);
  Tensor<T> dy("jac_dy0", d, B), dydot("jac_dydot", d, d * B);
  Kokkos::parallel_for(
      "jacobian_loss_backward::unit", Kokkos::RangePolicy<ExecSpace>(0, d * B),
      KOKKOS_LAMBDA(const size_t c) { dydot(c / B, c) = T(1); });
  net.backward_dual(dy, dydot, dx, dxdot);
}

ConditionNumberLossResult condition_number_loss_gram(const std::vector<double>& A, size_t d, std::vector<double>& S,
                                                     double count) {
  if (d == 0 || A.size() % (d * d) != 0)
    fail("condition_number_loss_gram: ", A.size(), " values are not B blocks of d x d, d=", d);
  const size_t B = A.size() / (d * d);
  const double n = count > 0 ? count : static_cast<double>(B);
  ConditionNumberLossResult r;
  r.kappa.resize(B);
  S.assign(A.size(), 0.0);
  std::vector<double> Ab(d * d);
  for (size_t b = 0; b < B; ++b) {
    const double* a = A.data() + b * d * d;
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) Ab[i * d + j] = 0.5 * (a[i * d + j] + a[j * d + i]);
    const auto eig = symmetric_eigen(Ab, d);
    const double lmin = eig.values.front(), lmax = eig.values.back();
    if (!(lmin > 0)) fail("condition_number_loss: J J^T of sample ", b, " is singular (lambda_min = ", lmin,
                              ", lambda_max = ", lmax, ")");
    const double kappa = lmax / lmin;
    r.kappa[b] = kappa;
    r.loss += (kappa - 1) * (kappa - 1) / n;
    const double c = 2 * (kappa - 1) / n / lmin;  // dL/dkappa / lambda_min
    double* s = S.data() + b * d * d;
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j)
        s[i * d + j] = c * (eig.vectors[i * d + d - 1] * eig.vectors[j * d + d - 1] -
                            kappa * eig.vectors[i * d] * eig.vectors[j * d]);
  }
  return r;
}

template <class T>
std::vector<double> gram_matrices(const Tensor<T>& J, size_t d) {
  const size_t N = J.extent(0);
  if (d == 0 || J.extent(1) % d != 0) fail("gram_matrices: J has ", J.extent(1), " columns, not d*B, d=", d);
  const size_t B = J.extent(1) / d;
  auto Jh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
  using HostMatrix = Kokkos::View<double**, Kokkos::LayoutLeft, Kokkos::HostSpace>;
  HostMatrix Jb("gram_Jb", N, d), Ab("gram_A", d, d);
  std::vector<double> A(d * d * B);
  for (size_t b = 0; b < B; ++b) {
    for (size_t i = 0; i < d; ++i)
      for (size_t k = 0; k < N; ++k) Jb(k, i) = double(Jh(k, i * B + b));
    gemm("T", "N", 1.0, Jb, Jb, 0.0, Ab);  // in double
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) A[b * d * d + i * d + j] = Ab(i, j);
  }
  return A;
}

template <class T>
ConditionNumberLossResult condition_number_loss(const Tensor<T>& J, size_t d, Tensor<T>& G, double count) {
  const size_t N = J.extent(0);
  if (d == 0 || J.extent(1) % d != 0) fail("condition_number_loss: J has ", J.extent(1), " columns, not d*B, d=", d);
  const size_t B = J.extent(1) / d;
  auto Jh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
  ensure_shape(G, "cond_G", N, d * B);
  auto Gh = Kokkos::create_mirror_view(G);
  // dL/dJ_b = 2 J_b S_b per sample with BLAS (host, double).
  using HostMatrix = Kokkos::View<double**, Kokkos::LayoutLeft, Kokkos::HostSpace>;
  HostMatrix Jb("cond_Jb", N, d), Sb("cond_S", d, d), Gb("cond_Gb", N, d);
  std::vector<double> S;
  const auto r = condition_number_loss_gram(gram_matrices(J, d), d, S, count);
  for (size_t b = 0; b < B; ++b) {
    for (size_t i = 0; i < d; ++i)
      for (size_t k = 0; k < N; ++k) Jb(k, i) = double(Jh(k, i * B + b));
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j) Sb(i, j) = 2 * S[b * d * d + i * d + j];
    gemm("N", "N", 1.0, Jb, Sb, 0.0, Gb);  // column i = sum_j J_b(:, j) 2 S(j, i), S symmetric
    for (size_t i = 0; i < d; ++i)
      for (size_t k = 0; k < N; ++k) Gh(k, i * B + b) = static_cast<T>(Gb(k, i));
  }
  Kokkos::deep_copy(G, Gh);
  return r;
}

template void input_jacobian<float>(Layer<float>&, const Tensor<float>&, Tensor<float>&, Tensor<float>*);
template void input_jacobian<double>(Layer<double>&, const Tensor<double>&, Tensor<double>&, Tensor<double>*);
template void jacobian_loss_backward<float>(Layer<float>&, const Tensor<float>&, const Tensor<float>&);
template void jacobian_loss_backward<double>(Layer<double>&, const Tensor<double>&, const Tensor<double>&);
template std::vector<double> gram_matrices<float>(const Tensor<float>&, size_t);
template std::vector<double> gram_matrices<double>(const Tensor<double>&, size_t);
template ConditionNumberLossResult condition_number_loss<float>(const Tensor<float>&, size_t, Tensor<float>&, double);
template ConditionNumberLossResult condition_number_loss<double>(const Tensor<double>&, size_t, Tensor<double>&,
                                                                 double);

}  // namespace macrodyn::nn
