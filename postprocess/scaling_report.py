#!/usr/bin/python3
"""Scaling table + PNG from the timers.h5 files of a rank-count sweep (any macrodyn stage).

usage: /usr/bin/python3 postprocess/scaling_report.py SWEEP_DIR [--timer PATH] [--kind strong|weak] [--out PREFIX]

SWEEP_DIR holds one run directory per rank count (e.g. runs/ac_strong/np4/timers.h5, as written by
jobs/scaling/*.sh). Each timers.h5 has /timers with datasets calls, min_s, mean_s, max_s and attributes
paths (newline-separated timer paths) and nranks (src/io/timer_report.hpp). The timer used is --timer
(a full path such as "simulate.allen_cahn/step"; default: the first top-level timer). Max over ranks is
the wall time. Strong scaling: speedup T1/Tp and efficiency T1/(p Tp); weak: efficiency T1/Tp.
Writes PREFIX.csv and PREFIX.png (default SWEEP_DIR/scaling).
"""
import argparse
import glob
import os
import sys

import h5py
import numpy as np


def read_timers(path):
    with h5py.File(path, "r") as f:
        g = f["/timers"]
        paths = g.attrs["paths"]
        paths = paths.decode() if isinstance(paths, bytes) else str(paths)
        return int(g.attrs["nranks"]), dict(zip(paths.split("\n"), g["max_s"][()]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sweep_dir")
    ap.add_argument("--timer", default=None)
    ap.add_argument("--kind", choices=["strong", "weak"], default="strong")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    files = sorted(glob.glob(os.path.join(args.sweep_dir, "**", "timers.h5"), recursive=True))
    if not files:
        sys.exit(f"{args.sweep_dir}: no timers.h5 files found")
    rows = []
    for path in files:
        nranks, timers = read_timers(path)
        timer = args.timer or next(p for p in timers if "/" not in p)
        if timer not in timers:
            sys.exit(f"{path}: no timer '{timer}' (have: {', '.join(timers)})")
        rows.append((nranks, timers[timer], path))
    rows.sort()
    p0, t0 = rows[0][0], rows[0][1]
    out = args.out or os.path.join(args.sweep_dir, "scaling")
    lines = ["ranks,seconds,speedup,efficiency,file"]
    print(f"{'ranks':>6} {'seconds':>12} {'speedup':>9} {'efficiency':>10}   ({args.kind}, timer '{timer}')")
    ranks, eff = [], []
    for p, t, path in rows:
        speedup = t0 / t if args.kind == "strong" else (p / p0) * t0 / t
        e = speedup * p0 / p
        ranks.append(p)
        eff.append(e)
        print(f"{p:>6} {t:>12.4f} {speedup:>9.3f} {e:>10.3f}")
        lines.append(f"{p},{t:.6g},{speedup:.6g},{e:.6g},{path}")
    with open(out + ".csv", "w") as f:
        f.write("\n".join(lines) + "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.5))
    ax[0].loglog([r[0] for r in rows], [r[1] for r in rows], "o-", label="measured")
    if args.kind == "strong":
        ax[0].loglog(ranks, [t0 * p0 / p for p in ranks], "k--", label="ideal")
    else:
        ax[0].loglog(ranks, [t0 for _ in ranks], "k--", label="ideal")
    ax[0].set_xlabel("ranks")
    ax[0].set_ylabel(f"{timer} [s] (max over ranks)")
    ax[0].legend()
    ax[1].semilogx(ranks, eff, "o-")
    ax[1].axhline(1.0, color="k", ls="--")
    ax[1].set_ylim(0, 1.1)
    ax[1].set_xlabel("ranks")
    ax[1].set_ylabel(f"{args.kind} scaling efficiency")
    fig.tight_layout()
    fig.savefig(out + ".png", dpi=120)
    print(f"wrote {out}.csv and {out}.png")


if __name__ == "__main__":
    main()
