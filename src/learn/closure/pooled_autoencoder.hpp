#pragma once
// The closure autoencoder with the pooled encoder (pooled_encoder.hpp): a model whose size does not grow with
// the atom count, for Lennard-Jones systems of 10^4 - 10^6 atoms.
//
// Encoder: z = (T, (1/N) sum_a h(r'_a, v_a)), d = 1 + K. Decoder psi: an MLP d -> hidden -> M.
// What the decoder reconstructs: a latent of d numbers that does not depend on atom order cannot give back
// the 6N coordinates (any permutation of the atoms has the same z), so L_AE reconstructs what an
// order-invariant latent can hold - the single-atom statistics of the microstate, the M = 10 moments
//   y(x) = (1/N) sum_a q(r'_a, v_a),  q = (r_x^2, r_y^2, r_z^2, v_x^2, v_y^2, v_z^2, r.v, |r|^4, |v|^4, |r|^2 |v|^2)
// (r = r'_a the scaled displacement), standardised with their mean and standard deviation over the
// training data. These carry the temperature per direction, the mean squared displacement, their
// correlation and the kurtosis of both distributions; the latent must keep them to reconstruct them.
//   L_AE = mse(psi((z - m) / s), y_std(x))   (m, s: fixed decoder input scaling, set_decoder_input_scaling)
// + lambda_cond mean_b (kappa(J_b J_b^T) - 1)^2
// with the exact gradient of both terms: d L/d z_hat and dL/dG (G = J J^T, the Gram matrix reduced over ranks)
// are formed on every rank, and the per-atom network's gradient is the pooled encoder's backward() on this
// rank's atoms (summed over ranks by the trainer); the decoder runs replicated and only rank 0 keeps its
// gradient, so the summed gradient is the 1-rank one.
#include <mpi.h>

#include <memory>
#include <string>
#include <vector>

#include "io/h5file.hpp"
#include "learn/closure/closure_autoencoder.hpp"
#include "learn/closure/pooled_encoder.hpp"

namespace macrodyn::closure {

struct PooledAutoencoderSpec {
  size_t atoms = 0;
  size_t latent_dim = 32;  // d = 1 (T) + K pooled features
  std::vector<size_t> hidden{64, 64};
  std::string activation = "softplus";
  uint64_t seed = 1;
  size_t chunk_atoms = 8192;
  StateRepresentation representation;
};

template <class T>
class PooledAutoencoderT {
 public:
  static constexpr size_t kMoments = 10;

  PooledAutoencoderT(const PooledAutoencoderSpec& spec, MPI_Comm comm);

  const PooledAutoencoderSpec& spec() const { return spec_; }
  size_t latent_dim() const { return spec_.latent_dim; }
  size_t fixed_dim() const { return 1; }
  PooledEncoderT<T>& encoder() { return encoder_; }
  nn::Sequential<T>& decoder_net() { return *decoder_; }
  ParameterBundle<T>& parameters() { return bundle_; }
  LatentNormalization& normalization() { return norm_; }
  const LatentNormalization& normalization() const { return norm_; }
  size_t parameter_bytes();

  // Raw moments y(x) of each configuration (configs x M, replicated). Collective.
  std::vector<double> moments(const std::vector<LocalConfiguration>& configs);
  // Standardisation of the moments (set from the training data before training; saved with the model).
  void set_moment_scaling(const std::vector<double>& mean, const std::vector<double>& sd);
  // The decoder reads (z - mean) / sd (d values each; default 0 and 1). The pooled features of different
  // configurations differ by little compared with their size (they are means over many atoms), so training sets
  // this once from the initial encoder over the training data; it is a fixed affine map before the decoder.
  void set_decoder_input_scaling(const std::vector<double>& mean, const std::vector<double>& sd);

  // Adds the gradient of L_AE (means over global_batch configurations) for the configurations given (the
  // same on every rank, each rank its atoms) and returns both terms (the full values, on every rank).
  AutoencoderLossParts batch_loss(const std::vector<LocalConfiguration>& configs, double global_batch,
                                  double lambda_cond);

  void save(io::H5File& file, const std::string& group);
  static std::unique_ptr<PooledAutoencoderT> load(const io::H5File& file, const std::string& group, MPI_Comm comm);
  // True when `group` of the file holds a pooled autoencoder.
  static bool stored_in(const io::H5File& file, const std::string& group);

 private:
  PooledAutoencoderSpec spec_;
  MPI_Comm comm_;
  std::shared_ptr<nn::Sequential<T>> atom_net_, decoder_;
  ParameterBundle<T> bundle_;
  PooledEncoderT<T> encoder_;
  LatentNormalization norm_;
  std::vector<double> moment_mean_, moment_sd_, input_mean_, input_sd_;
  nn::Tensor<T> z_, y_, yr_, grad_yr_, grad_z_;
};

extern template class PooledAutoencoderT<float>;
extern template class PooledAutoencoderT<double>;
using PooledAutoencoder = PooledAutoencoderT<float>;

}  // namespace macrodyn::closure
