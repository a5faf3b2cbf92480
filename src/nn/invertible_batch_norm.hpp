#pragma once
// Invertible batch normalisation (Dinh, Sohl-Dickstein, Bengio 2016, sec. 3.7), per feature j:
//
//   xhat = (x - mu_j) / sigma_j,  sigma_j = sqrt(var_j + eps),   y = exp(log_gamma_j) xhat + beta_j
//   log|det J| = sum_j (log_gamma_j - log sigma_j)   (the same for every sample of the batch)
// training = true: mu, var are the (biased) statistics of the batch; running_mean/var are updated
//   r <- (1 - momentum) r + momentum * batch value. The batch is the GLOBAL minibatch when a
//   communicator is set (set_comm): sums are MPI_Allreduce'd, so data-parallel training gives the
//   same result for any rank count (synchronised batch norm).
// training = false (and inverse()): mu, var = running statistics; the layer is then an affine map.
// Backward (training), with dxhat = gamma dy, sums over the global batch of N samples, W = sum_b dc_b:
//   dx = (dxhat - mean(dxhat) - xhat mean(dxhat xhat)) / sigma - W xhat / (N sigma)
//   dbeta += sum_b dy,  dlog_gamma += sum_b dy gamma xhat + sum_b dc_b   (local sums; the trainer
//   sums parameter gradients over ranks)
// Decision: the scale is exp(log_gamma) (always invertible); running variance uses the biased
// estimate, so train and eval agree on a converged batch.
#include <mpi.h>

#include "nn/invertible.hpp"

namespace macrodyn::nn {

template <class T>
class InvertibleBatchNorm : public InvertibleLayer<T> {
 public:
  explicit InvertibleBatchNorm(size_t d, double momentum = 0.1, double eps = 1e-5);

  std::string kind() const override { return "invertible_batch_norm"; }
  size_t in_features() const override { return d_; }
  size_t out_features() const override { return d_; }

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) override;
  void inverse(const Tensor<T>& y, Tensor<T>& x) override;
  const Tensor<T>& log_det() const override { return log_det_; }

  std::vector<Parameter<T>> parameters() override { return {log_gamma_, beta_}; }
  std::vector<Parameter<T>> buffers() override;
  std::vector<double> hyper_parameters() const override { return {double(d_), momentum_, eps_}; }

  // Batch statistics over this communicator (MPI_COMM_NULL: the local batch only).
  void set_comm(MPI_Comm comm) { comm_ = comm; }

 private:
  void allreduce(std::vector<double>& v) const;

  size_t d_;
  double momentum_, eps_;
  MPI_Comm comm_ = MPI_COMM_NULL;
  Parameter<T> log_gamma_, beta_;
  Tensor<T> running_mean_, running_var_;
  Tensor<T> xhat_, sigma_, log_det_, sums_;
  bool trained_batch_ = false;  // the cached forward used batch statistics
  double n_global_ = 0;
};

extern template class InvertibleBatchNorm<double>;
extern template class InvertibleBatchNorm<float>;

}  // namespace macrodyn::nn
