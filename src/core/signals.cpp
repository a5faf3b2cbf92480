#include "core/signals.hpp"

#include <csignal>

namespace macrodyn {
namespace {
volatile std::sig_atomic_t g_stop_flag = 0;
extern "C" void on_stop_signal(int) { g_stop_flag = 1; }
}  // namespace

void install_stop_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGUSR1, &action, nullptr);
}

bool stop_requested_locally() { return g_stop_flag != 0; }

bool stop_requested_collective(MPI_Comm comm) {
  int local = g_stop_flag ? 1 : 0;
  int any = 0;
  MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_MAX, comm);
  return any != 0;
}

void set_stop_requested(bool value) { g_stop_flag = value ? 1 : 0; }

}  // namespace macrodyn
