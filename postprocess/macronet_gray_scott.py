#!/usr/bin/env python3
"""MacroNet on Gray-Scott Turing patterns: Figure A9 and a Figure 3 style design panel of "Relational
macrostate theory guides artificial intelligence to learn macro and design micro" (Appendix A.3.3).

Reads eval.h5 and design.h5 of inputs/macronet/gray_scott.toml from a run directory and writes
into --out (default: the run directory):
  macronet_fig_a9.png        alpha = phi_u(parameters) vs beta = phi_v(pattern), one panel per dim
  macronet_fig3_design.png   per example: the example pattern (channel a), its (F, k) with the sampled
                             parameter sets, and generated patterns
  macronet_gs_design.csv     median macrostate distance of designed vs random parameter sets

Usage: /usr/bin/python3 postprocess/macronet_gray_scott.py RUN_DIR [--out DIR]
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
        ax.scatter(alpha[:, i], beta[:, i], s=4, c="k")
        ax.set_xlabel("alpha_%d = phi_u(Db, F, k)" % i)
        ax.set_ylabel("beta_%d = phi_v(pattern)" % i)
        ax.set_title("R^2 = %.3f" % r2[i])
    fig.tight_layout()
    fig.savefig(os.path.join(out, "macronet_fig_a9.png"), dpi=150)
    plt.close(fig)
    print("r2 per dim:", ", ".join("%.4f" % r for r in r2))

    with h5py.File(os.path.join(a.run_dir, "design.h5"), "r") as f:
        ex = f["example_patterns"][()]
        gen = f["generated_patterns"][()] if "generated_patterns" in f else None
        des = f["designed_parameters"][()]
        exp = f["example_parameters"][()]
        md, mr = float(f.attrs["design_median_distance"]), float(f.attrs["random_median_distance"])
    with open(os.path.join(out, "macronet_gs_design.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["design_median_distance", "random_median_distance", "ratio"])
        w.writerow(["%.6g" % md, "%.6g" % mr, "%.6g" % (md / mr)])
    E = ex.shape[0]
    K = 0 if gen is None else min(4, gen.shape[1])
    fig, axes = plt.subplots(E, 2 + K, figsize=(2.1 * (2 + K), 2.1 * E), squeeze=False)
    for e in range(E):
        axes[e, 0].imshow(ex[e, 0], cmap="viridis")
        axes[e, 0].set_title("example" if e == 0 else "")
        ax = axes[e, 1]
        ax.scatter(des[e, :, 2], des[e, :, 3], s=4, c="tab:blue")
        ax.scatter([exp[e, 2]], [exp[e, 3]], s=30, c="r", marker="x")
        ax.set_xlabel("F", fontsize=7)
        ax.set_ylabel("k", fontsize=7)
        ax.tick_params(labelsize=6)
        if e == 0:
            ax.set_title("sampled (F, k)")
        for k in range(K):
            axes[e, 2 + k].imshow(gen[e, k, 0], cmap="viridis")
            if e == 0:
                axes[e, 2 + k].set_title("generated")
        for j in [0] + list(range(2, 2 + K)):
            axes[e, j].set_xticks([])
            axes[e, j].set_yticks([])
    fig.tight_layout()
    fig.savefig(os.path.join(out, "macronet_fig3_design.png"), dpi=130)
    plt.close(fig)
    print("design median %.4g, random median %.4g, ratio %.3f" % (md, mr, md / mr))


if __name__ == "__main__":
    main()
