#!/bin/bash
# Strong scaling of the Allen-Cahn step: fixed N x N grid, rank counts swept; one run directory per rank
# count with its timers.h5 (timer "bench.allen_cahn/steps"), then the scaling table + PNG.
#   sbatch --nodes=4 --ntasks-per-node=64 --time=00:30:00 jobs/scaling/allen_cahn_strong.sh
#   or locally: RANKS="1 2" N=2048 jobs/scaling/allen_cahn_strong.sh
#SBATCH --job-name=ac_strong
#SBATCH --output=ac_strong_%j.out
set -euo pipefail
N=${N:-16384}
STEPS=${STEPS:-50}
RANKS=${RANKS:-"1 2 4 8 16 32 64 128 256"}
MACRODYN=${MACRODYN:-build/macrodyn}
SWEEP=${SWEEP:-runs/allen_cahn_strong_n${N}}
LAUNCH=${LAUNCH:-$( [ -n "${SLURM_JOB_ID:-}" ] && echo "srun --ntasks" || echo "mpirun --oversubscribe -np" )}
mkdir -p "$SWEEP"
for p in $RANKS; do
  deck="$SWEEP/np$p.toml"
  cat > "$deck" <<DECK
[run]
name = "allen_cahn_strong_np$p"
output_dir = "$SWEEP/np$p"
[[stage]]
kind = "bench"
case = "allen_cahn"
n = $N
steps = $STEPS
DECK
  $LAUNCH "$p" "$MACRODYN" run "$deck" | grep '^bench'
done
/usr/bin/python3 postprocess/scaling_report.py "$SWEEP" --timer "bench.allen_cahn/steps" --kind strong
