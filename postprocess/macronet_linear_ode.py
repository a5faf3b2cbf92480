#!/usr/bin/env python3
"""MacroNet on 2x2 linear systems: Figure A4 and the design summary of "Relational macrostate theory
guides artificial intelligence to learn macro and design micro" (Appendix A.3.1).

Reads eval.h5 and design.h5 of inputs/macronet/linear_ode.toml from a run directory and writes
into --out (default: the run directory):
  macronet_fig_a4.png        alpha = phi_u(M) vs beta = phi_v(trajectory), one panel per dimension
  macronet_design.csv        median |beta_generated - beta_example| for sampled and random matrices
  macronet_design_hist.png   distributions of the two distances

Usage: /usr/bin/python3 postprocess/macronet_linear_ode.py RUN_DIR [--out DIR]
"""
import argparse
import csv
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run_dir")
    p.add_argument("--out", default=None)
    a = p.parse_args()
    out = a.out or a.run_dir
    os.makedirs(out, exist_ok=True)
    with h5py.File(os.path.join(a.run_dir, "eval.h5"), "r") as f:
        alpha, beta = f["alpha"][()], f["beta"][()]
        r2 = [float(f.attrs["r2_dim%d" % i]) for i in range(alpha.shape[1])]
    fig, axes = plt.subplots(1, alpha.shape[1], figsize=(3.6 * alpha.shape[1], 3.4))
    for i, ax in enumerate(np.atleast_1d(axes)):
        ax.scatter(alpha[:, i], beta[:, i], s=3, c="k")
        lo, hi = min(alpha[:, i].min(), beta[:, i].min()), max(alpha[:, i].max(), beta[:, i].max())
        ax.plot([lo, hi], [lo, hi], "r--", lw=0.8)
        ax.set_xlabel("alpha_%d = phi_u(M)" % i)
        ax.set_ylabel("beta_%d = phi_v(x_0:7)" % i)
        ax.set_title("R^2 = %.3f" % r2[i])
    fig.tight_layout()
    fig.savefig(os.path.join(out, "macronet_fig_a4.png"), dpi=150)
    plt.close(fig)
    print("r2 per dim:", ", ".join("%.4f" % r for r in r2))

    path = os.path.join(a.run_dir, "design.h5")
    if os.path.exists(path):
        with h5py.File(path, "r") as f:
            d, r = f["distance"][()].ravel(), f["random_distance"][()].ravel()
            md, mr = float(f.attrs["design_median_distance"]), float(f.attrs["random_median_distance"])
        with open(os.path.join(out, "macronet_design.csv"), "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["design_median_distance", "random_median_distance", "ratio"])
            w.writerow(["%.6g" % md, "%.6g" % mr, "%.6g" % (md / mr)])
        fig, ax = plt.subplots(figsize=(4, 3))
        bins = np.linspace(0, np.percentile(r, 99), 40)
        ax.hist(r, bins=bins, alpha=0.6, label="random M")
        ax.hist(d, bins=bins, alpha=0.6, label="sampled M")
        ax.set_xlabel("|beta_generated - beta_example|")
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(out, "macronet_design_hist.png"), dpi=150)
        plt.close(fig)
        print("design median %.4g, random median %.4g, ratio %.3f" % (md, mr, md / mr))


if __name__ == "__main__":
    main()
