#!/usr/bin/env python3
"""MacroNet on the harmonic oscillator: Figure A7 B, C and Table A3 of "Relational macrostate theory
guides artificial intelligence to learn macro and design micro" (Appendix A.3.2).

Reads the evaluate outputs of inputs/macronet/oscillator.toml from a run directory:
  eval_noisy.h5 (noisy kernel 2 -> 8) and eval_plain.h5 (no noisy kernel)
and writes into --out (default: the run directory):
  macronet_fig_a7b.png   learned macrostate vs energy of the 1000 held-out states
  macronet_fig_a7c.png   conditional samples at the 5 target macrostates over the macrostate field,
                         dashed circles: equal-energy curves x^2 + p^2 = 2E of each target
  macronet_table_a3.csv  with / without the noisy kernel: Spearman, prediction MSE, sample spread

Usage: /usr/bin/python3 postprocess/macronet_oscillator.py RUN_DIR [--out DIR]
"""
import argparse
import csv
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

METRICS = ["spearman_energy", "prediction_mse", "r2_dim0", "sample_energy_rel_spread_max",
           "sample_macrostate_error"]


def load(path):
    with h5py.File(path, "r") as f:
        d = {k: f[k][()] for k in f.keys() if isinstance(f[k], h5py.Dataset)}
        d["attrs"] = {k: f.attrs[k] for k in f.attrs.keys()}
    return d


def target_energies(e):
    """Energy of each target: the held-out state whose macrostate is closest to it."""
    alpha = e["alpha"][:, 0]
    return np.array([e["observable"][np.argmin(np.abs(alpha - t))] for t in e["targets"][:, 0]])


def fig_b(e, path):
    fig, ax = plt.subplots(figsize=(4, 3.5))
    ax.scatter(e["observable"], e["alpha"][:, 0], s=3, c="k")
    ax.set_xlabel("energy H = (x^2 + p^2) / 2")
    ax.set_ylabel("learned macrostate")
    ax.set_title("Spearman |rho| = %.4f" % float(e["attrs"]["spearman_energy"]))
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)


def fig_c(e, path):
    fig, ax = plt.subplots(figsize=(4.5, 4))
    if "grid_macrostate" in e:
        a = e["grid_axis"]
        lo, hi = np.percentile(e["alpha"][:, 0], [0.5, 99.5])  # the field extrapolates outside the data
        m = ax.pcolormesh(a, a, e["grid_macrostate"], shading="auto", cmap="viridis", vmin=lo, vmax=hi)
        fig.colorbar(m, ax=ax, label="macrostate")
    colors = plt.cm.autumn(np.linspace(0, 1, len(e["targets"])))
    th = np.linspace(0, 2 * np.pi, 200)
    for k, en in enumerate(target_energies(e)):
        s = e["samples"][k]
        ax.scatter(s[:, 0], s[:, 1], s=2, color=colors[k])
        r = np.sqrt(2 * en)
        ax.plot(r * np.cos(th), r * np.sin(th), "--", color="w", lw=0.8)
    ax.set_xlabel("x")
    ax.set_ylabel("p")
    ax.set_aspect("equal")
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run_dir")
    p.add_argument("--out", default=None)
    a = p.parse_args()
    out = a.out or a.run_dir
    os.makedirs(out, exist_ok=True)
    rows = []
    for label, name in [("noisy kernel 2->8", "eval_noisy.h5"), ("no noisy kernel", "eval_plain.h5")]:
        path = os.path.join(a.run_dir, name)
        if not os.path.exists(path):
            continue
        e = load(path)
        rows.append([label] + ["%.6g" % float(e["attrs"][m]) for m in METRICS])
        if name == "eval_noisy.h5":
            fig_b(e, os.path.join(out, "macronet_fig_a7b.png"))
            fig_c(e, os.path.join(out, "macronet_fig_a7c.png"))
    with open(os.path.join(out, "macronet_table_a3.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model"] + METRICS)
        w.writerows(rows)
    for r in rows:
        print(",".join(r))


if __name__ == "__main__":
    main()
