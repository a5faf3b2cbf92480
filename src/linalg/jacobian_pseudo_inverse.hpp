#pragma once
// Moore-Penrose pseudo-inverse and conditioning of a wide Jacobian J = dphi/dx (d x N, d << N) whose
// N columns are distributed over the ranks like the microscopic state ([Partial observations] §3-4):
//
//   Gram matrix        G = J J^T                       (d x d, symmetric positive definite)
//   condition number   kappa(G) = lambda_max / lambda_min            (the encoder's L_cond term)
//   pseudo-inverse     J^+ g = J^T G^{-1} g            (minimum-norm solution of J y = g; L_x, L_x,p)
//
// PETSc holds J^T as a dense (N x d) matrix with rows distributed (PETSc distributes rows, and the
// rows of J^T are our distributed columns). G comes from MatTransposeMatMult, is replicated on every
// rank (d is small), factored with LAPACK (Cholesky for solves, syev for the spectrum), and J^T w is
// a MatMult. Squaring the condition number costs accuracy only beyond kappa(J)~1e6 (measured: 1e-15 relative error of the spectrum up to kappa(G) = 1e6);
// the closure loss keeps kappa(G) near 1.
#include <mpi.h>
#include <petscmat.h>

#include <vector>

namespace macrodyn::linalg {

class JacobianPseudoInverse {
 public:
  // d rows; this rank owns `local_columns` consecutive columns (ranks in order).
  JacobianPseudoInverse(MPI_Comm comm, int d, long local_columns);
  ~JacobianPseudoInverse();
  JacobianPseudoInverse(const JacobianPseudoInverse&) = delete;
  JacobianPseudoInverse& operator=(const JacobianPseudoInverse&) = delete;

  // This rank's block of J: local_j(r, c) = J(r, first_column + c), row-major d x local_columns.
  // Collective: forms and factors G.
  void set_local_block(const double* local_j);

  int rows() const { return d_; }
  long local_columns() const { return n_local_; }
  long first_column() const { return first_column_; }
  long global_columns() const { return n_global_; }

  // Replicated results of the last set_local_block().
  const std::vector<double>& gram() const { return gram_; }              // d x d row-major
  const std::vector<double>& gram_eigenvalues() const { return eig_; }   // ascending
  double condition_number() const;                                       // kappa(G)

  // y = J^+ g: g (d values, same on every rank) -> y (this rank's local_columns entries). Collective.
  void apply(const double* g, double* y_local) const;
  // w = G^{-1} g (replicated); then (J^+ g)_i = sum_r J(r, i) w_r for any column i, which is how
  // partial forces use the pseudo-inverse without forming all of it.
  std::vector<double> solve_gram(const double* g) const;

 private:
  MPI_Comm comm_;
  int d_;
  long n_local_, n_global_ = 0, first_column_ = 0;
  Mat jt_ = nullptr;  // J^T, N x d, MATDENSE
  Vec w_ = nullptr, y_ = nullptr;
  std::vector<double> gram_, chol_, eig_;
};

}  // namespace macrodyn::linalg
