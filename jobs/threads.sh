# Sourced by the job scripts: ranks per node x threads per rank.
#   sbatch --nodes=2 --ntasks-per-node=16 --cpus-per-task=4 jobs/<script>.sbatch ...
# gives 16 MPI ranks per node with 4 Kokkos (OpenMP) threads each. Threads only help where macrodyn
# was built against a Kokkos with the OpenMP backend (README: "Threads and GPUs"); with Debian's
# Serial-only Kokkos use --cpus-per-task=1 (the default) and one rank per core.
threads_per_rank=${SLURM_CPUS_PER_TASK:-1}
export OMP_NUM_THREADS=$threads_per_rank
# Each rank's threads on its own cores, one thread per core.
export OMP_PROC_BIND=${OMP_PROC_BIND:-spread} OMP_PLACES=${OMP_PLACES:-threads}
# BLAS inside a rank stays single-threaded: Kokkos threads and ranks already fill the cores.
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
# srun does not inherit --cpus-per-task from sbatch since Slurm 22.05: pass it on, bound to cores.
export SRUN_CPUS_PER_TASK=$threads_per_rank
export SLURM_CPU_BIND=${SLURM_CPU_BIND:-cores}
