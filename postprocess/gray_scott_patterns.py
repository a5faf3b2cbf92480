#!/usr/bin/python3
"""Grid of Gray-Scott patterns (channel b, or the learning channel (a+b)/2) with their parameters.

usage: /usr/bin/python3 postprocess/gray_scott_patterns.py RUN_DIR/gray_scott.h5 [--count 16] [--channel b|a|mean] [--out PNG]
"""
import argparse
import math

import h5py
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset")
    ap.add_argument("--count", type=int, default=16)
    ap.add_argument("--channel", choices=["a", "b", "mean"], default="b")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    with h5py.File(args.dataset, "r") as f:
        patterns = f["/patterns"][()]
        params = f["/parameters"][()]
    n = min(args.count, patterns.shape[0])
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.2 * cols, 2.4 * rows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        a, b = patterns[i, 0], patterns[i, 1]
        img = {"a": a, "b": b, "mean": 0.5 * (a + b)}[args.channel]
        ax.imshow(img, origin="lower", cmap="viridis")
        ax.set_title(f"F={params[i, 2]:.3f} k={params[i, 3]:.3f}", fontsize=7)
    fig.tight_layout()
    out = args.out or args.dataset.rsplit(".h5", 1)[0] + "_patterns.png"
    fig.savefig(out, dpi=110)
    print(f"wrote {out} ({n} patterns, channel {args.channel})")


if __name__ == "__main__":
    main()
