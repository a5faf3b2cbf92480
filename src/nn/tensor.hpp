#pragma once
// Tensors of the neural core.
//
// A batch of activations is a column-major matrix Tensor<T> of shape (features, batch): column b is
// sample b, its features contiguous (a conv layer's features are C x H x W flattened, W fastest).
// LayoutLeft makes Dense layers plain BLAS GEMMs (Kokkos Kernels sends LayoutLeft GEMMs to the system
// BLAS; a LayoutRight GEMM compiles a slower generic kernel).
// Parameters are Tensors too (a bias is (n, 1)).
#include <Kokkos_Core.hpp>

namespace macrodyn::nn {

using ExecSpace = Kokkos::DefaultExecutionSpace;
using MemSpace = ExecSpace::memory_space;

template <class T>
using Tensor = Kokkos::View<T**, Kokkos::LayoutLeft, MemSpace>;

// A trainable parameter: its value and the gradient accumulated by backward passes.
template <class T>
struct Parameter {
  std::string name;  // unique within its layer ("weight", "bias", ...)
  Tensor<T> value;
  Tensor<T> grad;
};

template <class T>
Tensor<T> make_tensor(const std::string& label, size_t features, size_t batch) {
  return Tensor<T>(label, features, batch);
}

// Resizes `t` to (features, batch) only when its shape differs (layers reuse their buffers).
template <class T>
void ensure_shape(Tensor<T>& t, const std::string& label, size_t features, size_t batch) {
  if (t.extent(0) != features || t.extent(1) != batch)
    t = Tensor<T>(Kokkos::view_alloc(Kokkos::WithoutInitializing, label), features, batch);
}

}  // namespace macrodyn::nn
