#!/usr/bin/python3
"""Self-similar dynamics on Vicsek lattices: Fig. 6 (a)-(c) of "Data Driven Modeling for Self-Similar
Dynamics" (Tao et al.) from the evaluate stage's results files of inputs/selfsimilar/vicsek.toml (one
file, or one per task of jobs/selfsimilar_vicsek_array.sbatch: their runs are pooled).

Writes into --out (default: the first results file's directory):
  selfsimilar_vicsek_runs.csv   one row per run: L, eta, repeat, phi mean and std (over time),
                                micro prediction error, persistence error |x_{t+1} - x_t|^2, data
                                variance, reconstruction error (all T frames of the next block,
                                and, where the results have it, over the first min(T) frames
                                only: reconstruction_leading, the same frames for every (T, S)),
                                consistency and relative consistency (/ mean P(X)^2) per (T, S)
  selfsimilar_vicsek.csv        per (L, eta): mean and std over repeats of the same quantities
  selfsimilar_vicsek.png        (a) order parameter phi and its std vs eta, (b) micro prediction
                                error vs eta, (c) reconstruction error vs eta per (T, S), (d) the
                                reconstruction error divided by the data variance
Prints per L and (T, S) the eta of the lowest mean reconstruction error and where (4, 2) beats (2, 2)
(on the leading frames when the results have them).
Usage: /usr/bin/python3 postprocess/selfsimilar_vicsek.py runs/selfsimilar_vicsek/results.h5 [more.h5 ...]
"""
import argparse
import csv
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

SCALARS = ["phi_mean", "phi_std", "micro_mse", "persistence_mse", "variance"]


def load(paths):
    rows, groups = [], None
    for p in paths:
        with h5py.File(p, "r") as f:
            g = list(zip(f["time_groups"][:].astype(int), f["space_groups"][:].astype(int)))
            if groups is None:
                groups = g
            elif g != groups:
                raise SystemExit(f"{p}: (T, S) groups {g} differ from {groups} of {paths[0]}")
            rec, cons = f["reconstruction"][:], f["consistency"][:]
            rel = f["relative_consistency"][:] if "relative_consistency" in f else np.full(rec.shape, np.nan)
            lead = f["reconstruction_leading"][:] if "reconstruction_leading" in f else np.full(rec.shape, np.nan)
            for i in range(len(f["L"])):
                r = {"L": int(f["L"][i]), "eta": float(f["eta"][i]), "repeat": int(f["repeat"][i])}
                for k in SCALARS:
                    r[k] = float(f[k][i])
                for j, (t, s) in enumerate(groups):
                    r[f"reconstruction_T{t}_S{s}"] = float(rec[i, j])
                    r[f"reconstruction_leading_T{t}_S{s}"] = float(lead[i, j])
                    r[f"consistency_T{t}_S{s}"] = float(cons[i, j])
                    r[f"relative_consistency_T{t}_S{s}"] = float(rel[i, j])
                rows.append(r)
    return rows, groups


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    out = args.out or os.path.dirname(os.path.abspath(args.results[0]))
    os.makedirs(out, exist_ok=True)
    rows, groups = load(args.results)
    keys = list(rows[0].keys())
    with open(os.path.join(out, "selfsimilar_vicsek_runs.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=keys)
        w.writeheader()
        w.writerows(sorted(rows, key=lambda r: (r["L"], r["eta"], r["repeat"])))
    values = [k for k in keys if k not in ("L", "eta", "repeat")]
    sizes = sorted({r["L"] for r in rows})
    etas = sorted({r["eta"] for r in rows})
    stats = {}  # (L, eta, key) -> (mean, std over repeats, count)
    with open(os.path.join(out, "selfsimilar_vicsek.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["L", "eta", "repeats"] + [f"{k}_{m}" for k in values for m in ("mean", "std")])
        for L in sizes:
            for e in etas:
                sel = [r for r in rows if r["L"] == L and r["eta"] == e]
                if not sel:
                    continue
                line = [L, e, len(sel)]
                for k in values:
                    v = np.array([r[k] for r in sel])
                    stats[(L, e, k)] = (v.mean(), v.std(), len(v))
                    line += [f"{v.mean():.6g}", f"{v.std():.6g}"]
                w.writerow(line)

    def series(L, key, scale=None):
        es = [e for e in etas if (L, e, key) in stats]
        m = np.array([stats[(L, e, key)][0] for e in es])
        s = np.array([stats[(L, e, key)][1] for e in es])
        if scale:
            d = np.array([stats[(L, e, scale)][0] for e in es])
            m, s = m / d, s / d
        return np.array(es), m, s

    fig, ax = plt.subplots(1, 4, figsize=(19, 4.2))
    markers = {32: "o", 64: "s"}
    for L in sizes:
        mk = markers.get(L, "^")
        e, m, s = series(L, "phi_mean")
        ax[0].errorbar(e, m, yerr=s, marker=mk, capsize=3, label=f"phi, L={L}")
        e, m, s = series(L, "phi_std")
        ax[0].errorbar(e, m, yerr=s, marker=mk, ls="--", capsize=3, label=f"std(phi), L={L}")
        e, m, s = series(L, "micro_mse")
        ax[1].errorbar(e, m, yerr=s, marker=mk, capsize=3, label=f"L={L}")
        for t, sg in groups:
            e, m, s = series(L, f"reconstruction_T{t}_S{sg}")
            ax[2].errorbar(e, m, yerr=s, marker=mk, capsize=3, label=f"L={L}, (T,S)=({t},{sg})")
            e, m, s = series(L, f"reconstruction_T{t}_S{sg}", scale="variance")
            ax[3].errorbar(e, m, yerr=s, marker=mk, capsize=3, label=f"L={L}, (T,S)=({t},{sg})")
    titles = ["(a) order parameter", "(b) micro prediction error", "(c) reconstruction error",
              "(d) reconstruction error / data variance"]
    ylabels = ["phi, std(phi)", "MSE f(x_t) vs x_{t+1}", "MSE P'(f(P(X_t))) vs X_{t+1}", "relative MSE"]
    for a, t, y in zip(ax, titles, ylabels):
        a.axvspan(1.6, 2.2, color="0.9", zorder=0)
        a.set_title(t)
        a.set_xlabel("eta")
        a.set_ylabel(y)
        a.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "selfsimilar_vicsek.png"), dpi=120)

    for L in sizes:
        for t, sg in groups:
            e, m, _ = series(L, f"reconstruction_T{t}_S{sg}")
            print(f"L={L} (T,S)=({t},{sg}): lowest reconstruction {m.min():.4g} at eta {e[m.argmin()]:g}; "
                  + ", ".join(f"{x:g}: {y:.4g}" for x, y in zip(e, m)))
        if (4, 2) in groups and (2, 2) in groups:
            name = "reconstruction_leading" if all(np.isfinite(r["reconstruction_leading_T4_S2"]) for r in rows) \
                else "reconstruction"
            e, a, _ = series(L, f"{name}_T4_S2")
            _, b, _ = series(L, f"{name}_T2_S2")
            print(f"L={L}: (4,2) below (2,2) ({name}) at eta " + (", ".join(f"{x:g}" for x in e[a < b]) or "none"))
    print("wrote", out)


if __name__ == "__main__":
    main()
