#pragma once
// The closure autoencoder ("Learning macroscopic dynamics from partial microscopic observations", §4):
// encoder phi(x) = (phi*(x), phi_hat(x)) in R^d with phi* a fixed observable (fixed_observable.hpp)
// and phi_hat an MLP N -> hidden... -> d - d*; decoder psi an MLP d -> hidden (reversed) -> N.
//
//   L_AE = mse(psi(phi(x)), x) + lambda_cond (1/B) sum_b (kappa(J_b J_b^T) - 1)^2,  J_b = phi'(x_b) (d x N)
//
// condition_rows = "all": J_b is the whole encoder Jacobian (the paper's text, §4); "learnt": only
// phi_hat's rows (d - d* of them), as the authors' Lennard-Jones code does (there the temperature row,
// |dT/dv| ~ (T / N)^(1/2), is far shorter than any learnt row and would otherwise set kappa).
//
// batch_loss() ADDS the exact parameter gradient of both terms for a local batch x (N, B), with the
// means taken over `global_batch` samples (data-parallel: per-rank gradients sum to the global one).
// The condition term needs J only through the Gram matrices J_b J_b^T: they and the exact gradient of
// the loss on them come from phi*'s rows and phi_hat's upper Jacobian without forming J
// (encoder_jacobian.hpp; an encoder without a hidden layer forms J and uses nn::condition_number_loss).
//
// Tensors are float, (features, batch) column-major as in the neural core. After training the
// autoencoder is frozen; normalization() holds the latent statistics the latent models use
// (z_mean, z_std over the training states, dz_mean, dz_std of the latent velocity).
#include <memory>
#include <string>
#include <vector>

#include "io/h5file.hpp"
#include "learn/closure/closure_data.hpp"
#include "learn/closure/encoder_jacobian.hpp"
#include "learn/closure/fixed_observable.hpp"
#include "learn/closure/parameter_bundle.hpp"
#include "nn/sequential.hpp"

namespace macrodyn::closure {

using Tensor = nn::Tensor<float>;

struct AutoencoderSpec {
  std::string system = "predator_prey";
  size_t state_dim = 100;
  ObservableParameters observable_parameters;  // e.g. Allen-Cahn "eps" (saved as attribute observable_<name>)
  size_t latent_dim = 4;  // d, including the fixed observables
  std::vector<size_t> hidden{32, 32};
  std::string activation = "softplus";
  std::string condition_rows = "all";  // "all" | "learnt": the rows of J the condition term sees
  uint64_t seed = 1;
  // How the states this autoencoder was trained on were represented (LJ positions); every later stage
  // reads its data the same way. Saved as attributes lj_positions, position_scale (absent: absolute).
  StateRepresentation representation;
};

struct LatentNormalization {
  std::vector<double> z_mean, z_std, dz_mean, dz_std;  // d values each
};

struct AutoencoderLossParts {
  double reconstruction = 0;  // this rank's share of the global-batch mean
  double condition = 0;       // idem, (kappa - 1)^2 term without lambda_cond
};

template <class T>
class ClosureAutoencoderT {
  using TensorT = nn::Tensor<T>;

 public:
  explicit ClosureAutoencoderT(const AutoencoderSpec& spec);

  const AutoencoderSpec& spec() const { return spec_; }
  const FixedObservable& observable() const { return *observable_; }
  size_t latent_dim() const { return spec_.latent_dim; }
  size_t fixed_dim() const { return observable_->dim(); }
  nn::Sequential<T>& encoder_net() { return *encoder_; }
  nn::Sequential<T>& decoder_net() { return *decoder_; }
  ParameterBundle<T>& parameters() { return bundle_; }
  LatentNormalization& normalization() { return norm_; }
  const LatentNormalization& normalization() const { return norm_; }

  // z (d, B) = phi(x) for x (N, B).
  void encode(const TensorT& x, TensorT& z);
  // Full encoder Jacobian in nn/jacobian.hpp's layout: J (N, d*B), column i*B + b = row i of J_b.
  void jacobian(const TensorT& x, TensorT& J, TensorT* z = nullptr);
  // Gram matrices J_b J_b^T: B consecutive row-major d x d blocks (without forming J where it can).
  void gram(const TensorT& x, std::vector<double>& M);
  // Rows of J the condition term sees (spec().condition_rows): d, or d - d* (phi_hat's rows only).
  size_t condition_dim() const { return spec_.condition_rows == "learnt" ? latent_dim() - fixed_dim() : latent_dim(); }
  // Gram matrices of those rows: B consecutive row-major condition_dim() x condition_dim() blocks.
  void condition_gram(const TensorT& x, std::vector<double>& M);
  // Adds the gradient of L_AE (means over global_batch samples) and returns the two terms.
  AutoencoderLossParts batch_loss(const TensorT& x, double global_batch, double lambda_cond);

  // HDF5: attributes and datasets under `group` (encoder/decoder via nn::save_model).
  void save(io::H5File& file, const std::string& group);
  static std::unique_ptr<ClosureAutoencoderT> load(const io::H5File& file, const std::string& group);

 private:
  // The fixed observable's rows in J's layout: F (N, ds*B), column i*B + b = row i of J_b; F with ds
  // columns receives the rows of the batch's first sample (for a constant Jacobian).
  template <class U>
  void fill_fixed_rows(const TensorT& x, nn::Tensor<U>& F);

  AutoencoderSpec spec_;
  std::unique_ptr<FixedObservable> observable_;
  std::shared_ptr<nn::Sequential<T>> encoder_, decoder_;
  ParameterBundle<T> bundle_;
  EncoderJacobian<T> encoder_jacobian_;
  LatentNormalization norm_;
  TensorT h_, z_, xr_, grad_xr_, grad_z_, grad_h_, jh_, j_, g_, gh_;
  nn::Tensor<double> f_;        // fixed rows for the Gram path (no columns for condition_rows = "learnt")
  std::vector<double> m_, s_;  // Gram matrices and dL/dM
};

extern template class ClosureAutoencoderT<float>;
extern template class ClosureAutoencoderT<double>;
// The pipeline's networks run in float (as the reference); double is for gradient checks.
using ClosureAutoencoder = ClosureAutoencoderT<float>;

}  // namespace macrodyn::closure
