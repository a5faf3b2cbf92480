#!/usr/bin/python3
"""Vicsek order parameter phi and its standard deviation vs noise eta ([Self-similar dynamics] Fig. 6a).

Reads <run_dir>/<prefix>_summary.h5 (written by the `simulate` stage, system = "vicsek"):
/sizes (nL), /etas (neta), /phi_mean and /phi_std (nL, neta, K): per run, the mean and standard
deviation of phi(t) over t >= transient. Plots, per box size L, the repeat-averaged phi (left) and
std(phi) (right) vs eta, with the spread over repeats as error bars; writes PNG and CSV.

usage: /usr/bin/python3 postprocess/vicsek_order.py RUN_DIR [--prefix vicsek] [--out vicsek_order.png]
"""
import argparse
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run_dir")
    ap.add_argument("--prefix", default="vicsek")
    ap.add_argument("--out", default=None, help="PNG path (default RUN_DIR/vicsek_order.png)")
    args = ap.parse_args()
    path = os.path.join(args.run_dir, args.prefix + "_summary.h5")
    with h5py.File(path, "r") as f:
        sizes = f["sizes"][()]
        etas = f["etas"][()]
        mean = f["phi_mean"][()]
        std = f["phi_std"][()]
        rho = f.attrs.get("rho", float("nan"))
        noise = f.attrs.get("noise", "uniform")
        if isinstance(noise, bytes):
            noise = noise.decode()
    out = args.out or os.path.join(args.run_dir, "vicsek_order.png")
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    rows = ["L,eta,phi_mean,phi_mean_sem,phi_std,phi_std_sem,repeats"]
    for a, L in enumerate(sizes):
        m = np.nanmean(mean[a], axis=1)
        s = np.nanmean(std[a], axis=1)
        k = np.sum(np.isfinite(mean[a]), axis=1)
        sem_m = np.nanstd(mean[a], axis=1) / np.sqrt(np.maximum(k, 1))
        sem_s = np.nanstd(std[a], axis=1) / np.sqrt(np.maximum(k, 1))
        ax[0].errorbar(etas, m, yerr=sem_m, marker="o", capsize=3, label=f"L = {int(L)}")
        ax[1].errorbar(etas, s, yerr=sem_s, marker="o", capsize=3, label=f"L = {int(L)}")
        for b, eta in enumerate(etas):
            rows.append(f"{int(L)},{eta},{m[b]},{sem_m[b]},{s[b]},{sem_s[b]},{k[b]}")
    ax[0].set_xlabel(r"noise $\eta$")
    ax[0].set_ylabel(r"order parameter $\phi$")
    ax[1].set_xlabel(r"noise $\eta$")
    ax[1].set_ylabel(r"std of $\phi$ over time")
    for x in ax:
        x.axvspan(1.6, 2.2, color="0.9", zorder=0, label="paper's critical region" if x is ax[0] else None)
        x.grid(alpha=0.3)
        x.legend()
    fig.suptitle(rf"Vicsek model, $\rho$ = {rho:g}, noise law '{noise}'")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    csv = os.path.splitext(out)[0] + ".csv"
    with open(csv, "w") as f:
        f.write("\n".join(rows) + "\n")
    print(f"wrote {out} and {csv}")


if __name__ == "__main__":
    main()
