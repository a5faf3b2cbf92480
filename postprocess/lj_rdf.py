#!/usr/bin/env python3
"""Radial distribution function g(r) of one saved LJ configuration (H5MD layout).

usage: /usr/bin/python3 postprocess/lj_rdf.py runs/lj_small/lj_small.h5 [--frame -1] [-o lj_rdf.png]

Minimum-image pair distances in the periodic box (positions are stored unwrapped), histogram up to
half the box, normalised by the ideal-gas shell count N (N - 1) / V * 4 pi r^2 dr / 2. Prints the
position of the first peak (about 1.1 sigma for the LJ liquid).
"""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def rdf(x, box, bins=200):
    n = len(x)
    rmax = 0.5 * box.min()
    hist = np.zeros(bins)
    for i in range(n - 1):  # row by row keeps memory at O(N)
        d = x[i + 1:] - x[i]
        d -= box * np.round(d / box)
        r = np.sqrt((d * d).sum(axis=1))
        hist += np.histogram(r[r < rmax], bins=bins, range=(0.0, rmax))[0]
    edges = np.linspace(0.0, rmax, bins + 1)
    shell = 4.0 / 3.0 * np.pi * (edges[1:] ** 3 - edges[:-1] ** 3)
    ideal = 0.5 * n * (n - 1) / np.prod(box) * shell
    return 0.5 * (edges[1:] + edges[:-1]), hist / ideal


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset")
    ap.add_argument("--frame", type=int, default=-1, help="frame index (default: the last one)")
    ap.add_argument("-o", "--output", default="lj_rdf.png")
    args = ap.parse_args()
    with h5py.File(args.dataset, "r") as f:
        box = f["/particles/all/box/edges"][:]
        x = f["/particles/all/position/value"][args.frame]
    r, g = rdf(np.mod(x, box), box)
    peak = r[np.argmax(g)]
    plt.figure(figsize=(6, 4))
    plt.plot(r, g)
    plt.axhline(1.0, color="gray", lw=0.5)
    plt.axvline(peak, color="red", lw=0.5, ls="--")
    plt.xlabel("r (sigma)")
    plt.ylabel("g(r)")
    plt.title(f"g(r), {len(x)} atoms, first peak at r = {peak:.3f}")
    plt.tight_layout()
    plt.savefig(args.output, dpi=120)
    print(f"{args.output}: first peak of g(r) at r = {peak:.3f}, height {g.max():.2f}")


if __name__ == "__main__":
    main()
