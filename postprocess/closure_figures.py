#!/usr/bin/python3
"""Figures 2, 3, 4 of [Partial observations] and true vs predicted observable trajectories, as PNG (with
the plotted numbers as CSV next to each), from closure evaluation files.

Reads every closure evaluation file under the given files or directories (closure_results.py) and
writes into --out whatever the data allow:
  figure2.png   mean relative error vs equivalent training data, one line per loss / p (mean over
                repeats, error bars = std), e_tol (--e-tol, default 3e-3) dashed (system --system,
                default predator_prey; the runs with the most common lambda_cond);
  figure3.png   error of every repeat per latent model structure (MLP, OnsagerNet, GFINNs ...), L_z next
                to L_x,p (system --fig3-system, default lj; falls back to any system with several models);
  figure4.png   force computations needed to reach e_tol vs system size (atoms for lj), L_z and L_x,p:
                per size, the error-vs-force-computations curve (mean over repeats) is interpolated
                log-log at its first crossing of e_tol; the curves themselves in the left panel and
                figure4_curves.csv;
  trajectories.png  true (encoded test trajectory) vs predicted (latent RK4 rollout) observable
                trajectories of the first --trajectories test trajectories of one evaluation file (the
                first found, or --evaluation FILE), one panel per observable dimension.
A figure without data is skipped with a note.

usage: /usr/bin/python3 postprocess/closure_figures.py RUN_DIR_OR_FILE... [--out DIR] [--system S]
           [--fig3-system lj] [--evaluation FILE] [--trajectories 3] [--e-tol 3e-3]
"""
import argparse
import math
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import closure_results as cr  # noqa: E402


def write_csv(csv, rows, header):
    with open(csv + ".tmp", "w") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            # strings lose their commas (L_x,p -> L_xp) so that every row has the header's columns
            f.write(",".join(x.replace(",", "") if isinstance(x, str) else cr.fmt(x) for x in row) + "\n")
    os.replace(csv + ".tmp", csv)


def save(fig, path, rows, header):
    fig.tight_layout()
    fig.savefig(path + ".tmp.png", dpi=120)
    plt.close(fig)
    os.replace(path + ".tmp.png", path)
    csv = os.path.splitext(path)[0] + ".csv"
    write_csv(csv, rows, header)
    print("wrote", path, "and", csv)


def figure2(records, system, e_tol, path):
    mine, _ = cr.with_common_lambda([r for r in records if r["system"] == system and r["equivalent_data"]])
    if not mine:
        print("figure2: no %s results" % system, file=sys.stderr)
        return
    stats = cr.over_seeds(mine, lambda r: (cr.column_name(r), r["equivalent_data"]))
    fig, ax = plt.subplots(figsize=(6, 4.5))
    rows = []
    for column in sorted({k[0] for k in stats}):
        data = sorted(d for c, d in stats if c == column)
        mean = [stats[(column, d)][0] for d in data]
        std = [stats[(column, d)][1] for d in data]
        ax.errorbar(data, mean, yerr=std, marker="o", capsize=3, label=column.replace("L_x,p p=", "L_x,p p = "))
        rows += [[column.replace(",", ""), d, m, s, stats[(column, d)][2]] for d, m, s in zip(data, mean, std)]
    ax.axhline(e_tol, color="k", ls="--", lw=1, label="e_tol = %g" % e_tol)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("equivalent number of training data")
    ax.set_ylabel("mean relative error (test)")
    ax.set_title("%s: error vs training data" % system)
    ax.legend(fontsize=8)
    save(fig, path, rows, ["column", "equivalent_data", "mean", "std", "repeats"])


def figure3(records, system, path):
    mine = [r for r in records if r["system"] == system]
    if len({r["model"] for r in mine}) < 2:  # fall back to the system with the most latent structures
        systems = {}
        for r in records:
            systems.setdefault(r["system"], set()).add(r["model"])
        system = max(systems, key=lambda s: len(systems[s]))
        mine = [r for r in records if r["system"] == system]
    groups = {}
    for r in mine:
        if r["loss"] in ("L_z", "L_x,p"):
            groups.setdefault((r["model"], r["loss"]), []).append(r["mean"])
    if not groups:
        print("figure3: no L_z / L_x,p results", file=sys.stderr)
        return
    models = sorted({k[0] for k in groups})
    fig, ax = plt.subplots(figsize=(1.8 + 1.6 * len(models), 4.5))
    rows = []
    for j, loss in enumerate(("L_z", "L_x,p")):
        pos = [i + (j - 0.5) * 0.35 for i in range(len(models))]
        vals = [groups.get((m, loss), []) for m in models]
        for x, v in zip(pos, vals):
            if v:
                ax.boxplot([v], positions=[x], widths=0.3, patch_artist=True,
                           boxprops={"facecolor": "C%d" % j, "alpha": 0.5})
                ax.plot([x] * len(v), v, ".", color="C%d" % j)
        ax.plot([], [], "s", color="C%d" % j, alpha=0.5, label=loss)
        rows += [[m, loss, e] for m, v in zip(models, vals) for e in v]
    ax.set_xticks(range(len(models)))
    ax.set_xticklabels(models)
    ax.set_yscale("log")
    ax.set_ylabel("mean relative error (test)")
    ax.set_title("%s: latent model structures" % system)
    ax.legend()
    save(fig, path, rows, ["latent_model", "loss", "error"])


def crossing(points, tol):
    """First x where the piecewise log-log curve through (x, err) points (sorted by x) reaches tol."""
    for (x0, e0), (x1, e1) in zip(points, points[1:]):
        if e0 > tol >= e1 and e0 > 0 and e1 > 0:
            w = (math.log(e0) - math.log(tol)) / (math.log(e0) - math.log(e1))
            return math.exp(math.log(x0) + w * (math.log(x1) - math.log(x0)))
    return points[0][0] if points and points[0][1] <= tol else None


def figure4(records, e_tol, path):
    mine = [r for r in records if r["force_computations"] and r["loss"] in ("L_z", "L_x,p") and r["state_dim"]]
    sizes = sorted({(r["system"], r["state_dim"]) for r in mine})
    if len(sizes) < 2:
        print("figure4: results for fewer than two system sizes", file=sys.stderr)
        return
    fig, (curves, needs) = plt.subplots(1, 2, figsize=(11, 4.5))
    rows, curve_rows = [], []
    for j, loss in enumerate(("L_z", "L_x,p")):
        xs, ys = [], []
        for k, (system, n) in enumerate(sizes):
            stats = cr.over_seeds([r for r in mine if (r["system"], r["state_dim"], r["loss"]) == (system, n, loss)],
                                  lambda r: r["force_computations"])
            points = sorted((f, m) for f, (m, _, _) in stats.items())
            needed = crossing(points, e_tol) if points else None
            size = n // 6 if system == "lj" else n
            rows.append([system, size, loss, needed])
            curve_rows += [[system, size, loss, f, m, sd, count] for f, (m, sd, count) in sorted(stats.items())]
            if points:
                curves.plot(*zip(*points), "o-" if j == 0 else "s--", color="C%d" % k,
                            label="%s, %g" % (loss, size))
            if needed is not None:
                xs.append(size)
                ys.append(needed)
        if xs:
            needs.plot(xs, ys, "o-", color="C%d" % j, label=loss)
    curves.axhline(e_tol, color="k", ls=":", lw=1, label="e_tol = %g" % e_tol)
    for ax in (curves, needs):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.legend(fontsize=7)
    curves.set_xlabel("force computations")
    curves.set_ylabel("mean relative error (mean over repeats)")
    needs.set_xlabel("system size (atoms; grid cells for PDEs)")
    needs.set_ylabel("force computations to reach e_tol = %g" % e_tol)
    save(fig, path, rows, ["system", "size", "loss", "force_computations"])
    curves_csv = os.path.splitext(path)[0] + "_curves.csv"
    write_csv(curves_csv, curve_rows,
              ["system", "size", "loss", "force_computations", "error_mean", "error_std", "repeats"])
    print("wrote", curves_csv)


def trajectories(path, count, out):
    with h5py.File(path, "r") as f:
        times = f["times"][()]
        true = f["true"][()]
        pred = f["predictions"][()]
        labels = cr.text(f.attrs.get("labels", "")).split(";")
        system = cr.text(f.attrs.get("system", "?"))
        dims = int(f.attrs.get("observable_dims", 1))
    count = min(count, true.shape[0])
    fig, axes = plt.subplots(1, dims, figsize=(5.5 * dims, 4), squeeze=False)
    rows = []
    for i in range(dims):
        ax = axes[0][i]
        for k in range(count):
            ax.plot(times, true[k, :, i], "k-", lw=1.5, label="true" if k == 0 else None)
            for m, label in enumerate(labels):
                ax.plot(times, pred[m, k, :, i], "--", color="C%d" % m, lw=1, label=label if k == 0 else None)
        ax.set_xlabel("t")
        ax.set_ylabel("observable z*_%d" % i)
        ax.legend(fontsize=8)
    fig.suptitle("%s: true vs predicted observables (%d test trajectories)" % (system, count))
    for k in range(count):
        for t in range(len(times)):
            for i in range(dims):
                rows.append([k, times[t], i, true[k, t, i]] + [pred[m, k, t, i] for m in range(len(labels))])
    save(fig, out, rows, ["trajectory", "t", "dim", "true"] + [l.replace(",", "") for l in labels])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+", help="evaluation files or directories searched recursively")
    ap.add_argument("--out", default="closure_figures", help="output directory (default ./closure_figures)")
    ap.add_argument("--system", default="predator_prey", help="system of Figure 2")
    ap.add_argument("--fig3-system", default="lj", help="system of Figure 3")
    ap.add_argument("--evaluation", default=None, help="evaluation file of the trajectory figure")
    ap.add_argument("--trajectories", type=int, default=3, help="test trajectories in the trajectory figure")
    ap.add_argument("--e-tol", type=float, default=cr.ERROR_TOLERANCE,
                    help="error tolerance of Figures 2 and 4 (default %g, the paper's)" % cr.ERROR_TOLERANCE)
    args = ap.parse_args()
    records = cr.collect(args.inputs)
    os.makedirs(args.out, exist_ok=True)
    figure2(records, args.system, args.e_tol, os.path.join(args.out, "figure2.png"))
    figure3(records, args.fig3_system, os.path.join(args.out, "figure3.png"))
    figure4(records, args.e_tol, os.path.join(args.out, "figure4.png"))
    trajectories(args.evaluation or records[0]["evaluation"], args.trajectories,
                 os.path.join(args.out, "trajectories.png"))


if __name__ == "__main__":
    main()
