#!/usr/bin/python3
"""Allen-Cahn trajectory snapshots + free-energy curves from a simulate dataset.

usage: /usr/bin/python3 postprocess/allen_cahn_plot.py RUN_DIR/allen_cahn.h5 [--trajectory K] [--frames 6] [--out PREFIX]

Reads /states (traj, time, y, x), /times, /free_energy (traj, time), /parameters (r1, r2).
Writes PREFIX_snapshots.png (frames of trajectory K) and PREFIX_energy.png (E(t) of every
trajectory; it must decrease). Default PREFIX: the dataset path without .h5.
"""
import argparse

import h5py
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset")
    ap.add_argument("--trajectory", type=int, default=0)
    ap.add_argument("--frames", type=int, default=6)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    out = args.out or args.dataset.rsplit(".h5", 1)[0]
    with h5py.File(args.dataset, "r") as f:
        states = f["/states"]
        times = f["/times"][()]
        energy = f["/free_energy"][()]
        params = f["/parameters"][()]
        K, T = states.shape[0], states.shape[1]
        k = min(args.trajectory, K - 1)
        idx = np.unique(np.linspace(0, T - 1, min(args.frames, T)).round().astype(int))
        fig, axes = plt.subplots(1, len(idx), figsize=(2.6 * len(idx), 2.8), squeeze=False)
        for ax, t in zip(axes[0], idx):
            im = ax.imshow(states[k, t], origin="lower", extent=[0, 1, 0, 1], vmin=-1, vmax=1, cmap="RdBu_r")
            ax.set_title(f"t = {times[t]:.3g}")
            ax.set_xticks([])
            ax.set_yticks([])
        fig.colorbar(im, ax=axes[0].tolist(), shrink=0.8, label="v")
        fig.suptitle(f"trajectory {k}: r1 = {params[k, 0]:.3f}, r2 = {params[k, 1]:.3f}")
        fig.savefig(out + "_snapshots.png", dpi=110)
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for j in range(energy.shape[0]):
        ax.plot(times, energy[j], lw=1)
    ax.set_xlabel("t")
    ax.set_ylabel("free energy E(v)")
    ax.set_title(f"{energy.shape[0]} trajectories")
    fig.tight_layout()
    fig.savefig(out + "_energy.png", dpi=110)
    increases = int(np.sum(np.diff(energy, axis=1) > 0))
    print(f"wrote {out}_snapshots.png and {out}_energy.png; energy increases: {increases}")


if __name__ == "__main__":
    main()
