#include "learn/closure/closure_autoencoder.hpp"

#include "core/error.hpp"
#include "nn/jacobian.hpp"
#include "nn/model_io.hpp"
#include "nn/mse_loss.hpp"

namespace macrodyn::closure {

namespace {

std::vector<size_t> reversed(std::vector<size_t> v) { return std::vector<size_t>(v.rbegin(), v.rend()); }

template <class T>
std::shared_ptr<nn::Sequential<T>> build_encoder(const AutoencoderSpec& s, size_t fixed) {
  std::vector<size_t> sizes{s.state_dim};
  sizes.insert(sizes.end(), s.hidden.begin(), s.hidden.end());
  sizes.push_back(s.latent_dim - fixed);
  return nn::make_mlp<T>(sizes, s.activation, s.seed * 2);
}

template <class T>
std::shared_ptr<nn::Sequential<T>> build_decoder(const AutoencoderSpec& s) {
  std::vector<size_t> sizes{s.latent_dim};
  for (size_t h : reversed(s.hidden)) sizes.push_back(h);
  sizes.push_back(s.state_dim);
  return nn::make_mlp<T>(sizes, s.activation, s.seed * 2 + 1);
}

// Column b of a host tensor as doubles (the fixed observables take double states).
template <class View>
const double* column(const View& xh, size_t b, std::vector<double>& scratch) {
  scratch.resize(xh.extent(0));
  for (size_t k = 0; k < xh.extent(0); ++k) scratch[k] = static_cast<double>(xh(k, b));
  return scratch.data();
}

}  // namespace

template <class T>
ClosureAutoencoderT<T>::ClosureAutoencoderT(const AutoencoderSpec& spec)
    : spec_(spec),
      observable_(make_fixed_observable(spec.system, spec.state_dim, spec.observable_parameters)),
      encoder_(spec.latent_dim > observable_->dim() ? build_encoder<T>(spec, observable_->dim()) : nullptr),
      decoder_(spec.latent_dim > observable_->dim() ? build_decoder<T>(spec) : nullptr),
      bundle_({{"encoder", encoder_}, {"decoder", decoder_}}),
      encoder_jacobian_(encoder_ ? encoder_ : std::make_shared<nn::Sequential<T>>()) {
  if (spec.latent_dim <= observable_->dim())
    fail("closure autoencoder: latent_dim = ", spec.latent_dim, " must exceed the ", observable_->dim(),
         " fixed observables of ", spec.system);
}

template <class T>
void ClosureAutoencoderT<T>::encode(const nn::Tensor<T>& x, nn::Tensor<T>& z) {
  const size_t B = x.extent(1), d = latent_dim(), ds = fixed_dim();
  encoder_->forward(x, h_, false);
  nn::ensure_shape(z, "closure_z", d, B);
  auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  auto hh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), h_);
  auto zh = Kokkos::create_mirror_view(z);
  std::vector<double> v(ds), xs;
  for (size_t b = 0; b < B; ++b) {
    observable_->value(column(xh, b, xs), v.data());
    for (size_t i = 0; i < ds; ++i) zh(i, b) = static_cast<T>(v[i]);
    for (size_t i = ds; i < d; ++i) zh(i, b) = hh(i - ds, b);
  }
  Kokkos::deep_copy(z, zh);
}

template <class T>
template <class U>
void ClosureAutoencoderT<T>::fill_fixed_rows(const TensorT& x, nn::Tensor<U>& F) {
  const size_t N = spec_.state_dim, ds = fixed_dim(), B = F.extent(1) / std::max<size_t>(ds, 1);
  auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
  auto Fh = Kokkos::create_mirror_view(F);
  std::vector<double> rows(ds * N), xs;
  for (size_t b = 0; b < B; ++b) {
    if (b == 0 || !observable_->constant_jacobian()) observable_->jacobian(column(xh, b, xs), rows.data());
    for (size_t i = 0; i < ds; ++i)
      for (size_t k = 0; k < N; ++k) Fh(k, i * B + b) = static_cast<U>(rows[i * N + k]);
  }
  Kokkos::deep_copy(F, Fh);
}

template <class T>
void ClosureAutoencoderT<T>::gram(const TensorT& x, std::vector<double>& M) {
  const size_t N = x.extent(0), B = x.extent(1), d = latent_dim(), ds = fixed_dim();
  M.clear();
  if (B == 0) return;
  if (encoder_jacobian_.structured()) {
    nn::ensure_shape(f_, "closure_F", N, observable_->constant_jacobian() ? ds : ds * B);
    fill_fixed_rows(x, f_);
    return encoder_jacobian_.gram(x, f_, ds, M);
  }
  jacobian(x, j_);
  M = nn::gram_matrices(j_, d);
}

template <class T>
void ClosureAutoencoderT<T>::condition_gram(const TensorT& x, std::vector<double>& M) {
  if (spec_.condition_rows != "learnt") return gram(x, M);
  const size_t N = x.extent(0), B = x.extent(1), K = condition_dim();
  M.clear();
  if (B == 0) return;
  if (encoder_jacobian_.structured()) {
    nn::ensure_shape(f_, "closure_F", N, 0);
    return encoder_jacobian_.gram(x, f_, 0, M);
  }
  jacobian(x, j_);
  M = nn::gram_matrices(jh_, K);
}

template <class T>
void ClosureAutoencoderT<T>::jacobian(const nn::Tensor<T>& x, nn::Tensor<T>& J, nn::Tensor<T>* z) {
  const size_t N = x.extent(0), B = x.extent(1), d = latent_dim(), ds = fixed_dim();
  nn::ensure_shape(J, "closure_J", N, d * B);
  TensorT fixed_rows = Kokkos::subview(J, Kokkos::ALL, std::make_pair(size_t(0), ds * B));
  fill_fixed_rows(x, fixed_rows);
  jh_ = Kokkos::subview(J, Kokkos::ALL, std::make_pair(ds * B, d * B));  // phi_hat's rows, written in place
  encoder_jacobian_.jacobian(x, jh_);
  if (z) encode(x, *z);
}

template <class T>
AutoencoderLossParts ClosureAutoencoderT<T>::batch_loss(const nn::Tensor<T>& x, double global_batch, double lambda_cond) {
  AutoencoderLossParts parts;
  const size_t N = x.extent(0), B = x.extent(1), d = latent_dim(), ds = fixed_dim();
  if (B == 0) return parts;
  if (N != spec_.state_dim) fail("closure autoencoder: states have ", N, " coordinates, the model ", spec_.state_dim);
  encoder_->forward(x, h_, true);
  nn::ensure_shape(z_, "closure_z", d, B);
  {
    auto xh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x);
    auto zh = Kokkos::create_mirror_view(z_);
    std::vector<double> v(ds), xs;
    for (size_t b = 0; b < B; ++b) {
      observable_->value(column(xh, b, xs), v.data());
      for (size_t i = 0; i < ds; ++i) zh(i, b) = static_cast<T>(v[i]);
    }
    Kokkos::deep_copy(Kokkos::subview(z_, std::make_pair(size_t(0), ds), Kokkos::ALL),
                      Kokkos::subview(zh, std::make_pair(size_t(0), ds), Kokkos::ALL));
    Kokkos::deep_copy(Kokkos::subview(z_, std::make_pair(ds, d), Kokkos::ALL), h_);
  }
  decoder_->forward(z_, xr_, true);
  parts.reconstruction = nn::mse_loss(xr_, x, grad_xr_, static_cast<double>(N) * global_batch);
  decoder_->backward(grad_xr_, grad_z_);
  nn::ensure_shape(grad_h_, "closure_grad_h", d - ds, B);
  Kokkos::deep_copy(grad_h_, Kokkos::subview(grad_z_, std::make_pair(ds, d), Kokkos::ALL));
  encoder_->backward_parameters(grad_h_);
  const bool learnt_only = spec_.condition_rows == "learnt";
  const size_t dc = condition_dim(), dsc = learnt_only ? 0 : ds;  // rows of J the condition term sees
  if (lambda_cond > 0 && encoder_jacobian_.structured()) {
    // Through the Gram matrices (encoder_jacobian.hpp): J itself is never formed.
    condition_gram(x, m_);  // also leaves the fixed rows (if any) in f_
    // count = global_batch / lambda makes S = lambda dL_cond/dM directly (the loss comes back scaled).
    const auto r = nn::condition_number_loss_gram(m_, dc, s_, global_batch / lambda_cond);
    parts.condition = r.loss / lambda_cond;
    encoder_jacobian_.gram_loss_backward(x, f_, dsc, s_);
  } else if (lambda_cond > 0) {
    jacobian(x, j_);
    // count = global_batch / lambda makes G = lambda dL_cond/dJ directly (the loss comes back scaled).
    const TensorT rows = learnt_only ? jh_ : j_;
    const auto r = nn::condition_number_loss(rows, dc, g_, global_batch / lambda_cond);
    parts.condition = r.loss / lambda_cond;
    // phi_hat's rows of G: contiguous (G holds only them when learnt_only)
    gh_ = Kokkos::subview(g_, Kokkos::ALL, std::make_pair(dsc * B, dc * B));
    encoder_jacobian_.loss_backward(x, gh_);
  }
  return parts;
}

template <class T>
void ClosureAutoencoderT<T>::save(io::H5File& file, const std::string& group) {
  file.create_group(group);
  file.set_attr(group, "system", spec_.system);
  file.set_attr(group, "state_dim", static_cast<int64_t>(spec_.state_dim));
  file.set_attr(group, "latent_dim", static_cast<int64_t>(spec_.latent_dim));
  file.set_attr(group, "fixed_dim", static_cast<int64_t>(fixed_dim()));
  file.set_attr(group, "fixed_observable", observable_->name());
  for (const auto& [name, value] : spec_.observable_parameters) file.set_attr(group, "observable_" + name, value);
  file.set_attr(group, "hidden", std::vector<double>(spec_.hidden.begin(), spec_.hidden.end()));
  file.set_attr(group, "activation", spec_.activation);
  file.set_attr(group, "condition_rows", spec_.condition_rows);
  file.set_attr(group, "seed", static_cast<int64_t>(spec_.seed));
  file.set_attr(group, "lj_positions", spec_.representation.lj_positions);
  file.set_attr(group, "position_scale", spec_.representation.position_scale);
  nn::save_model(file, group + "/encoder", *encoder_);
  nn::save_model(file, group + "/decoder", *decoder_);
  auto put = [&](const std::string& name, const std::vector<double>& v) {
    if (!v.empty()) file.write_replicated(group + "/normalization/" + name, {v.size()}, v.data());
  };
  put("z_mean", norm_.z_mean), put("z_std", norm_.z_std), put("dz_mean", norm_.dz_mean), put("dz_std", norm_.dz_std);
}

template <class T>
std::unique_ptr<ClosureAutoencoderT<T>> ClosureAutoencoderT<T>::load(const io::H5File& file, const std::string& group) {
  if (!file.exists(group + "/encoder")) fail(file.path(), ": no closure autoencoder under ", group);
  AutoencoderSpec s;
  s.system = file.attr_string(group, "system");
  s.state_dim = static_cast<size_t>(file.attr_int(group, "state_dim"));
  for (const auto& name : fixed_observable_parameter_names(s.system))
    s.observable_parameters[name] = file.attr_double(group, "observable_" + name);
  s.latent_dim = static_cast<size_t>(file.attr_int(group, "latent_dim"));
  s.hidden.clear();
  for (double h : file.attr_doubles(group, "hidden")) s.hidden.push_back(static_cast<size_t>(h));
  s.activation = file.attr_string(group, "activation");
  if (file.has_attr(group, "condition_rows")) s.condition_rows = file.attr_string(group, "condition_rows");
  s.seed = static_cast<uint64_t>(file.attr_int(group, "seed"));
  if (file.has_attr(group, "lj_positions")) {
    s.representation.lj_positions = file.attr_string(group, "lj_positions");
    s.representation.position_scale = file.attr_double(group, "position_scale");
  }
  auto ae = std::make_unique<ClosureAutoencoderT<T>>(s);
  nn::load_model(file, group + "/encoder", *ae->encoder_);
  nn::load_model(file, group + "/decoder", *ae->decoder_);
  auto get = [&](const std::string& name, std::vector<double>& v) {
    if (file.exists(group + "/normalization/" + name)) v = file.read_all<double>(group + "/normalization/" + name);
  };
  get("z_mean", ae->norm_.z_mean), get("z_std", ae->norm_.z_std);
  get("dz_mean", ae->norm_.dz_mean), get("dz_std", ae->norm_.dz_std);
  return ae;
}

template class ClosureAutoencoderT<float>;
template class ClosureAutoencoderT<double>;

}  // namespace macrodyn::closure
