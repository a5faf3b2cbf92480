#include "learn/closure/pooled_encoder.hpp"

#include "core/error.hpp"
#include "nn/gemm.hpp"

namespace macrodyn::closure {

namespace {
constexpr size_t kDescriptor = 6;  // (r'_a, v_a)

template <class V>
V columns(const V& t, size_t c0, size_t n) {
  return Kokkos::subview(t, Kokkos::ALL, std::make_pair(c0, c0 + n));
}

double temperature_factor(size_t atoms) { return 2.0 / (3.0 * (static_cast<double>(atoms) - 1.0)); }
}  // namespace

AtomSlice AtomSlice::of_rank(size_t atoms, int rank, int ranks) {
  AtomSlice s;
  s.atoms = atoms;
  s.first = atoms * static_cast<size_t>(rank) / static_cast<size_t>(ranks);
  s.count = atoms * static_cast<size_t>(rank + 1) / static_cast<size_t>(ranks) - s.first;
  return s;
}

template <class T>
PooledEncoderT<T>::PooledEncoderT(std::shared_ptr<nn::Sequential<T>> atom_net, MPI_Comm comm, AtomSlice slice,
                                  size_t chunk_atoms)
    : net_(std::move(atom_net)), comm_(comm), slice_(slice), chunk_(chunk_atoms) {
  if (net_->in_features() != kDescriptor)
    fail("pooled encoder: the per-atom network must take 6 inputs (r', v), not ", net_->in_features());
  if (slice_.atoms < 2) fail("pooled encoder: needs at least 2 atoms, got ", slice_.atoms);
  if (chunk_ < 1) fail("pooled encoder: chunk_atoms must be >= 1");
}

template <class T>
size_t PooledEncoderT<T>::chunk_bytes() const {
  const size_t C = chunk_;  // chunks take atoms of several configurations: full unless the data is smaller
  size_t width = kDescriptor;  // x
  for (size_t i = 0; i < net_->size(); ++i) width += net_->layer_ptr(i)->out_features();
  // values and 6 tangents of every activation, twice (forward caches and backward gradients), plus the
  // unit tangents and the K x 6C gradient of the Jacobian.
  return (2 * (1 + kDescriptor) * width + kDescriptor * kDescriptor + kDescriptor * features()) * C * sizeof(T);
}

template <class T>
void PooledEncoderT<T>::load_chunk(const std::vector<LocalConfiguration>& configs, const std::vector<Segment>& segs,
                                   size_t C, bool dual) {
  nn::ensure_shape(x_, "pooled_x", kDescriptor, C);
  auto xh = Kokkos::create_mirror_view(x_);
  for (const auto& s : segs) {
    const auto& c = configs[s.config];
    for (size_t a = s.atom0; a < s.atom1; ++a)
      for (size_t k = 0; k < 3; ++k) {
        xh(k, s.col0 + a - s.atom0) = static_cast<T>(c.r[3 * a + k]);
        xh(3 + k, s.col0 + a - s.atom0) = static_cast<T>(c.v[3 * a + k]);
      }
  }
  Kokkos::deep_copy(x_, xh);
  if (!dual) {
    net_->forward(x_, y_, false);
    return;
  }
  if (xdot_.extent(1) != kDescriptor * C) {  // unit tangents: column k C + c = e_k
    xdot_ = nn::Tensor<T>("pooled_xdot", kDescriptor, kDescriptor * C);
    auto xd = xdot_;
    Kokkos::parallel_for(
        "pooled_encoder::unit_tangents", Kokkos::RangePolicy<nn::ExecSpace>(0, kDescriptor * C),
        KOKKOS_LAMBDA(const size_t col) { xd(col / C, col) = T(1); });
  }
  net_->forward_dual(x_, xdot_, y_, ydot_);
}

template <class T>
template <class F>
void PooledEncoderT<T>::for_each_chunk(const std::vector<LocalConfiguration>& configs, bool dual, F&& f) {
  std::vector<Segment> segs;
  size_t C = 0;
  auto flush = [&] {
    if (C == 0) return;
    load_chunk(configs, segs, C, dual);
    f(segs, C);
    segs.clear();
    C = 0;
  };
  for (size_t b = 0; b < configs.size(); ++b)
    for (size_t a0 = 0; a0 < slice_.count;) {
      const size_t n = std::min(slice_.count - a0, chunk_ - C);
      segs.push_back({b, a0, a0 + n, C});
      C += n, a0 += n;
      if (C == chunk_) flush();
    }
  flush();
}

template <class T>
PooledStatistics PooledEncoderT<T>::statistics(const std::vector<LocalConfiguration>& configs, bool with_gram) {
  const size_t K = features(), d = latent_dim(), B = configs.size(), N = slice_.atoms;
  const double invN = 1.0 / static_cast<double>(N), cT = temperature_factor(N);
  const size_t rec = K + 1 + (with_gram ? d * d : 0);  // z_hat sums, sum |v|^2, Gram
  std::vector<double> sums(B * rec, 0.0);
  nn::ensure_shape(gk_, "pooled_gram_block", K, K);
  for_each_chunk(configs, with_gram, [&](const std::vector<Segment>& segs, size_t C) {
    auto yh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), y_);
    auto ydh = Kokkos::create_mirror_view(ydot_);
    if (with_gram) Kokkos::deep_copy(ydh, ydot_);
    for (const auto& s : segs) {
      double* out = sums.data() + s.config * rec;
      const size_t n = s.atom1 - s.atom0;
      const float* v = configs[s.config].v + 3 * s.atom0;
      for (size_t j = 0; j < K; ++j) {
        double t = 0;
        for (size_t c = 0; c < n; ++c) t += static_cast<double>(yh(j, s.col0 + c));
        out[j] += t;
      }
      for (size_t e = 0; e < 3 * n; ++e) out[K] += static_cast<double>(v[e]) * v[e];
      if (!with_gram) continue;
      double* g = out + K + 1;
      for (size_t k = 0; k < kDescriptor; ++k) {
        const auto yk = columns(ydot_, k * C + s.col0, n);
        nn::gemm("N", "T", T(1), yk, yk, k == 0 ? T(0) : T(1), gk_);
      }
      auto gh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gk_);
      for (size_t j = 0; j < K; ++j) {
        for (size_t l = 0; l < K; ++l) g[(1 + j) * d + 1 + l] += static_cast<double>(gh(j, l)) * invN * invN;
        double cross = 0;  // T row . row 1+j: c_T v_a . (1/N) dh_j/dv_a
        for (size_t c = 0; c < n; ++c)
          for (size_t k = 0; k < 3; ++k)
            cross += static_cast<double>(v[3 * c + k]) * static_cast<double>(ydh(j, (3 + k) * C + s.col0 + c));
        g[1 + j] += cT * invN * cross;
        g[(1 + j) * d] += cT * invN * cross;
      }
    }
  });
  MPI_Allreduce(MPI_IN_PLACE, sums.data(), static_cast<int>(sums.size()), MPI_DOUBLE, MPI_SUM, comm_);
  PooledStatistics st;
  st.d = d, st.configs = B;
  st.z.resize(B * d);
  if (with_gram) st.gram.resize(B * d * d);
  for (size_t b = 0; b < B; ++b) {
    const double* s = sums.data() + b * rec;
    st.z[b * d] = 0.5 * cT * s[K];
    for (size_t j = 0; j < K; ++j) st.z[b * d + 1 + j] = s[j] * invN;
    if (!with_gram) continue;
    std::copy(s + K + 1, s + rec, st.gram.begin() + b * d * d);
    st.gram[b * d * d] = cT * cT * s[K];  // |T row|^2 = c_T^2 sum |v_a|^2
  }
  return st;
}

template <class T>
void PooledEncoderT<T>::backward(const std::vector<LocalConfiguration>& configs, const std::vector<double>& dz_hat,
                                 const std::vector<double>& dgram) {
  const size_t K = features(), d = latent_dim(), N = slice_.atoms;
  const double invN = 1.0 / static_cast<double>(N), cT = temperature_factor(N);
  if (dz_hat.size() != configs.size() * K || dgram.size() != configs.size() * d * d)
    fail("pooled encoder backward: expected ", configs.size(), " configurations of dz_hat (", K, ") and dgram (", d,
         " x ", d, ")");
  nn::ensure_shape(s_, "pooled_s", K, K);
  for_each_chunk(configs, true, [&](const std::vector<Segment>& segs, size_t C) {
    nn::ensure_shape(dy_, "pooled_dy", K, C);
    nn::ensure_shape(dydot_, "pooled_dydot", K, kDescriptor * C);
    auto dyh = Kokkos::create_mirror_view(dy_);
    for (const auto& s : segs) {
      // dL/dydot_a = (2/N^2) S_hat ydot_a + (2/N) S[1:, 0] (T row of a): one GEMM per tangent, then the T part.
      auto sh = Kokkos::create_mirror_view(s_);
      const double* S = dgram.data() + s.config * d * d;
      for (size_t j = 0; j < K; ++j)
        for (size_t l = 0; l < K; ++l) sh(j, l) = static_cast<T>(2.0 * invN * invN * S[(1 + j) * d + 1 + l]);
      Kokkos::deep_copy(s_, sh);
      const size_t n = s.atom1 - s.atom0;
      for (size_t k = 0; k < kDescriptor; ++k)
        nn::gemm("N", "N", T(1), s_, columns(ydot_, k * C + s.col0, n), T(0), columns(dydot_, k * C + s.col0, n));
      for (size_t j = 0; j < K; ++j)
        for (size_t c = 0; c < n; ++c) dyh(j, s.col0 + c) = static_cast<T>(dz_hat[s.config * K + j] * invN);
    }
    Kokkos::deep_copy(dy_, dyh);
    auto ddh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), dydot_);
    for (const auto& s : segs) {
      const double* S = dgram.data() + s.config * d * d;
      const float* v = configs[s.config].v + 3 * s.atom0;
      for (size_t j = 0; j < K; ++j) {
        const double w = 2.0 * invN * cT * S[(1 + j) * d];
        if (w == 0) continue;
        for (size_t c = 0; c < s.atom1 - s.atom0; ++c)
          for (size_t k = 0; k < 3; ++k) ddh(j, (3 + k) * C + s.col0 + c) += static_cast<T>(w * v[3 * c + k]);
      }
    }
    Kokkos::deep_copy(dydot_, ddh);
    net_->backward_dual(dy_, dydot_, dx_, dxdot_);
  });
}

template <class T>
std::vector<double> PooledEncoderT<T>::jacobian_columns(const LocalConfiguration& config,
                                                        const std::vector<int64_t>& atoms) {
  const size_t K = features(), d = latent_dim(), m = atoms.size(), W = kDescriptor * m, N = slice_.atoms;
  const double invN = 1.0 / static_cast<double>(N), cT = temperature_factor(N);
  std::vector<double> rows(d * W, 0.0);
  std::vector<size_t> mine;  // positions q in `atoms` of atoms this rank owns
  for (size_t q = 0; q < m; ++q) {
    if (atoms[q] < 0 || static_cast<size_t>(atoms[q]) >= N) fail("pooled encoder: atom ", atoms[q], " outside [0, ", N, ")");
    const size_t a = static_cast<size_t>(atoms[q]);
    if (a >= slice_.first && a < slice_.first + slice_.count) mine.push_back(q);
  }
  if (!mine.empty()) {
    // One configuration per owned atom, made of that atom alone (a segment of length 1).
    std::vector<LocalConfiguration> one(mine.size());
    std::vector<Segment> segs;
    for (size_t i = 0; i < mine.size(); ++i) {
      const size_t a = static_cast<size_t>(atoms[mine[i]]) - slice_.first;
      one[i] = {config.r + 3 * a, config.v + 3 * a};
      segs.push_back({i, 0, 1, i});
    }
    const size_t C = mine.size();
    load_chunk(one, segs, C, true);
    auto ydh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ydot_);
    for (size_t i = 0; i < C; ++i) {
      const size_t q = mine[i];
      for (size_t k = 0; k < 3; ++k) rows[kDescriptor * q + 3 + k] = cT * static_cast<double>(one[i].v[k]);
      for (size_t j = 0; j < K; ++j)
        for (size_t k = 0; k < kDescriptor; ++k)
          rows[(1 + j) * W + kDescriptor * q + k] = static_cast<double>(ydh(j, k * C + i)) * invN;
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, rows.data(), static_cast<int>(rows.size()), MPI_DOUBLE, MPI_SUM, comm_);
  return rows;
}

template <class T>
std::vector<double> PooledEncoderT<T>::jacobian_times(const std::vector<LocalConfiguration>& configs,
                                                      const std::vector<const double*>& local_forces) {
  const size_t K = features(), d = latent_dim(), N = slice_.atoms;
  const double invN = 1.0 / static_cast<double>(N), cT = temperature_factor(N);
  std::vector<double> out(configs.size() * d, 0.0);
  for_each_chunk(configs, true, [&](const std::vector<Segment>& segs, size_t C) {
    auto ydh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ydot_);
    for (const auto& s : segs) {
      const double* f = local_forces[s.config] + kDescriptor * s.atom0;
      const float* v = configs[s.config].v + 3 * s.atom0;
      double* o = out.data() + s.config * d;
      for (size_t c = 0; c < s.atom1 - s.atom0; ++c) {
        for (size_t k = 0; k < 3; ++k) o[0] += cT * static_cast<double>(v[3 * c + k]) * f[kDescriptor * c + 3 + k];
        for (size_t j = 0; j < K; ++j) {
          double t = 0;
          for (size_t k = 0; k < kDescriptor; ++k) t += static_cast<double>(ydh(j, k * C + s.col0 + c)) * f[kDescriptor * c + k];
          o[1 + j] += t * invN;
        }
      }
    }
  });
  MPI_Allreduce(MPI_IN_PLACE, out.data(), static_cast<int>(out.size()), MPI_DOUBLE, MPI_SUM, comm_);
  return out;
}

template <class T>
std::vector<double> PooledEncoderT<T>::local_jacobian(const LocalConfiguration& config) {
  const size_t K = features(), d = latent_dim(), W = kDescriptor * slice_.count, N = slice_.atoms;
  const double invN = 1.0 / static_cast<double>(N), cT = temperature_factor(N);
  std::vector<double> rows(d * W, 0.0);
  for_each_chunk({config}, true, [&](const std::vector<Segment>& segs, size_t C) {
    auto ydh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ydot_);
    for (const auto& s : segs)
      for (size_t a = s.atom0; a < s.atom1; ++a) {
        const size_t c = s.col0 + a - s.atom0;
        for (size_t k = 0; k < 3; ++k) rows[kDescriptor * a + 3 + k] = cT * static_cast<double>(config.v[3 * a + k]);
        for (size_t j = 0; j < K; ++j)
          for (size_t k = 0; k < kDescriptor; ++k)
            rows[(1 + j) * W + kDescriptor * a + k] = static_cast<double>(ydh(j, k * C + c)) * invN;
      }
  });
  return rows;
}

template class PooledEncoderT<float>;
template class PooledEncoderT<double>;

}  // namespace macrodyn::closure
