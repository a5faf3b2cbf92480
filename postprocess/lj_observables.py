#!/usr/bin/env python3
"""Temperature and energy curves of an LJ dataset (macrodyn simulate system = "lj", H5MD layout).

usage: /usr/bin/python3 postprocess/lj_observables.py runs/lj_small/lj_small.h5 [-o lj_observables.png]

Draws, per trajectory, T(t) and the kinetic / potential / total energy per atom, plus the relative
drift of the cutoff-shifted total energy; prints the largest drift.
"""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset")
    ap.add_argument("-o", "--output", default="lj_observables.png")
    args = ap.parse_args()
    with h5py.File(args.dataset, "r") as f:
        n = int(f["/particles/all"].attrs["n_atoms"])
        traj = f["/particles/all/trajectory"][:]
        time = f["/particles/all/time"][:]
        obs = {k: f[f"/observables/{k}/value"][:] for k in f["/observables"]}
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.2))
    worst = 0.0
    for k in np.unique(traj):
        s = traj == k
        ax[0].plot(time[s], obs["temperature"][s], lw=1)
        line, = ax[1].plot(time[s], obs["total_energy"][s] / n, lw=1.2)
        ax[1].plot(time[s], obs["potential_energy"][s] / n, lw=0.8, ls="--", color=line.get_color())
        ax[1].plot(time[s], obs["kinetic_energy"][s] / n, lw=0.8, ls=":", color=line.get_color())
        e = obs["total_energy_shifted"][s]
        drift = (e - e[0]) / abs(e[0])
        worst = max(worst, float(np.max(np.abs(drift))))
        ax[2].plot(time[s], drift, lw=1)
    ax[0].set(xlabel="t (LJ units)", ylabel="T", title=f"temperature (N = {n})")
    ax[1].set(xlabel="t", ylabel="energy / atom", title="total (solid), potential (--), kinetic (:)")
    ax[2].set(xlabel="t", ylabel="(E_s(t) - E_s(0)) / |E_s(0)|", title="shifted total energy drift")
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)
    print(f"{args.output}: {len(np.unique(traj))} trajectories, max |relative shifted-energy drift| {worst:.3e}")


if __name__ == "__main__":
    main()
