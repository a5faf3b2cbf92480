// Catch2 runner shared by all test executables: MPI + Kokkos + PETSc through Runtime; only rank 0
// reports; the exit code is the maximum over ranks, so a failure on any rank fails the test.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "core/log.hpp"
#include "core/runtime.hpp"

int main(int argc, char** argv) {
  macrodyn::Runtime runtime(argc, argv);
  macrodyn::log::set_rank(runtime.rank());
  Catch::Session session;
  int status = session.applyCommandLine(argc, argv);
  if (status == 0) {
    if (runtime.rank() != 0) session.configData().outputFilename = "/dev/null";
    status = session.run();
  }
  int worst = 0;
  MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return worst;
}
