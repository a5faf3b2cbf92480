#include "linalg/jacobian_pseudo_inverse.hpp"

#include <petscblaslapack.h>

#include <cfloat>

#include "core/error.hpp"

namespace macrodyn::linalg {

namespace {
void check(PetscErrorCode code, const char* what) {
  if (code != 0) fail("PETSc error ", static_cast<int>(code), " in ", what);
}
}  // namespace

JacobianPseudoInverse::JacobianPseudoInverse(MPI_Comm comm, int d, long local_columns)
    : comm_(comm), d_(d), n_local_(local_columns) {
  if (d < 1) fail("JacobianPseudoInverse: need at least one row");
  MPI_Allreduce(&n_local_, &n_global_, 1, MPI_LONG, MPI_SUM, comm);
  MPI_Exscan(&n_local_, &first_column_, 1, MPI_LONG, MPI_SUM, comm);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) first_column_ = 0;
  if (n_global_ < d) fail("JacobianPseudoInverse: ", d, " rows but only ", n_global_, " columns: J J^T is singular");
  check(MatCreateDense(comm, static_cast<PetscInt>(n_local_), PETSC_DECIDE, static_cast<PetscInt>(n_global_), d,
                       nullptr, &jt_),
        "MatCreateDense");
  check(MatCreateVecs(jt_, &w_, &y_), "MatCreateVecs");
}

JacobianPseudoInverse::~JacobianPseudoInverse() {
  if (y_) VecDestroy(&y_);
  if (w_) VecDestroy(&w_);
  if (jt_) MatDestroy(&jt_);
}

void JacobianPseudoInverse::set_local_block(const double* local_j) {
  // Local storage of a dense PETSc matrix is column-major: column r of J^T = row r of J.
  PetscScalar* a = nullptr;
  PetscInt lda = 0;
  check(MatDenseGetLDA(jt_, &lda), "MatDenseGetLDA");
  check(MatDenseGetArray(jt_, &a), "MatDenseGetArray");
  for (int r = 0; r < d_; ++r)
    for (long i = 0; i < n_local_; ++i) a[r * lda + i] = local_j[r * n_local_ + i];
  check(MatDenseRestoreArray(jt_, &a), "MatDenseRestoreArray");
  check(MatAssemblyBegin(jt_, MAT_FINAL_ASSEMBLY), "MatAssemblyBegin");
  check(MatAssemblyEnd(jt_, MAT_FINAL_ASSEMBLY), "MatAssemblyEnd");

  Mat g = nullptr;
  check(MatTransposeMatMult(jt_, jt_, MAT_INITIAL_MATRIX, PETSC_DEFAULT, &g), "MatTransposeMatMult");
  // Replicate G: every rank contributes its owned rows.
  PetscInt row0 = 0, row1 = 0;
  check(MatGetOwnershipRange(g, &row0, &row1), "MatGetOwnershipRange");
  const PetscScalar* ga = nullptr;
  PetscInt glda = 0;
  check(MatDenseGetLDA(g, &glda), "MatDenseGetLDA");
  check(MatDenseGetArrayRead(g, &ga), "MatDenseGetArrayRead");
  std::vector<double> partial(static_cast<size_t>(d_) * d_, 0.0);
  for (PetscInt i = row0; i < row1; ++i)
    for (int j = 0; j < d_; ++j) partial[i * d_ + j] = ga[j * glda + (i - row0)];
  check(MatDenseRestoreArrayRead(g, &ga), "MatDenseRestoreArrayRead");
  MatDestroy(&g);
  gram_.assign(partial.size(), 0.0);
  MPI_Allreduce(partial.data(), gram_.data(), d_ * d_, MPI_DOUBLE, MPI_SUM, comm_);

  // Spectrum (syev) and Cholesky factor (potrf) of the replicated Gram matrix.
  PetscBLASInt n = d_, info = 0, lwork = 8 * d_;
  std::vector<double> a_eig = gram_, work(lwork);
  eig_.assign(d_, 0.0);
  LAPACKsyev_("N", "U", &n, a_eig.data(), &n, eig_.data(), work.data(), &lwork, &info);
  if (info != 0) fail("JacobianPseudoInverse: LAPACK syev failed (info ", info, ")");
  // Rank-deficient within round-off: the smallest eigenvalue is noise relative to the largest.
  const bool singular = !(eig_.front() > eig_.back() * 64.0 * DBL_EPSILON * d_);
  chol_ = gram_;
  if (!singular) LAPACKpotrf_("L", &n, chol_.data(), &n, &info);
  if (singular || info != 0)
    fail("JacobianPseudoInverse: J J^T is not positive definite (rank-deficient Jacobian; smallest eigenvalue ",
         eig_.front(), ")");
}

double JacobianPseudoInverse::condition_number() const {
  if (eig_.empty()) fail("JacobianPseudoInverse: condition_number() before set_local_block()");
  return eig_.back() / eig_.front();
}

std::vector<double> JacobianPseudoInverse::solve_gram(const double* g) const {
  if (chol_.empty()) fail("JacobianPseudoInverse: solve before set_local_block()");
  std::vector<double> w(g, g + d_);
  PetscBLASInt n = d_, one = 1, info = 0;
  LAPACKpotrs_("L", &n, &one, chol_.data(), &n, w.data(), &n, &info);
  if (info != 0) fail("JacobianPseudoInverse: LAPACK potrs failed (info ", info, ")");
  return w;
}

void JacobianPseudoInverse::apply(const double* g, double* y_local) const {
  std::vector<double> w = solve_gram(g);
  // w_ is distributed like the d columns of J^T: set the entries this rank owns.
  PetscInt w0 = 0, w1 = 0;
  check(VecGetOwnershipRange(w_, &w0, &w1), "VecGetOwnershipRange");
  PetscScalar* wa = nullptr;
  check(VecGetArray(w_, &wa), "VecGetArray");
  for (PetscInt i = w0; i < w1; ++i) wa[i - w0] = w[i];
  check(VecRestoreArray(w_, &wa), "VecRestoreArray");
  check(MatMult(jt_, w_, y_), "MatMult");
  const PetscScalar* ya = nullptr;
  check(VecGetArrayRead(y_, &ya), "VecGetArrayRead");
  for (long i = 0; i < n_local_; ++i) y_local[i] = ya[i];
  check(VecRestoreArrayRead(y_, &ya), "VecRestoreArrayRead");
}

}  // namespace macrodyn::linalg
