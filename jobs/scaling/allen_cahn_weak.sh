#!/bin/bash
# Weak scaling of the Allen-Cahn step: N x N cells per rank (global side round(N sqrt(P))), rank counts
# swept; timers.h5 per run directory, then the scaling table + PNG (efficiency T1 / TP).
#   sbatch --nodes=4 --ntasks-per-node=64 --time=00:30:00 jobs/scaling/allen_cahn_weak.sh
#   or locally: RANKS="1 2" N=4096 jobs/scaling/allen_cahn_weak.sh
#SBATCH --job-name=ac_weak
#SBATCH --output=ac_weak_%j.out
set -euo pipefail
N=${N:-4096}
STEPS=${STEPS:-50}
RANKS=${RANKS:-"1 2 4 8 16 32 64 128 256"}
MACRODYN=${MACRODYN:-build/macrodyn}
SWEEP=${SWEEP:-runs/allen_cahn_weak_n${N}}
LAUNCH=${LAUNCH:-$( [ -n "${SLURM_JOB_ID:-}" ] && echo "srun --ntasks" || echo "mpirun --oversubscribe -np" )}
mkdir -p "$SWEEP"
for p in $RANKS; do
  deck="$SWEEP/np$p.toml"
  cat > "$deck" <<DECK
[run]
name = "allen_cahn_weak_np$p"
output_dir = "$SWEEP/np$p"
[[stage]]
kind = "bench"
case = "allen_cahn"
n = $N
steps = $STEPS
weak = true
DECK
  $LAUNCH "$p" "$MACRODYN" run "$deck" | grep '^bench'
done
/usr/bin/python3 postprocess/scaling_report.py "$SWEEP" --timer "bench.allen_cahn/steps" --kind weak
