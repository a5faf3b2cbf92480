#!/usr/bin/python3
"""Self-similar vs non-self-similar framework (Fig. 7 and Fig. S5 of "Data Driven Modeling for
Self-Similar Dynamics", Tao et al.) from a run of inputs/selfsimilar/{ca,diffusion,vicsek}_fig7.toml.

Reads <run>/selfsimilar_seed*.h5 and <run>/baseline_seed*.h5 (train stage models files: the
stage-2 loss per epoch at /<rule, dataset or run>/<group>/loss) and their *_results.h5
(consistency, reconstruction; patterns for cellular automata), and writes into --out (default <run>):
  selfsimilar_fig7.csv   epoch, mean and std of the training loss over the runs, per framework
  selfsimilar_fig7.png   the two loss curves (mean +- std), like Fig. 7
  selfsimilar_figS5.png  (cellular automata) micro pattern and the coarse-grained patterns of one run
                         of each framework
  and prints the held-out consistency and reconstruction of every run.
Usage: /usr/bin/python3 postprocess/selfsimilar_fig7.py runs/selfsimilar_<system>_fig7 [--out DIR]
"""
import argparse
import csv
import glob
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def curves(run, variant):
    out = []
    for path in sorted(glob.glob(os.path.join(run, f"{variant}_seed*.h5"))):
        if path.endswith("_results.h5"):
            continue
        with h5py.File(path, "r") as f:
            # the first coarse-graining group holding a stage-2 loss curve
            top, group = next((t, g) for t in f.keys() if isinstance(f[t], h5py.Group)
                              for g in f[t].keys() if isinstance(f[t][g], h5py.Group) and "loss" in f[t][g])
            out.append((path, top, group, f[top][group]["loss"][:]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", help="run directory of ca_fig7.toml")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    out = args.out or args.run
    os.makedirs(out, exist_ok=True)
    stats = {}
    for variant in ("selfsimilar", "baseline"):
        runs = curves(args.run, variant)
        if not runs:
            raise SystemExit(f"{args.run}: no {variant}_seed*.h5 models files")
        n = min(len(c) for *_, c in runs)
        data = np.array([c[:n] for *_, c in runs])
        stats[variant] = (data.mean(axis=0), data.std(axis=0), runs[0][1], runs[0][2], len(runs))
        for path, *_ in runs:
            res = path[:-3] + "_results.h5"
            if os.path.exists(res):
                with h5py.File(res, "r") as f:
                    binary = f"binary {f['binary_consistency'][0]:.4g}, " if "binary_consistency" in f else ""
                    print(f"{os.path.basename(path)}: consistency {np.ravel(f['consistency'])[0]:.4g}, {binary}"
                          f"reconstruction {np.ravel(f['reconstruction'])[0]:.4g}, "
                          f"last training loss {data[[p for p, *_ in runs].index(path)][-1]:.4g}")
    path = os.path.join(out, "selfsimilar_fig7.csv")
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["epoch", "selfsimilar_mean", "selfsimilar_std", "baseline_mean", "baseline_std"])
        n = min(len(stats[v][0]) for v in stats)
        for e in range(n):
            w.writerow([e + 1] + [f"{stats[v][k][e]:.6g}" for v in ("selfsimilar", "baseline") for k in (0, 1)])
    print(path)
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for variant, color in (("selfsimilar", "tab:blue"), ("baseline", "tab:green")):
        mean, std, rule, group, count = stats[variant]
        x = np.arange(1, len(mean) + 1)
        ax.plot(x, mean, color=color, label=f"{variant} ({count} runs)")
        ax.fill_between(x, mean - std, mean + std, color=color, alpha=0.3)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (reconstruction)")
    ax.set_title(f"{stats['selfsimilar'][2]} {stats['selfsimilar'][3]}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "selfsimilar_fig7.png"), dpi=150)
    plt.close(fig)

    panels = []
    for variant in ("selfsimilar", "baseline"):
        res = sorted(glob.glob(os.path.join(args.run, f"{variant}_seed*_results.h5")))
        if res:
            with h5py.File(res[0], "r") as f:
                if "patterns" in f:
                    panels.append((variant, res[0]))
    if panels:
        fig, axes = plt.subplots(1, 1 + len(panels), figsize=(3 * (1 + len(panels)), 3))
        with h5py.File(panels[0][1], "r") as f:
            rule = next(iter(f["patterns"].keys()))
            axes[0].imshow(f["patterns"][rule]["micro"][:], cmap="binary", interpolation="nearest", aspect="auto")
            axes[0].set_title(f"{rule} micro")
        for ax, (variant, res) in zip(axes[1:], panels):
            with h5py.File(res, "r") as f:
                g = f["patterns"][rule]
                group = next(k for k in g.keys() if k.startswith("N"))
                ax.imshow(g[group]["macro"][:], cmap="binary", interpolation="nearest", aspect="auto", vmin=0, vmax=1)
                ax.set_title(f"{variant} {group}: P(X)")
        for ax in axes:
            ax.set_xticks([])
            ax.set_yticks([])
        fig.tight_layout()
        fig.savefig(os.path.join(out, "selfsimilar_figS5.png"), dpi=150)
        plt.close(fig)


if __name__ == "__main__":
    main()
