#!/usr/bin/python3
"""Self-similar dynamics, 1-D diffusion: consistency vs dt (Fig. 5c) and diffusion coefficients
(Fig. 4c, S3) of "Data Driven Modeling for Self-Similar Dynamics" (Tao et al.), from the evaluate
stage's results file of inputs/selfsimilar/diffusion.toml.

Writes into --out (default: the results file's directory):
  selfsimilar_diffusion.csv   dataset, dt, S, T, consistency, relative consistency, reconstruction,
                              D_kernel, D_micro, D_macro, D_macro / D_micro
  selfsimilar_diffusion.png   (left) relative consistency vs dt per (S, T) (exact limit at the left),
                              (right) D_macro / D_micro per dataset and (S, T)
Usage: /usr/bin/python3 postprocess/selfsimilar_diffusion.py runs/selfsimilar_diffusion/results.h5
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
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    out = args.out or os.path.dirname(os.path.abspath(args.results))
    os.makedirs(out, exist_ok=True)
    with h5py.File(args.results, "r") as f:
        names = f.attrs["datasets"]
        names = (names.decode() if isinstance(names, bytes) else str(names)).split(",")
        dt, dk, dm = f["dt"][:], f["D_kernel"][:], f["D_micro"][:]
        td, ts, tt = f["table_dataset"][:].astype(int), f["table_S"][:].astype(int), f["table_T"][:].astype(int)
        cons, rel, rec, dM = f["consistency"][:], f["relative_consistency"][:], f["reconstruction"][:], f["D_macro"][:]
    path = os.path.join(out, "selfsimilar_diffusion.csv")
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["dataset", "dt", "S", "T", "consistency", "relative_consistency", "reconstruction", "D_kernel",
                    "D_micro", "D_macro", "D_macro_over_D_micro"])
        for i in range(len(td)):
            d = td[i]
            w.writerow([names[d], dt[d], ts[i], tt[i], f"{cons[i]:.6g}", f"{rel[i]:.6g}", f"{rec[i]:.6g}",
                        f"{dk[d]:.6g}", f"{dm[d]:.6g}", f"{dM[i]:.6g}", f"{dM[i] / dm[d]:.4f}"])
    print(path)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
    labels = [("exact" if dt[d] == 0 else f"dt={dt[d]:g}") for d in range(len(names))]
    for s, t in sorted(set(zip(ts, tt))):
        sel = [i for i in range(len(td)) if ts[i] == s and tt[i] == t]
        x = np.arange(len(sel))
        axes[0].semilogy(x, rel[sel], "o-", label=f"S={s}, T={t}")
        axes[1].plot(x, dM[sel] / dm[td[sel]], "o-", label=f"S={s}, T={t}")
    for ax in axes:
        ax.set_xticks(range(len(names)), labels, rotation=30)
        ax.legend(fontsize=7)
    axes[0].set_ylabel("relative consistency")
    axes[1].set_ylabel("D_macro / D_micro")
    axes[1].axhline(1.0, color="k", lw=0.5)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "selfsimilar_diffusion.png"), dpi=150)
    plt.close(fig)


if __name__ == "__main__":
    main()
