#!/usr/bin/python3
"""Space-time pictures of elementary cellular automata from a `simulate` stage (system = "cellular_automata").

Reads <run_dir>/<file> (/spacetime (n, T+1, W) uint8, /rule (n)) and draws the first sample of each
selected rule (time downwards, black = 1) in a grid of panels; writes a PNG.

usage: /usr/bin/python3 postprocess/ca_spacetime.py RUN_DIR [--file cellular_automata.h5]
                                                    [--rules 30 90 110 184] [--out ca_spacetime.png]
"""
import argparse
import math
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run_dir")
    ap.add_argument("--file", default="cellular_automata.h5")
    ap.add_argument("--rules", type=int, nargs="*", default=None, help="default: up to 16 rules of the file")
    ap.add_argument("--out", default=None, help="PNG path (default RUN_DIR/ca_spacetime.png)")
    args = ap.parse_args()
    with h5py.File(os.path.join(args.run_dir, args.file), "r") as f:
        rules = f["rule"][()]
        st = f["spacetime"]
        wanted = args.rules if args.rules else list(dict.fromkeys(rules.tolist()))[:16]
        panels = []
        for r in wanted:
            idx = np.flatnonzero(rules == r)
            if idx.size == 0:
                raise SystemExit(f"rule {r} is not in {args.file} (rules there: {sorted(set(rules.tolist()))})")
            panels.append((r, st[int(idx[0])]))
    n = len(panels)
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 3.2 * rows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < n:
            r, img = panels[k]
            ax.imshow(img, cmap="Greys", interpolation="nearest", vmin=0, vmax=1)
            ax.set_title(f"rule {r}")
    fig.tight_layout()
    out = args.out or os.path.join(args.run_dir, "ca_spacetime.png")
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
