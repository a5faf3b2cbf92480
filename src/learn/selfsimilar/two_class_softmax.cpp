#include "learn/selfsimilar/two_class_softmax.hpp"

#include "core/kokkos_compat.hpp"
#include "nn/float_math.hpp"

namespace macrodyn::selfsimilar {
namespace {

// From one exponential e = exp(-|u|) of the log-odds u: l = log(1 + e) and the sigmoid s = 1/(1 + e^-u),
// so that softplus(+-u) = l + max(+-u, 0) (the two classes' negative log-probabilities) without overflow
// or cancellation. float: the branch-free exp/log1p of nn/float_math.hpp (the loops vectorise); double:
// the C library's.
KOKKOS_INLINE_FUNCTION void log_odds_terms(float u, float& l, float& s) {
  const float e = nn::exp_nonpositive(-kmath::fabs(u));
  l = nn::log1p_unit(e);
  s = (u < 0.0f ? e : 1.0f) / (1.0f + e);
}
KOKKOS_INLINE_FUNCTION void log_odds_terms(double u, double& l, double& s) {
  const double e = kmath::exp(-kmath::fabs(u));
  l = kmath::log1p(e);
  s = (u < 0.0 ? e : 1.0) / (1.0 + e);
}

template <class T>
void require_shapes(const nn::Tensor<T>& logits, const nn::Tensor<T>& target, const char* what) {
  if (logits.extent(0) != 2 * target.extent(0) || logits.extent(1) != target.extent(1))
    fail(what, ": logits (", logits.extent(0), ", ", logits.extent(1), ") do not match targets (", target.extent(0),
         ", ", target.extent(1), ")");
}

}  // namespace

template <class T>
void TwoClassProbability<T>::forward(const nn::Tensor<T>& x, nn::Tensor<T>& y, bool) {
  if (x.extent(0) != 2 * sites_)
    fail("two_class_probability: input has ", x.extent(0), " features, expected ", 2 * sites_);
  const size_t B = x.extent(1);
  nn::ensure_shape(y, "two_class_y", sites_, B);
  nn::ensure_shape(p_, "two_class_p", sites_, B);
  const long L = static_cast<long>(sites_);
  auto yy = y, p = p_;
  Kokkos::parallel_for(
      "selfsimilar::two_class_forward",
      Kokkos::MDRangePolicy<nn::ExecSpace, Kokkos::Rank<2>>({0, 0}, {L, static_cast<long>(B)}),
      KOKKOS_LAMBDA(long i, long b) {
        T l, v;
        log_odds_terms(x(L + i, b) - x(i, b), l, v);
        p(i, b) = v;
        yy(i, b) = v;
      });
}

template <class T>
void TwoClassProbability<T>::backward(const nn::Tensor<T>& dy, nn::Tensor<T>& dx) {
  const size_t B = dy.extent(1);
  if (dy.extent(0) != sites_ || p_.extent(1) != B) fail("two_class_probability: backward shape mismatch");
  nn::ensure_shape(dx, "two_class_dx", 2 * sites_, B);
  const long L = static_cast<long>(sites_);
  auto p = p_, d = dx;
  Kokkos::parallel_for(
      "selfsimilar::two_class_backward",
      Kokkos::MDRangePolicy<nn::ExecSpace, Kokkos::Rank<2>>({0, 0}, {L, static_cast<long>(B)}),
      KOKKOS_LAMBDA(long i, long b) {
        const T g = p(i, b) * (T(1) - p(i, b)) * dy(i, b);
        d(L + i, b) = g;
        d(i, b) = -g;
      });
}

template <class T>
double two_class_nll(const nn::Tensor<T>& logits, const nn::Tensor<T>& target, double weight, nn::Tensor<T>& dlogits) {
  require_shapes(logits, target, "two_class_nll");
  const long L = static_cast<long>(target.extent(0)), B = static_cast<long>(target.extent(1));
  nn::ensure_shape(dlogits, "two_class_dlogits", 2 * target.extent(0), target.extent(1));
  auto d = dlogits;
  const T w = static_cast<T>(weight);
  double sum = 0;
  Kokkos::parallel_reduce(
      "selfsimilar::two_class_nll", Kokkos::MDRangePolicy<nn::ExecSpace, Kokkos::Rank<2>>({0, 0}, {L, B}),
      KOKKOS_LAMBDA(long i, long b, double& acc) {
        const T u = logits(L + i, b) - logits(i, b);  // log-odds of state 1
        const T t = target(i, b);
        T l, s;
        log_odds_terms(u, l, s);
        // -log p_1 = softplus(-u) = l + max(-u, 0), -log p_0 = softplus(u) = l + max(u, 0)
        const T pos = u > T(0) ? u : T(0), neg = u < T(0) ? -u : T(0);
        acc += static_cast<double>(l + t * neg + (T(1) - t) * pos);
        const T g = w * (s - t);  // d/du of the weighted loss
        d(L + i, b) = g;
        d(i, b) = -g;
      },
      sum);
  return weight * sum;
}

template <class T>
long two_class_correct(const nn::Tensor<T>& logits, const nn::Tensor<T>& target) {
  require_shapes(logits, target, "two_class_correct");
  const long L = static_cast<long>(target.extent(0)), B = static_cast<long>(target.extent(1));
  long count = 0;
  Kokkos::parallel_reduce(
      "selfsimilar::two_class_correct", Kokkos::MDRangePolicy<nn::ExecSpace, Kokkos::Rank<2>>({0, 0}, {L, B}),
      KOKKOS_LAMBDA(long i, long b, long& acc) {
        const bool one = logits(L + i, b) > logits(i, b);
        acc += (one == (target(i, b) > T(0.5))) ? 1 : 0;
      },
      count);
  return count;
}

template class TwoClassProbability<double>;
template class TwoClassProbability<float>;
template double two_class_nll<double>(const nn::Tensor<double>&, const nn::Tensor<double>&, double,
                                      nn::Tensor<double>&);
template double two_class_nll<float>(const nn::Tensor<float>&, const nn::Tensor<float>&, double, nn::Tensor<float>&);
template long two_class_correct<double>(const nn::Tensor<double>&, const nn::Tensor<double>&);
template long two_class_correct<float>(const nn::Tensor<float>&, const nn::Tensor<float>&);

}  // namespace macrodyn::selfsimilar
