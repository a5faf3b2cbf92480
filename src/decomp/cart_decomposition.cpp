#include "decomp/cart_decomposition.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace macrodyn {

template <int D>
long CartDecomposition<D>::block_lo(long n, int parts, int index) {
  return index * (n / parts) + std::min<long>(index, n % parts);
}

template <int D>
CartDecomposition<D>::CartDecomposition(MPI_Comm comm, std::array<long, D> global_cells,
                                        std::array<bool, D> periodic, std::array<int, D> process_dims)
    : global_(global_cells), periodic_(periodic), dims_(process_dims) {
  int nranks = 1;
  MPI_Comm_size(comm, &nranks);
  // MPI orders process dims in decreasing size; we want the largest split on the longest axis.
  // With an explicit request, MPI_Dims_create only fills the zeros.
  if (MPI_Dims_create(nranks, D, dims_.data()) != MPI_SUCCESS)
    fail("cannot arrange ", nranks, " ranks into a ", D, "-D process grid with the requested process_dims");
  bool all_free = std::all_of(process_dims.begin(), process_dims.end(), [](int v) { return v == 0; });
  if (all_free) {
    // Give the most processes to the axis with the most cells (stable for ties).
    std::array<int, D> order{};
    for (int d = 0; d < D; ++d) order[d] = d;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return global_[a] > global_[b]; });
    std::array<int, D> sorted = dims_;
    std::sort(sorted.begin(), sorted.end(), [](int a, int b) { return a > b; });
    for (int i = 0; i < D; ++i) dims_[order[i]] = sorted[i];
  }
  for (int d = 0; d < D; ++d) {
    if (global_[d] < dims_[d])
      fail("decomposition: axis ", d, " has ", global_[d], " cells, fewer than its ", dims_[d], " process blocks");
  }
  // MPI_Cart_create orders ranks with the LAST dimension fastest; pass the axes reversed so that x
  // (axis 0) varies fastest with rank, as in the row-major (z, y, x) storage of our fields.
  std::array<int, D> rev_dims{}, rev_periods{}, rev_coords{};
  for (int d = 0; d < D; ++d) {
    rev_dims[d] = dims_[D - 1 - d];
    rev_periods[d] = periodic_[D - 1 - d] ? 1 : 0;
  }
  MPI_Cart_create(comm, D, rev_dims.data(), rev_periods.data(), 0, &cart_);
  MPI_Comm_rank(cart_, &rank_);
  MPI_Comm_size(cart_, &size_);
  MPI_Cart_coords(cart_, rank_, D, rev_coords.data());
  for (int d = 0; d < D; ++d) {
    coords_[d] = rev_coords[D - 1 - d];
    MPI_Cart_shift(cart_, D - 1 - d, 1, &lower_[d], &upper_[d]);
    lo_[d] = block_lo(global_[d], dims_[d], coords_[d]);
    hi_[d] = block_lo(global_[d], dims_[d], coords_[d] + 1);
  }
}

template <int D>
CartDecomposition<D>::~CartDecomposition() {
  if (cart_ != MPI_COMM_NULL) MPI_Comm_free(&cart_);
}

template class CartDecomposition<1>;
template class CartDecomposition<2>;
template class CartDecomposition<3>;

}  // namespace macrodyn
