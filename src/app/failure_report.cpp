#include "app/failure_report.hpp"

#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

namespace macrodyn {
namespace {

constexpr int kTagFailed = 7001;

// Polls `request` until it completes or `seconds` pass; true when it completed.
bool wait_for(MPI_Request& request, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  int done = 0;
  while (true) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done || std::chrono::steady_clock::now() >= end) return done != 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

void write_error_line(const std::string& line) {
  const std::string text = line + "\n";
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

FailureReporter::FailureReporter(MPI_Comm comm, double grace_s) : grace_s_(grace_s) {
  MPI_Comm_dup(comm, &comm_);
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

FailureReporter::~FailureReporter() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
}

void FailureReporter::report_failure(const std::string& prefix, const std::string& message, int exit_code) {
  if (size_ == 1) {
    write_error_line(prefix + ": " + message);
    return;
  }
  // 1. Did every rank fail?
  int mine = rank_, lowest = 0;
  MPI_Request all_failed;
  MPI_Iallreduce(&mine, &lowest, 1, MPI_INT, MPI_MIN, comm_, &all_failed);
  if (wait_for(all_failed, grace_s_)) {
    if (rank_ == 0) write_error_line(prefix + ": " + message);
    return;
  }
  // 2. Some ranks failed: the lowest of them reports.
  std::vector<MPI_Request> sent(size_ - rank_ - 1);
  for (int r = rank_ + 1; r < size_; ++r)
    MPI_Isend(&mine, 1, MPI_INT, r, kTagFailed, comm_, &sent[r - rank_ - 1]);
  int lower_failed = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(grace_s_);
  while (!lower_failed && std::chrono::steady_clock::now() < end) {
    int sends_done = 0;  // keeps our notes moving while we listen for those of lower ranks
    if (!sent.empty()) MPI_Testall(static_cast<int>(sent.size()), sent.data(), &sends_done, MPI_STATUSES_IGNORE);
    MPI_Iprobe(MPI_ANY_SOURCE, kTagFailed, comm_, &lower_failed, MPI_STATUS_IGNORE);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!lower_failed) {
    write_error_line(prefix + " (rank " + std::to_string(rank_) + " of " + std::to_string(size_) + "): " + message);
    MPI_Abort(MPI_COMM_WORLD, exit_code);
  }
  // A lower rank reports and aborts the job; abort ourselves only if that never comes.
  std::this_thread::sleep_for(std::chrono::duration<double>(30 * grace_s_));
  MPI_Abort(MPI_COMM_WORLD, exit_code);
}

}  // namespace macrodyn
