#include "core/runtime.hpp"

#include <Kokkos_Core.hpp>
#include <dlfcn.h>
#include <petscsys.h>

#include "core/error.hpp"

namespace macrodyn {

Runtime::Runtime(int& argc, char**& argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  Kokkos::initialize(argc, argv);
  // With several host threads the neural core splits its GEMMs over the Kokkos threads, each calling
  // the BLAS single-threaded (nn/gemm.hpp); a BLAS thread pool inside them would oversubscribe the
  // cores many times over (measured: 20x slower steps), so OpenBLAS is told to use one thread.
  if (Kokkos::DefaultHostExecutionSpace().concurrency() > 1) {
    using SetThreads = void (*)(int);
    if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(1);
  }
  // PETSc must not install handlers for SIGTERM/SIGUSR1: macrodyn turns those into a checkpoint.
  PetscOptionsSetValue(nullptr, "-no_signal_handler", nullptr);
  PETSC_COMM_WORLD = MPI_COMM_WORLD;
  if (PetscInitializeNoArguments() != 0) {
    fail("PETSc initialisation failed");
  }
}

Runtime::~Runtime() {
  PetscFinalize();
  Kokkos::finalize();
  MPI_Finalize();
}

int comm_rank(MPI_Comm comm) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}

int comm_size(MPI_Comm comm) {
  int s = 1;
  MPI_Comm_size(comm, &s);
  return s;
}

}  // namespace macrodyn
