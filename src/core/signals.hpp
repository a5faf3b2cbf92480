#pragma once
// Stop signals. SLURM sends SIGTERM (and, with --signal, SIGUSR1) before a job's time limit.
// The handlers only set a flag; long loops poll stop_requested_collective() at safe points,
// write a checkpoint and return cleanly.
#include <mpi.h>

namespace macrodyn {

void install_stop_signal_handlers();
// This rank received SIGTERM or SIGUSR1 (async-signal-safe flag).
bool stop_requested_locally();
// True on every rank when any rank received a stop signal (collective: call from all ranks).
bool stop_requested_collective(MPI_Comm comm);
// For tests: raise or clear the flag as if a signal had arrived.
void set_stop_requested(bool value);

}  // namespace macrodyn
