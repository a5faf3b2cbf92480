#!/bin/bash
# Strong or weak scaling of the Allen-Cahn step, rank counts swept; one run directory per rank count
# with its timers.h5 (timer "bench.allen_cahn/steps"), then the scaling table + PNG.
#   strong: fixed N x N grid.   weak: N x N cells per rank (global side round(N sqrt(P))).
#   sbatch --nodes=4 --ntasks-per-node=64 --time=00:30:00 jobs/scaling/allen_cahn_scaling.sh strong
#   or locally: RANKS="1 2" N=2048 jobs/scaling/allen_cahn_scaling.sh weak
#SBATCH --job-name=ac_scaling
#SBATCH --output=ac_scaling_%j.out
set -euo pipefail
KIND=${1:?usage: allen_cahn_scaling.sh strong|weak}
case $KIND in
  strong) N=${N:-16384}; WEAK=false ;;
  weak) N=${N:-4096}; WEAK=true ;;
  *) echo "allen_cahn_scaling.sh: kind must be strong or weak, got '$KIND'" >&2; exit 2 ;;
esac
STEPS=${STEPS:-192}
TIME_BLOCK=${TIME_BLOCK:-16}  # Euler steps per pass through memory (src/sim/allen_cahn/allen_cahn_blocked_euler.hpp)
RANKS=${RANKS:-"1 2 4 8 16 32 64 128 256"}
MACRODYN=${MACRODYN:-build/macrodyn}
SWEEP=${SWEEP:-runs/allen_cahn_${KIND}_n${N}}
LAUNCH=${LAUNCH:-$( [ -n "${SLURM_JOB_ID:-}" ] && echo "srun --ntasks" || echo "mpirun --oversubscribe -np" )}
export OPENBLAS_NUM_THREADS=1
mkdir -p "$SWEEP"
for p in $RANKS; do
  deck="$SWEEP/np$p.toml"
  cat > "$deck" <<DECK
[run]
name = "allen_cahn_${KIND}_np$p"
output_dir = "$SWEEP/np$p"
[[stage]]
kind = "bench"
case = "allen_cahn"
n = $N
steps = $STEPS
weak = $WEAK
time_block = $TIME_BLOCK
DECK
  $LAUNCH "$p" "$MACRODYN" run "$deck" | grep '^bench'
done
/usr/bin/python3 postprocess/scaling_report.py "$SWEEP" --timer "bench.allen_cahn/steps" --kind "$KIND"
