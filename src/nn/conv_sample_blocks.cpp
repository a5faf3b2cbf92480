// Convolution on multi-threaded host spaces (Kokkos OpenMP): one block of samples per thread.
//
// The per-sample path (conv.cpp) runs im2col, a GEMM and col2im for one sample after the other, each
// a small parallel kernel; with several host threads the fork/join of those many small kernels costs
// more than their work. Here each thread takes a contiguous block of samples and does all of a
// sample's work itself (im2col and col2im as plain loops, the GEMMs with the single-threaded system
// BLAS), so a layer's pass is one parallel region. Weight gradients go into one partial sum per block,
// added in block order afterwards (deterministic for a given thread count). Device spaces and
// one-thread hosts never come here.
#include "nn/conv.hpp"
#include "nn/conv_columns.hpp"
#include "nn/gemm.hpp"
#include "nn/sample_blocks.hpp"

namespace macrodyn::nn {

template <class T>
void Conv<T>::apply_blocks(const Tensor<T>& x, Tensor<T>& y, int blocks) {
  const size_t B = x.extent(1), ovol = geo_.out_volume(), ck = col_width();
  const int cout = opt_.out_channels;
  const bool pointwise = pointwise_;
  if (!pointwise) ensure_shape(block_col_, "conv_block_col", ovol, ck * blocks);
  T* const cols = block_col_.data();
  const size_t ldcol = block_col_.stride(1);
  const WindowGeometry g = geo_;
  const int cin = opt_.in_channels;
  ensure_shape(block_pad_, "conv_block_pad", size_t(cin) * plane_volume(g), blocks);
  T* const pads = block_pad_.data();
  const size_t pad_stride = block_pad_.stride(1);
  const T* const xd = x.data();
  T* const yd = y.data();
  const T* const w = weight_.value.data();
  const int ldw = static_cast<int>(weight_.value.stride(1));
  const size_t xs = x.stride(1), ys = y.stride(1);
  for_each_sample_block("Conv::apply_blocks", blocks, [=](const int p) {
        const auto [b0, b1] = block_range(B, p, blocks);
        for (size_t b = b0; b < b1; ++b) {
          const T* col = xd + b * xs;  // pointwise: col = x_b
          size_t ld = ovol;
          if (!pointwise) {
            T* const c = cols + size_t(p) * ck * ldcol;
            im2col_sample(g, cin, xd + b * xs, pads + size_t(p) * pad_stride, c, ldcol);
            col = c;
            ld = ldcol;
          }
          // y_b (ovol x cout) += col (ovol x ck) W^T (ck x cout)
          gemm_detail::blas('N', 'T', int(ovol), cout, int(ck), T(1), col, int(ld), w, ldw, T(1), yd + b * ys,
                            int(ovol));
        }
      });
}

template <class T>
void Conv<T>::weight_grad_blocks(const Tensor<T>& dy, const Tensor<T>& x, int blocks) {
  const size_t B = dy.extent(1), ovol = geo_.out_volume(), ck = col_width();
  const int cout = opt_.out_channels;
  const bool pointwise = pointwise_;
  if (!pointwise) ensure_shape(block_col_, "conv_block_col", ovol, ck * blocks);
  ensure_shape(block_wgrad_, "conv_block_wgrad", size_t(cout) * ck, blocks);
  T* const cols = block_col_.data();
  const size_t ldcol = block_col_.stride(1);
  T* const parts = block_wgrad_.data();
  const size_t part_stride = block_wgrad_.stride(1);
  const WindowGeometry g = geo_;
  const int cin = opt_.in_channels;
  ensure_shape(block_pad_, "conv_block_pad", size_t(cin) * plane_volume(g), blocks);
  T* const pads = block_pad_.data();
  const size_t pad_stride = block_pad_.stride(1);
  const T* const xd = x.data();
  const T* const dyd = dy.data();
  const size_t xs = x.stride(1), dys = dy.stride(1);
  for_each_sample_block("Conv::weight_grad_blocks", blocks, [=](const int p) {
        const auto [b0, b1] = block_range(B, p, blocks);
        T* const part = parts + size_t(p) * part_stride;
        for (size_t b = b0; b < b1; ++b) {
          const T* col = xd + b * xs;  // pointwise: col = x_b
          size_t ld = ovol;
          if (!pointwise) {
            T* const c = cols + size_t(p) * ck * ldcol;
            im2col_sample(g, cin, xd + b * xs, pads + size_t(p) * pad_stride, c, ldcol);
            col = c;
            ld = ldcol;
          }
          // part (cout x ck) (+)= dy_b^T (cout x ovol) col (ovol x ck)
          gemm_detail::blas('T', 'N', cout, int(ck), int(ovol), T(1), dyd + b * dys, int(ovol), col, int(ld),
                            b == b0 ? T(0) : T(1), part, cout);
        }
      });
  // grad += the block sums, in block order
  const auto grad = weight_.grad;
  const auto wpart = block_wgrad_;
  Kokkos::parallel_for(
      "Conv::weight_grad_sum", Kokkos::RangePolicy<ExecSpace>(0, size_t(cout) * ck), KOKKOS_LAMBDA(const size_t e) {
        T s = 0;
        for (int p = 0; p < blocks; ++p) s += wpart(e, p);
        grad(e % cout, e / cout) += s;
      });
  Kokkos::fence();
}

template <class T>
void Conv<T>::adjoint_blocks(const Tensor<T>& dy, Tensor<T>& dx, int blocks) {
  const size_t B = dy.extent(1), ovol = geo_.out_volume(), ck = col_width();
  const int cout = opt_.out_channels;
  const bool pointwise = pointwise_;
  if (!pointwise) ensure_shape(block_dcol_, "conv_block_dcol", ovol, ck * blocks);
  T* const dcols = block_dcol_.data();
  const size_t ld = block_dcol_.stride(1);
  const WindowGeometry g = geo_;
  const int cin = opt_.in_channels;
  ensure_shape(block_pad_, "conv_block_pad", size_t(cin) * plane_volume(g), blocks);
  T* const pads = block_pad_.data();
  const size_t pad_stride = block_pad_.stride(1);
  const T* const w = weight_.value.data();
  const int ldw = static_cast<int>(weight_.value.stride(1));
  const T* const dyd = dy.data();
  T* const dxd = dx.data();
  const size_t dys = dy.stride(1), dxs = dx.stride(1);
  for_each_sample_block("Conv::adjoint_blocks", blocks, [=](const int p) {
        const auto [b0, b1] = block_range(B, p, blocks);
        T* const dcol = dcols + size_t(p) * ck * ld;
        for (size_t b = b0; b < b1; ++b) {
          T* const dxb = dxd + b * dxs;
          if (pointwise) {  // dx_b (ovol x ck) = dy_b (ovol x cout) W (cout x ck)
            gemm_detail::blas('N', 'N', int(ovol), int(ck), cout, T(1), dyd + b * dys, int(ovol), w, ldw, T(0), dxb,
                              int(ovol));
            continue;
          }
          // dcol (ovol x ck) = dy_b (ovol x cout) W (cout x ck)
          gemm_detail::blas('N', 'N', int(ovol), int(ck), cout, T(1), dyd + b * dys, int(ovol), w, ldw, T(0), dcol,
                            int(ld));
          col2im_sample(g, cin, dcol, ld, pads + size_t(p) * pad_stride, dxb);
        }
      });
}

#define MACRODYN_CONV_BLOCKS(T)                                                                       \
  template void Conv<T>::apply_blocks(const Tensor<T>&, Tensor<T>&, int);                           \
  template void Conv<T>::weight_grad_blocks(const Tensor<T>&, const Tensor<T>&, int);               \
  template void Conv<T>::adjoint_blocks(const Tensor<T>&, Tensor<T>&, int);
MACRODYN_CONV_BLOCKS(float)
MACRODYN_CONV_BLOCKS(double)
#undef MACRODYN_CONV_BLOCKS

}  // namespace macrodyn::nn
