#pragma once
// One error line per failure, however many ranks see it.
//
// A failure while running may be seen by every rank (a corrupt input file opened collectively), by
// some ranks, or by one. Each failing rank calls report_failure(); the ranks agree, without any help
// from ranks that did not fail (they may be blocked in a collective), on who prints:
//   1. Every failing rank joins a non-blocking MIN-allreduce of its rank on a communicator reserved
//      for this (made at start-up, so it cannot match an application collective). If it completes
//      within `grace_s`, every rank failed: rank 0 prints its message, all ranks return normally
//      (exit status 1, no abort).
//   2. Otherwise only some ranks failed. Each failing rank tells the ranks above it that it failed,
//      waits `grace_s` more, and prints only if no lower rank told it so: the lowest failing rank
//      prints and aborts the job; the others wait for that abort.
// Every line is written with a single write(2), so lines of different processes never interleave.
#include <mpi.h>

#include <string>

namespace macrodyn {

class FailureReporter {
 public:
  // Collective over `comm` (duplicates it). Call once at start-up, before any stage runs.
  explicit FailureReporter(MPI_Comm comm, double grace_s = 1.0);
  ~FailureReporter();
  FailureReporter(const FailureReporter&) = delete;
  FailureReporter& operator=(const FailureReporter&) = delete;

  // Prints `prefix: message` (with the rank when not all ranks failed) from exactly one rank.
  // Returns normally when every rank failed; otherwise ends the job with MPI_Abort(exit_code).
  void report_failure(const std::string& prefix, const std::string& message, int exit_code);

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0, size_ = 1;
  double grace_s_;
};

// Writes `line` + '\n' to stderr in one system call.
void write_error_line(const std::string& line);

}  // namespace macrodyn
