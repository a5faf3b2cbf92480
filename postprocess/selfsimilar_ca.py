#!/usr/bin/python3
"""Self-similar dynamics, cellular automata: Table I, accuracy of all rules and Fig. 3 patterns.

Reads the evaluate stage's results file (method = "selfsimilar", system = "cellular_automata") and
writes, into --out (default: the results file's directory):
  selfsimilar_ca_table1.csv   rule, N, consistency (eq. 6), binary consistency, reconstruction MSE,
                              the paper's Table I value and whether the verdicts agree
                              (self-similar: consistency < --zero; not: > --nonzero)
  selfsimilar_ca_table1.png   the table as a heat map (measured | paper)
  selfsimilar_ca_accuracy.csv held-out next-state accuracy and truth-table probe per rule
  selfsimilar_ca_fig3.png     micro pattern and learnt coarse-grained patterns for the stored rules
Table I values: "Data Driven Modeling for Self-Similar Dynamics" (Tao, Tao, You, Zhang), Table I.
Usage: /usr/bin/python3 postprocess/selfsimilar_ca.py runs/<name>/results.h5 [more results.h5] [--out DIR]
(later files replace the (rule, N) cells of earlier ones: job-array tasks, supplementary runs)
"""
import argparse
import csv
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# rule: (N=2, N=3, N=4) from the paper's Table I
PAPER_TABLE1 = {
    0: (0.0, 0.0, 0.0), 15: (0.5, 0.0, 0.5116), 51: (0.5, 0.0, 0.5116), 60: (0.0, 0.4786, 0.0),
    85: (0.5, 0.0, 0.4884), 90: (0.0, 0.5246, 0.0), 102: (0.0, 0.2990, 0.0), 128: (0.0, 0.0, 0.0),
    136: (0.0, 0.0, 0.0), 150: (0.0, 0.7723, 0.0), 153: (0.0, 0.5407, 0.0), 170: (0.0, 0.0, 0.0),
    165: (0.0, 0.4911, 0.0), 192: (0.0, 0.0, 0.0), 195: (0.0, 0.4520, 0.0), 204: (0.0, 0.0, 0.0),
    238: (0.0, 0.0, 0.0), 240: (0.0, 0.0, 0.0), 252: (0.0, 0.0, 0.0), 254: (0.0, 0.0, 0.0), 255: (0.0, 0.0, 0.0),
}


def verdict(value, zero, nonzero):
    if value < zero:
        return "self-similar"
    if value > nonzero:
        return "not"
    return "undecided"


class Merged:
    """The 1-D result datasets of several results files (job-array tasks, or a run and supplementary
    runs) concatenated; a (rule) or (rule, N) entry of a later file replaces the same entry of an
    earlier one."""

    PER_RULE = ("rule", "accuracy", "truth_table")
    PER_CELL = ("table_rule", "table_group", "consistency", "binary_consistency", "reconstruction")

    def __init__(self, files):
        self.files = files
        self.data = {}
        for names, key in ((self.PER_RULE, lambda d, i: int(d["rule"][i])),
                           (self.PER_CELL, lambda d, i: (int(d["table_rule"][i]), int(d["table_group"][i])))):
            entries = {}
            for f in files:
                if names[0] not in f:
                    continue
                d = {n: f[n][:] for n in names}
                for i in range(len(d[names[0]])):
                    entries[key(d, i)] = [d[n][i] for n in names]
            for j, n in enumerate(names):
                self.data[n] = np.array([v[j] for v in entries.values()])

    def __contains__(self, name):
        return name in self.data and len(self.data[name]) > 0

    def __getitem__(self, name):
        return self.data[name]


def table1(f, out, zero, nonzero):
    if "table_rule" not in f:
        return  # dynamics-only run
    rules, groups = f["table_rule"][:].astype(int), f["table_group"][:].astype(int)
    cons, binary, rec = f["consistency"][:], f["binary_consistency"][:], f["reconstruction"][:]
    rows, agree, total = [], 0, 0
    for r, n, c, b, e in zip(rules, groups, cons, binary, rec):
        paper = PAPER_TABLE1.get(r, (None,) * 3)[n - 2] if 2 <= n <= 4 else None
        ok = ""
        if paper is not None:
            want = "self-similar" if paper == 0.0 else "not"
            ok = verdict(c, zero, nonzero) == want
            agree += ok
            total += 1
        rows.append([r, n, f"{c:.6g}", f"{b:.6g}", f"{e:.6g}", "" if paper is None else paper, ok])
    path = os.path.join(out, "selfsimilar_ca_table1.csv")
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["rule", "N", "consistency", "binary_consistency", "reconstruction", "paper", "agrees"])
        w.writerows(rows)
    print(f"{path}: {agree}/{total} cells agree with Table I (zero < {zero}, non-zero > {nonzero})")

    table_rules = sorted(set(rules) & set(PAPER_TABLE1))
    if table_rules:
        measured = np.full((len(table_rules), 3), np.nan)
        paper = np.array([PAPER_TABLE1[r] for r in table_rules])
        for r, n, c in zip(rules, groups, cons):
            if r in PAPER_TABLE1 and 2 <= n <= 4:
                measured[table_rules.index(r), n - 2] = c
        fig, axes = plt.subplots(1, 2, figsize=(6, 0.3 * len(table_rules) + 1.5))
        for ax, data, title in ((axes[0], measured, "measured"), (axes[1], paper, "paper Table I")):
            ax.imshow(np.clip(data, 0, 1), cmap="viridis", vmin=0, vmax=1, aspect="auto")
            for i in range(data.shape[0]):
                for j in range(3):
                    ax.text(j, i, f"{data[i, j]:.2g}", ha="center", va="center", fontsize=6, color="w")
            ax.set_xticks(range(3), ["N=2", "N=3", "N=4"])
            ax.set_yticks(range(len(table_rules)), [str(r) for r in table_rules], fontsize=7)
            ax.set_title(title)
        fig.tight_layout()
        fig.savefig(os.path.join(out, "selfsimilar_ca_table1.png"), dpi=150)
        plt.close(fig)


def accuracy(f, out):
    rules, acc, truth = f["rule"][:].astype(int), f["accuracy"][:], f["truth_table"][:].astype(int)
    path = os.path.join(out, "selfsimilar_ca_accuracy.csv")
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["rule", "heldout_accuracy", "truth_table_correct_of_8"])
        w.writerows([[r, f"{a:.6f}", t] for r, a, t in zip(rules, acc, truth)])
    print(f"{path}: {len(rules)} rules, min accuracy {acc.min():.6f}, "
          f"{int((acc >= 0.999).sum())} rules >= 0.999, {int((truth == 8).sum())} with the full truth table")


def fig3(files, out):
    files = [f for f in files if "patterns" in f]
    if not files:
        return
    f = files[0]
    names = sorted(f["patterns"].keys(), key=lambda s: int(s[4:]))
    groups = sorted({k for name in names for k in f["patterns"][name].keys() if k.startswith("N")})
    fig, axes = plt.subplots(len(names), 1 + len(groups), figsize=(3 * (1 + len(groups)), 3 * len(names)),
                             squeeze=False)
    for i, name in enumerate(names):
        g = f["patterns"][name]
        axes[i, 0].imshow(g["micro"][:], cmap="binary", interpolation="nearest", aspect="auto")
        axes[i, 0].set_title(f"{name} micro")
        for j, n in enumerate(groups):
            ax = axes[i, 1 + j]
            if n in g:
                ax.imshow(g[n]["macro"][:], cmap="binary", interpolation="nearest", aspect="auto", vmin=0, vmax=1)
            ax.set_title(f"{name} {n}: P(X)")
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(os.path.join(out, "selfsimilar_ca_fig3.png"), dpi=150)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+", help="evaluate stage output(s) (results.h5; several: job-array tasks)")
    ap.add_argument("--out", default=None, help="output directory (default: the results file's)")
    ap.add_argument("--zero", type=float, default=1e-3, help="consistency below this: self-similar")
    ap.add_argument("--nonzero", type=float, default=0.05, help="consistency above this: not self-similar")
    args = ap.parse_args()
    out = args.out or os.path.dirname(os.path.abspath(args.results[0]))
    os.makedirs(out, exist_ok=True)
    files = [h5py.File(p, "r") for p in args.results]
    merged = Merged(files)
    accuracy(merged, out)
    table1(merged, out, args.zero, args.nonzero)
    fig3(files, out)


if __name__ == "__main__":
    main()
