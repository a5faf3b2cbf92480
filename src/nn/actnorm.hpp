#pragma once
// ActNorm (Glow, Kingma & Dhariwal 2018): per-feature affine map with data-dependent initialisation.
//
//   y = exp(log_s_j) (x + bias_j),   log|det J| = sum_j log_s_j,   x = y exp(-log_s) - bias
// The first training forward sets bias = -mean, log_s = -log(sqrt(var + 1e-6)) from that batch (the
// global batch when set_comm() gave a communicator), so the first outputs have zero mean and unit
// variance; afterwards both are ordinary parameters. The buffer "initialized" (0/1) is saved with
// the model so a loaded model does not re-initialise.
// Backward: dx = exp(log_s) dy, dbias += sum_b exp(log_s) dy, dlog_s += sum_b dy y + sum_b dc_b.
#include <mpi.h>

#include "nn/invertible.hpp"

namespace macrodyn::nn {

template <class T>
class ActNorm : public InvertibleLayer<T> {
 public:
  explicit ActNorm(size_t d);

  std::string kind() const override { return "actnorm"; }
  size_t in_features() const override { return d_; }
  size_t out_features() const override { return d_; }

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward_flow(const Tensor<T>& dy, const Tensor<T>& dlog_det, Tensor<T>& dx) override;
  void inverse(const Tensor<T>& y, Tensor<T>& x) override;
  const Tensor<T>& log_det() const override { return log_det_; }

  std::vector<Parameter<T>> parameters() override { return {log_s_, bias_}; }
  std::vector<Parameter<T>> buffers() override { return {{"initialized", initialized_, Tensor<T>()}}; }
  std::vector<double> hyper_parameters() const override { return {double(d_)}; }

  void set_comm(MPI_Comm comm) { comm_ = comm; }
  bool initialized() const;

 private:
  void initialize(const Tensor<T>& x);

  size_t d_;
  MPI_Comm comm_ = MPI_COMM_NULL;
  Parameter<T> log_s_, bias_;
  Tensor<T> initialized_, y_, log_det_;
};

extern template class ActNorm<double>;
extern template class ActNorm<float>;

}  // namespace macrodyn::nn
