#pragma once
// An encoder for Lennard-Jones microstates whose size does not grow with the atom count (the closure method of
// "Learning macroscopic dynamics from partial microscopic observations" beyond its largest system).
//
// Microstate x = (r'_1..r'_N, v_1..v_N) (positions as scaled displacement, closure_data.hpp), N atoms. Each
// atom's descriptor is its own state u_a = (r'_a, v_a) in R^6; a per-atom MLP h: R^6 -> R^K gives features
// that are averaged over the atoms (mean pooling: invariant to atom order, independent of N):
//
//   z = (T(x), z_hat(x)),  z_hat = (1/N) sum_a h(u_a),  T = 2/(3(N-1)) sum_a |v_a|^2 / 2,   d = 1 + K.
//
// Jacobian J = dz/dx (d x 6N) is block-sparse: atom a's 6 columns are
//   row 0 (T):      (0, 0, 0, c_T v_a),  c_T = 2/(3(N-1));     rows 1..K:  (1/N) dh/du (u_a)   (K x 6).
// It is O(N d), computed per atom by one forward-mode dual pass with the 6 unit tangents, and lives with the
// atoms: each rank owns a contiguous slice of atoms and only ever touches that slice. Sums over atoms (z_hat,
// the Gram matrix J J^T = sum_a J_a J_a^T, J f) are per-rank partial sums reduced with one MPI_Allreduce;
// tests check the Gram matrix against linalg::JacobianPseudoInverse (PETSc) with the same columns
// distributed over 1, 2 and 4 ranks. Work is done in chunks of at most `chunk_atoms` atoms (several
// configurations per chunk when they are small), so the working set is O(chunk d), not O(N d).
//
// All calls are collective over `comm`: every rank passes the same configurations (its own atoms of them).
#include <mpi.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "nn/sequential.hpp"

namespace macrodyn::closure {

// This rank's atoms [first, first + count) of one configuration: r (3 count) scaled displacements and
// v (3 count) velocities, atom-major (x, y, z per atom), as float (the layout of ClosureData's blocks).
struct LocalConfiguration {
  const float* r = nullptr;
  const float* v = nullptr;
};

struct AtomSlice {
  size_t atoms = 0;  // N, all ranks
  size_t first = 0, count = 0;
  static AtomSlice of_rank(size_t atoms, int rank, int ranks);  // contiguous, ranks in order
};

// Per configuration: z (d), Gram matrix (d x d row-major), sums the autoencoder's targets need.
struct PooledStatistics {
  size_t d = 0, configs = 0;
  std::vector<double> z, gram;
};

template <class T>
class PooledEncoderT {
 public:
  PooledEncoderT(std::shared_ptr<nn::Sequential<T>> atom_net, MPI_Comm comm, AtomSlice slice, size_t chunk_atoms = 8192);

  size_t latent_dim() const { return 1 + features(); }
  size_t features() const { return net_->out_features(); }
  const AtomSlice& slice() const { return slice_; }
  nn::Sequential<T>& atom_net() { return *net_; }

  // z (and the Gram matrices when with_gram) of every configuration, replicated.
  PooledStatistics statistics(const std::vector<LocalConfiguration>& configs, bool with_gram);

  // ADDS to the parameter gradients d/dtheta of  sum_b [ dz_hat_b . z_hat_b + <S_b, J_b J_b^T> ]  (S_b
  // symmetric d x d, dz_hat_b K values; both row-major per configuration), i.e. the gradient of any loss
  // whose derivatives w.r.t. z_hat and the Gram matrix are these (the parameters' share on this rank's atoms;
  // the sum over ranks is the full gradient).
  void backward(const std::vector<LocalConfiguration>& configs, const std::vector<double>& dz_hat,
                const std::vector<double>& dgram);

  // Columns of J for the coordinates of the listed atoms (global ids; each atom gives 6 columns: r'_x,y,z then
  // v_x,y,z): rows (d x 6m, row-major), replicated (each rank fills the atoms it owns, then one allreduce).
  std::vector<double> jacobian_columns(const LocalConfiguration& config, const std::vector<int64_t>& atoms);

  // J f summed over all atoms, f_a = (dr'_a/dt, dv_a/dt) given per local atom (6 count values, atom-major:
  // 3 position rows then 3 velocity rows) for each configuration: (configs x d), replicated.
  std::vector<double> jacobian_times(const std::vector<LocalConfiguration>& configs,
                                     const std::vector<const double*>& local_forces);

  // This rank's columns of J of one configuration, atom-major (atom a: 6 columns), row-major d x 6 count
  // (tests and small systems: the dense reference).
  std::vector<double> local_jacobian(const LocalConfiguration& config);

  // Bytes of J for one configuration on this rank if it were held (d x 6 count values of T), and of the
  // working set of one chunk (descriptors, tangents, dual activations).
  size_t local_jacobian_bytes() const { return latent_dim() * 6 * slice_.count * sizeof(T); }
  size_t chunk_bytes() const;

 private:
  struct Segment {
    size_t config, atom0, atom1, col0;  // local atoms [atom0, atom1) of configs[config] at chunk column col0
  };
  // Visits the local atoms of `configs` in chunks: fills x_ and runs the dual pass, then calls f(segments, C).
  template <class F>
  void for_each_chunk(const std::vector<LocalConfiguration>& configs, bool dual, F&& f);
  void load_chunk(const std::vector<LocalConfiguration>& configs, const std::vector<Segment>& segs, size_t C, bool dual);

  std::shared_ptr<nn::Sequential<T>> net_;
  MPI_Comm comm_;
  AtomSlice slice_;
  size_t chunk_;
  nn::Tensor<T> x_, xdot_, y_, ydot_, gk_, dy_, dydot_, dx_, dxdot_, s_;
};

extern template class PooledEncoderT<float>;
extern template class PooledEncoderT<double>;

}  // namespace macrodyn::closure
