#!/usr/bin/python3
"""Tables 1, 2 and 3 of [Partial observations] as CSV, from closure evaluation files.

Reads every closure evaluation file (evaluate stage, method = "closure") under the given files or
directories (job-array run directories, e.g. from jobs/closure_predator_prey_array.sbatch and
jobs/closure_deck_array.sbatch) and writes into --out:
  table1.csv  per system, microscopic dimension N and latent model: L_z and L_x,p (mean, std, repeats)
              at equal equivalent data, next to the paper's Table 1;
  table2.csv  (predator-prey by default) rows = equivalent training data R, columns L_z, L_x and
              L_x,p for each p: mean, std and repeats of the mean relative error, the paper's Table 2
              mean and the ratio ours / paper; only models with the most common lambda_cond;
  table3.csv  L_x,p error vs lambda_cond of the autoencoder (p = 1/5 by default) at the equivalent data
              size with the most lambda_cond values, next to the paper's Table 3.
Repeats are the runs that differ only in their seeds; std has ddof = 0. A table without data is
written with its header only (and a note on stderr).

usage: /usr/bin/python3 postprocess/closure_tables.py RUN_DIR_OR_FILE... [--out DIR]
           [--system predator_prey] [--table3-p 0.2]
"""
import argparse
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import closure_results as cr  # noqa: E402


def write_csv(path, header, rows):
    with open(path + ".tmp", "w") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            f.write(",".join(cr.fmt(x) if not isinstance(x, str) else x.replace(",", "") for x in row) + "\n")
    os.replace(path + ".tmp", path)
    print("wrote", path, "(%d rows)" % len(rows))


def table1(records):
    rows = []
    keys = sorted({(r["system"], r["state_dim"] or 0, r["model"]) for r in records})
    for system, n, model in keys:
        mine = [r for r in records if (r["system"], r["state_dim"] or 0, r["model"]) == (system, n, model)]
        lz = cr.over_seeds([r for r in mine if r["loss"] == "L_z"], lambda r: r["equivalent_data"])
        lxp = cr.over_seeds([r for r in mine if r["loss"] == "L_x,p"], lambda r: (r["equivalent_data"], r["p"]))
        paper = cr.PAPER_TABLE1.get((system, n))

        def paper_values(p):  # the paper's numbers on the rows with its p
            if not paper or p is None or abs(p - paper[2]) > 1e-2 * paper[2]:  # p has 3 digits
                return [None, None]
            return [paper[3][0] if paper[3] else None, paper[4][0]]
        # Equal data: every equivalent-data size that has L_x,p (and L_z where it was run).
        for (data, p), (m2, s2, c2) in sorted(lxp.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1])):
            m1, s1, c1 = lz.get(data, (None, None, 0))
            rows.append([system, n, model, mine[0]["latent_dim"], p, data, m1, s1, c1, m2, s2, c2] + paper_values(p))
        for data, (m1, s1, c1) in sorted(lz.items(), key=lambda kv: kv[0] or 0):
            if not any(k[0] == data for k in lxp):
                rows.append([system, n, model, mine[0]["latent_dim"], None, data, m1, s1, c1, None, None, 0,
                             None, None])
    # paper_*: the paper's Table 1 values, on the rows with its p
    header = ["system", "N", "latent_model", "latent_dim", "p", "equivalent_data", "L_z_mean", "L_z_std",
              "L_z_repeats", "L_xp_mean", "L_xp_std", "L_xp_repeats", "paper_L_z_mean", "paper_L_xp_mean"]
    return header, rows


def table2(records, system):
    mine, lam = cr.with_common_lambda([r for r in records if r["system"] == system])
    stats = cr.over_seeds(mine, lambda r: (r["equivalent_data"], cr.column_name(r)))
    columns = sorted({k[1] for k in stats}, key=lambda c: (c != "L_z", c != "L_x", -float(c.split("=")[1])
                                                           if "=" in c else 0))
    header = ["equivalent_data"]
    for c in columns:
        name = c.replace("L_x,p p=", "L_xp_p")  # no commas in CSV headers
        header += [name + "_mean", name + "_std", name + "_repeats", name + "_paper", name + "_ratio"]
    rows = []
    for data in sorted({k[0] for k in stats if k[0] is not None}):
        row = [data]
        for c in columns:
            m, s, n = stats.get((data, c), (None, None, 0))
            paper = cr.PAPER_TABLE2.get(int(round(data)), {}).get(c, (None, None))[0]
            row += [m, s, n, paper, (m / paper) if (m is not None and paper) else None]
        rows.append(row)
    return header, rows, lam


def table3(records, system, p):
    mine = [r for r in records if r["system"] == system and r["loss"] == "L_x,p" and r["p"] == cr.significant(p)
            and r["lambda_cond"] is not None]
    by_data = collections.defaultdict(set)
    for r in mine:
        by_data[r["equivalent_data"]].add(r["lambda_cond"])
    header = ["lambda_cond", "equivalent_data", "mean", "std", "repeats", "paper_mean"]
    if not by_data:
        return header, []
    data = max(by_data, key=lambda d: (len(by_data[d]), d or 0))
    stats = cr.over_seeds([r for r in mine if r["equivalent_data"] == data], lambda r: r["lambda_cond"])
    rows = [[lam, data, m, s, n, cr.PAPER_TABLE3.get(lam)] for lam, (m, s, n) in sorted(stats.items())]
    return header, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+", help="evaluation files or directories searched recursively")
    ap.add_argument("--out", default="closure_tables", help="output directory (default ./closure_tables)")
    ap.add_argument("--system", default="predator_prey", help="system of Tables 2 and 3")
    ap.add_argument("--table3-p", type=float, default=0.2, help="partial fraction of Table 3's L_x,p")
    args = ap.parse_args()
    records = cr.collect(args.inputs)
    os.makedirs(args.out, exist_ok=True)
    header, rows = table1(records)
    write_csv(os.path.join(args.out, "table1.csv"), header, rows)
    header, rows, lam = table2(records, args.system)
    if lam is not None:
        print("table2: lambda_cond = %g" % lam)
    write_csv(os.path.join(args.out, "table2.csv"), header, rows)
    header, rows = table3(records, args.system, args.table3_p)
    if not rows:
        print("table3: no %s L_x,p runs with p = %g and a known lambda_cond" % (args.system, args.table3_p),
              file=sys.stderr)
    write_csv(os.path.join(args.out, "table3.csv"), header, rows)


if __name__ == "__main__":
    main()
