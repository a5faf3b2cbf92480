#include "learn/closure/pooled_autoencoder.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/runtime.hpp"
#include "nn/model_io.hpp"
#include "nn/mse_loss.hpp"
#include "nn/symmetric_eigen.hpp"

namespace macrodyn::closure {

namespace {

template <class T>
std::shared_ptr<nn::Sequential<T>> build_atom_net(const PooledAutoencoderSpec& s) {
  std::vector<size_t> sizes{6};
  sizes.insert(sizes.end(), s.hidden.begin(), s.hidden.end());
  sizes.push_back(s.latent_dim - 1);
  return nn::make_mlp<T>(sizes, s.activation, s.seed * 2);
}

template <class T, size_t M>
std::shared_ptr<nn::Sequential<T>> build_decoder(const PooledAutoencoderSpec& s) {
  std::vector<size_t> sizes{s.latent_dim};
  sizes.insert(sizes.end(), s.hidden.rbegin(), s.hidden.rend());
  sizes.push_back(M);
  return nn::make_mlp<T>(sizes, s.activation, s.seed * 2 + 1);
}

const PooledAutoencoderSpec& checked(const PooledAutoencoderSpec& s) {
  if (s.latent_dim < 2) fail("pooled autoencoder: latent_dim = ", s.latent_dim, " must exceed the 1 fixed observable (T)");
  return s;
}

}  // namespace

template <class T>
PooledAutoencoderT<T>::PooledAutoencoderT(const PooledAutoencoderSpec& spec, MPI_Comm comm)
    : spec_(checked(spec)),
      comm_(comm),
      atom_net_(build_atom_net<T>(spec)),
      decoder_(build_decoder<T, kMoments>(spec)),
      bundle_({{"atom_net", atom_net_}, {"decoder", decoder_}}),
      encoder_(atom_net_, comm, AtomSlice::of_rank(spec.atoms, comm_rank(comm), comm_size(comm)), spec.chunk_atoms),
      moment_mean_(kMoments, 0.0),
      moment_sd_(kMoments, 1.0),
      input_mean_(spec.latent_dim, 0.0),
      input_sd_(spec.latent_dim, 1.0) {}

template <class T>
size_t PooledAutoencoderT<T>::parameter_bytes() {
  size_t n = 0;
  for (const auto& p : bundle_.parameters()) n += p.value.size();
  return n * sizeof(T);
}

template <class T>
std::vector<double> PooledAutoencoderT<T>::moments(const std::vector<LocalConfiguration>& configs) {
  const size_t M = kMoments, n = encoder_.slice().count;
  std::vector<double> y(configs.size() * M, 0.0);
  for (size_t b = 0; b < configs.size(); ++b) {
    double* o = y.data() + b * M;
    for (size_t a = 0; a < n; ++a) {
      const float* r = configs[b].r + 3 * a;
      const float* v = configs[b].v + 3 * a;
      double r2 = 0, v2 = 0, rv = 0;
      for (size_t k = 0; k < 3; ++k) {
        const double rk = r[k], vk = v[k];
        o[k] += rk * rk, o[3 + k] += vk * vk;
        r2 += rk * rk, v2 += vk * vk, rv += rk * vk;
      }
      o[6] += rv, o[7] += r2 * r2, o[8] += v2 * v2, o[9] += r2 * v2;
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, y.data(), static_cast<int>(y.size()), MPI_DOUBLE, MPI_SUM, comm_);
  for (auto& e : y) e /= static_cast<double>(spec_.atoms);
  return y;
}

template <class T>
void PooledAutoencoderT<T>::set_moment_scaling(const std::vector<double>& mean, const std::vector<double>& sd) {
  if (mean.size() != kMoments || sd.size() != kMoments) fail("pooled autoencoder: moment scaling needs ", kMoments, " values");
  moment_mean_ = mean, moment_sd_ = sd;
}

template <class T>
void PooledAutoencoderT<T>::set_decoder_input_scaling(const std::vector<double>& mean, const std::vector<double>& sd) {
  if (mean.size() != latent_dim() || sd.size() != latent_dim())
    fail("pooled autoencoder: decoder input scaling needs ", latent_dim(), " values");
  for (double x : sd)
    if (!(x > 0)) fail("pooled autoencoder: decoder input scale must be positive, got ", x);
  input_mean_ = mean, input_sd_ = sd;
}

template <class T>
AutoencoderLossParts PooledAutoencoderT<T>::batch_loss(const std::vector<LocalConfiguration>& configs,
                                                       double global_batch, double lambda_cond) {
  AutoencoderLossParts parts;
  const size_t B = configs.size(), d = latent_dim(), K = d - 1, M = kMoments;
  if (B == 0) return parts;
  const auto st = encoder_.statistics(configs, lambda_cond > 0);
  const auto raw = moments(configs);
  nn::ensure_shape(z_, "pooled_z", d, B);
  nn::ensure_shape(y_, "pooled_y", M, B);
  auto zh = Kokkos::create_mirror_view(z_);
  auto yh = Kokkos::create_mirror_view(y_);
  for (size_t b = 0; b < B; ++b) {
    for (size_t i = 0; i < d; ++i) zh(i, b) = static_cast<T>((st.z[b * d + i] - input_mean_[i]) / input_sd_[i]);
    for (size_t i = 0; i < M; ++i) yh(i, b) = static_cast<T>((raw[b * M + i] - moment_mean_[i]) / moment_sd_[i]);
  }
  Kokkos::deep_copy(z_, zh);
  Kokkos::deep_copy(y_, yh);
  decoder_->forward(z_, yr_, true);
  parts.reconstruction = nn::mse_loss(yr_, y_, grad_yr_, static_cast<double>(M) * global_batch);
  decoder_->backward(grad_yr_, grad_z_);
  if (comm_rank(comm_) != 0)  // the decoder runs replicated: only rank 0's gradient enters the sum over ranks
    for (auto& p : decoder_->parameters()) Kokkos::deep_copy(p.grad, T(0));
  auto gzh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), grad_z_);
  std::vector<double> dz_hat(B * K), dgram(B * d * d, 0.0);
  for (size_t b = 0; b < B; ++b)
    for (size_t j = 0; j < K; ++j) dz_hat[b * K + j] = static_cast<double>(gzh(1 + j, b)) / input_sd_[1 + j];
  if (lambda_cond > 0) {
    // L = (lambda / B_global) sum_b (kappa_b - 1)^2; dkappa/dG = (u u^T - kappa w w^T) / lambda_min.
    for (size_t b = 0; b < B; ++b) {
      const std::vector<double> g(st.gram.begin() + b * d * d, st.gram.begin() + (b + 1) * d * d);
      const auto e = nn::symmetric_eigen(g, d);
      const double lmin = e.values.front(), kappa = e.values.back() / lmin;
      parts.condition += (kappa - 1) * (kappa - 1) / global_batch;
      const double w = lambda_cond / global_batch * 2.0 * (kappa - 1) / lmin;
      for (size_t i = 0; i < d; ++i)
        for (size_t j = 0; j < d; ++j) {
          const double u = e.vectors[i * d + d - 1] * e.vectors[j * d + d - 1];
          const double l = e.vectors[i * d] * e.vectors[j * d];
          dgram[b * d * d + i * d + j] = w * (u - kappa * l);
        }
    }
  }
  encoder_.backward(configs, dz_hat, dgram);
  return parts;
}

template <class T>
void PooledAutoencoderT<T>::save(io::H5File& file, const std::string& group) {
  file.create_group(group);
  file.set_attr(group, "encoder", std::string("pooled"));
  file.set_attr(group, "system", std::string("lj"));
  file.set_attr(group, "atoms", static_cast<int64_t>(spec_.atoms));
  file.set_attr(group, "state_dim", static_cast<int64_t>(6 * spec_.atoms));
  file.set_attr(group, "latent_dim", static_cast<int64_t>(spec_.latent_dim));
  file.set_attr(group, "fixed_dim", static_cast<int64_t>(1));
  file.set_attr(group, "fixed_observable", std::string("lj_temperature"));
  file.set_attr(group, "hidden", std::vector<double>(spec_.hidden.begin(), spec_.hidden.end()));
  file.set_attr(group, "activation", spec_.activation);
  file.set_attr(group, "seed", static_cast<int64_t>(spec_.seed));
  file.set_attr(group, "chunk_atoms", static_cast<int64_t>(spec_.chunk_atoms));
  file.set_attr(group, "lj_positions", spec_.representation.lj_positions);
  file.set_attr(group, "position_scale", spec_.representation.position_scale);
  file.set_attr(group, "moment_mean", moment_mean_);
  file.set_attr(group, "moment_std", moment_sd_);
  file.set_attr(group, "decoder_input_mean", input_mean_);
  file.set_attr(group, "decoder_input_std", input_sd_);
  nn::save_model(file, group + "/atom_net", *atom_net_);
  nn::save_model(file, group + "/decoder", *decoder_);
  auto put = [&](const std::string& name, const std::vector<double>& v) {
    if (!v.empty()) file.write_replicated(group + "/normalization/" + name, {v.size()}, v.data());
  };
  put("z_mean", norm_.z_mean), put("z_std", norm_.z_std), put("dz_mean", norm_.dz_mean), put("dz_std", norm_.dz_std);
}

template <class T>
bool PooledAutoencoderT<T>::stored_in(const io::H5File& file, const std::string& group) {
  return file.exists(group + "/atom_net");
}

template <class T>
std::unique_ptr<PooledAutoencoderT<T>> PooledAutoencoderT<T>::load(const io::H5File& file, const std::string& group,
                                                                   MPI_Comm comm) {
  if (!stored_in(file, group)) fail(file.path(), ": no pooled closure autoencoder under ", group);
  PooledAutoencoderSpec s;
  s.atoms = static_cast<size_t>(file.attr_int(group, "atoms"));
  s.latent_dim = static_cast<size_t>(file.attr_int(group, "latent_dim"));
  s.hidden.clear();
  for (double h : file.attr_doubles(group, "hidden")) s.hidden.push_back(static_cast<size_t>(h));
  s.activation = file.attr_string(group, "activation");
  s.seed = static_cast<uint64_t>(file.attr_int(group, "seed"));
  s.chunk_atoms = static_cast<size_t>(file.attr_int(group, "chunk_atoms"));
  s.representation.lj_positions = file.attr_string(group, "lj_positions");
  s.representation.position_scale = file.attr_double(group, "position_scale");
  auto ae = std::make_unique<PooledAutoencoderT<T>>(s, comm);
  ae->set_moment_scaling(file.attr_doubles(group, "moment_mean"), file.attr_doubles(group, "moment_std"));
  ae->set_decoder_input_scaling(file.attr_doubles(group, "decoder_input_mean"), file.attr_doubles(group, "decoder_input_std"));
  nn::load_model(file, group + "/atom_net", *ae->atom_net_);
  nn::load_model(file, group + "/decoder", *ae->decoder_);
  auto get = [&](const std::string& name, std::vector<double>& v) {
    if (file.exists(group + "/normalization/" + name)) v = file.read_all<double>(group + "/normalization/" + name);
  };
  get("z_mean", ae->norm_.z_mean), get("z_std", ae->norm_.z_std);
  get("dz_mean", ae->norm_.dz_mean), get("dz_std", ae->norm_.dz_std);
  return ae;
}

template class PooledAutoencoderT<float>;
template class PooledAutoencoderT<double>;

}  // namespace macrodyn::closure
