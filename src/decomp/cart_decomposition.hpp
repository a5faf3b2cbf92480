#pragma once
// Cartesian domain decomposition of a global grid of cells over a D-dimensional MPI process grid.
//
// Dimension d of the decomposition is axis d of the problem (0 = x, 1 = y, 2 = z). Cells of axis d
// are split into contiguous blocks: rank coordinate c owns [lo, hi) with
//   lo = c * (n / P) + min(c, n % P)
// so blocks differ by at most one cell. Particle codes use the same process grid with a
// continuous box (owned_box()).
#include <mpi.h>

#include <array>

namespace macrodyn {

template <int D>
class CartDecomposition {
 public:
  // `process_dims` entries that are 0 are chosen by MPI_Dims_create.
  CartDecomposition(MPI_Comm comm, std::array<long, D> global_cells, std::array<bool, D> periodic,
                    std::array<int, D> process_dims = {});
  ~CartDecomposition();
  CartDecomposition(const CartDecomposition&) = delete;
  CartDecomposition& operator=(const CartDecomposition&) = delete;

  MPI_Comm comm() const { return cart_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  const std::array<int, D>& process_dims() const { return dims_; }
  const std::array<int, D>& coords() const { return coords_; }
  const std::array<long, D>& global_cells() const { return global_; }
  bool periodic(int d) const { return periodic_[d]; }

  long lo(int d) const { return lo_[d]; }    // first owned global cell along d
  long hi(int d) const { return hi_[d]; }    // one past the last owned cell
  long local_cells(int d) const { return hi_[d] - lo_[d]; }
  // Neighbour rank in direction dir = -1 or +1 along d; MPI_PROC_NULL at a non-periodic edge.
  int neighbor(int d, int dir) const { return dir < 0 ? lower_[d] : upper_[d]; }
  bool at_lower_edge(int d) const { return coords_[d] == 0; }
  bool at_upper_edge(int d) const { return coords_[d] == dims_[d] - 1; }

  // Owned interval [lo, hi) of a box [0, length) along d (same split as the cells).
  double box_lo(int d, double length) const { return length * lo_[d] / global_[d]; }
  double box_hi(int d, double length) const { return length * hi_[d] / global_[d]; }

  static long block_lo(long n, int parts, int index);

 private:
  MPI_Comm cart_ = MPI_COMM_NULL;
  int rank_ = 0, size_ = 1;
  std::array<long, D> global_{};
  std::array<bool, D> periodic_{};
  std::array<int, D> dims_{}, coords_{}, lower_{}, upper_{};
  std::array<long, D> lo_{}, hi_{};
};

extern template class CartDecomposition<1>;
extern template class CartDecomposition<2>;
extern template class CartDecomposition<3>;

}  // namespace macrodyn
