#pragma once
// Convolution layers Conv1d / Conv2d / Conv3d (one class, `dims` spatial dimensions).
//
// Shapes: x (Cin * S_in, B), y (Cout * S_out, B), features channel-major, last spatial dim fastest
// (conv_geometry.hpp). Parameters: weight W (Cout, Cin * kvol), column ci * kvol + window offset;
// bias b (Cout, 1); both U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = Cin * kvol (PyTorch default).
// Cross-correlation as in PyTorch: y[co, o] = b[co] + sum_{ci, w} W[co, ci, w] x[ci, o*s - p + w],
// zero or periodic padding.
// Scheme (im2col + GEMM): per sample, col (S_out, Cin*kvol) gathers the input windows, then
//   y_b viewed as the column-major (S_out, Cout) matrix = col W^T               (one GEMM)
//   backward: dW += dy_b^T col,  dcol = dy_b W,  dx_b = col2im(dcol) (the adjoint of im2col).
// im2col and col2im work on padded copies of the input channel planes (conv_columns.hpp): a
// contiguous copy / accumulation per output row without edge tests, deterministic sums without
// atomics. A pointwise conv (kernel 1, stride 1, no padding) has col = x_b: its GEMMs read x_b and
// write dx_b directly. Work goes one sample at a time so that its col, y_b and dy_b stay in cache:
// forward writes y_b = [col 1] [W b]^T in one GEMM (col_ ends with a column of ones; a pointwise
// conv copies x_b there when Cin + 1 < Cout, else fills y_b with b just before a GEMM that adds
// col W^T); backward rebuilds col_b from x_b (cheaper than keeping the batch's cols, which are
// kvol/stride^d times larger than x and miss the cache) and uses dy_b for dW, db and dx in turn.
// The layer is affine in x, so the dual form is the same maps applied to tangents:
//   ydot = conv(xdot) without bias; dx = conv^T dy; dxdot = conv^T dydot;
//   dW += grads of (dy, x) and (dydot, xdot), db += sum dy.
#include <array>
#include <cstdint>

#include "nn/conv_geometry.hpp"
#include "nn/layer.hpp"

namespace macrodyn::nn {

struct ConvOptions {
  int dims = 2;                        // 1, 2 or 3
  int in_channels = 1, out_channels = 1;
  std::array<int, 3> size = {1, 1, 1};     // input spatial size (first `dims` entries)
  std::array<int, 3> kernel = {3, 3, 3};
  std::array<int, 3> stride = {1, 1, 1};
  std::array<int, 3> padding = {0, 0, 0};
  bool periodic = false;               // periodic instead of zero padding
};

template <class T>
class Conv : public Layer<T> {
 public:
  Conv(const ConvOptions& options, uint64_t seed = 0, uint64_t stream = 0);

  std::string kind() const override { return "conv" + std::to_string(opt_.dims) + "d"; }
  size_t in_features() const override { return size_t(opt_.in_channels) * geo_.in_volume(); }
  size_t out_features() const override { return size_t(opt_.out_channels) * geo_.out_volume(); }
  const WindowGeometry& geometry() const { return geo_; }
  const ConvOptions& options() const { return opt_; }

  void forward(const Tensor<T>& x, Tensor<T>& y, bool training) override;
  void backward(const Tensor<T>& dy, Tensor<T>& dx) override;
  void backward_parameters(const Tensor<T>& dy) override;
  void forward_dual(const Tensor<T>& x, const Tensor<T>& xdot, Tensor<T>& y, Tensor<T>& ydot) override;
  void backward_dual(const Tensor<T>& dy, const Tensor<T>& dydot, Tensor<T>& dx, Tensor<T>& dxdot) override;

  std::vector<Parameter<T>> parameters() override { return {weight_, bias_}; }
  std::vector<double> hyper_parameters() const override;

 private:
  void apply(const Tensor<T>& x, Tensor<T>& y, bool with_bias);
  void fill_bias(Tensor<T>& y, size_t b0, size_t b1, bool with_bias);  // y_b = bias (or 0), b in [b0, b1)
  void weight_grad(const Tensor<T>& dy, const Tensor<T>& x);
  void weight_grad_sample(const Tensor<T>& dy, const Tensor<T>& x, size_t b);
  void bias_grad(const Tensor<T>& dy);
  // sums(c) += sum over samples [b0, b1) and outputs of dy(c, o, b); add_bias_sums: db += bias_sums_
  void bias_sums(const Tensor<T>& dy, size_t b0, size_t b1, Tensor<T>& sums);
  void add_bias_sums();
  void adjoint(const Tensor<T>& dy, Tensor<T>& dx);
  void adjoint_sample(const Tensor<T>& dy, Tensor<T>& dx, size_t b);
  // col of sample b of x into col_ (returned).
  Kokkos::View<T**, Kokkos::LayoutLeft, MemSpace> build_col(const Tensor<T>& x, size_t b);
  // Multi-threaded host spaces: each thread takes a block of samples (conv_sample_blocks.cpp,
  // nn/sample_blocks.hpp).
  void apply_blocks(const Tensor<T>& x, Tensor<T>& y, int blocks);
  void weight_grad_blocks(const Tensor<T>& dy, const Tensor<T>& x, int blocks);
  void adjoint_blocks(const Tensor<T>& dy, Tensor<T>& dx, int blocks);

  ConvOptions opt_;
  WindowGeometry geo_;
  Parameter<T> weight_, bias_;
  Tensor<T> col_, dcol_;  // (S_out, Cin * kvol) per-sample scratch
  Tensor<T> pad_;         // (Cin * padded volume, 1): padded input planes / col2im accumulators
  Tensor<T> bias_sums_;   // (Cout, 1)
  Tensor<T> block_col_, block_dcol_, block_wgrad_;  // per sample block: (S_out, Cin*kvol*P), (Cout*Cin*kvol, P)
  Tensor<T> block_pad_;                             // (Cin * padded volume, P)
  Tensor<T> x_, xdot_;
  // Kernel 1, stride 1, no padding: col of a sample is the sample itself (no im2col/col2im).
  bool pointwise_ = false;
  bool bias_column_ = false;  // col_ has a column of ones; forward uses weight_bias_ = [W | b]
  Tensor<T> weight_bias_;     // (Cout, Cin * kvol + 1)
  size_t col_width() const { return size_t(opt_.in_channels) * geo_.window_volume(); }
};

// Builds ConvOptions for `dims` dimensions from per-dimension vectors (a single value applies to
// every dimension).
ConvOptions conv_options(int dims, int in_channels, int out_channels, const std::vector<int>& size,
                         const std::vector<int>& kernel, const std::vector<int>& stride = {1},
                         const std::vector<int>& padding = {0}, bool periodic = false);

}  // namespace macrodyn::nn
