#pragma once
// Runtime: the RAII owner of MPI, Kokkos and PETSc. Construct exactly one at the start of main()
// (or of a test runner); it initialises MPI, then Kokkos, then PETSc (on MPI_COMM_WORLD, with
// PETSc's own signal handlers off), and finalises them in reverse order.
#include <mpi.h>

namespace macrodyn {

class Runtime {
 public:
  Runtime(int& argc, char**& argv);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  MPI_Comm comm() const { return MPI_COMM_WORLD; }
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
};

int comm_rank(MPI_Comm comm);
int comm_size(MPI_Comm comm);

}  // namespace macrodyn
