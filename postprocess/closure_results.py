#!/usr/bin/python3
"""Shared reader for the closure method's results (used by closure_tables.py and closure_figures.py).

An evaluate stage with method = "closure" writes one HDF5 file (schema at the top of
src/learn/closure/closure_evaluate_stage.hpp): /times (T), /true (K, T, d), /predictions (M, K, T, d),
/errors (M, K), /mean_relative_error (M), /std_relative_error (M), /train_time_s (M), and root
attributes method = "closure", system, labels / losses / models (";"-joined, one entry per model),
observable_dims, latent_dim, dt. Each latent-model file (train stage, phase latent) carries the
attributes loss, label, autoencoder, configurations, partial_coordinates, time_s, precompute_s and a
/latent group (attributes model, dim, seed); the autoencoder file carries lambda_cond and an
/autoencoder group (state_dim, latent_dim, seed).

collect(paths) finds every closure evaluation file under the given files / directories and returns one
record (dict) per evaluated model, with the bookkeeping the paper's tables use:
  p                 = partial_coordinates / state_dim (1 for L_z and L_x)
  equivalent_data   = configurations * p   ("# of training data" of Table 2: n configurations with
                      d = N p force coordinates each count as n p configurations with all forces)
  force_computations = configurations * forces per configuration (atoms for lj: coordinates / 6)
Model and autoencoder files are looked up as recorded, then next to the evaluation file; missing ones
leave their fields None.
"""
import collections
import glob
import math
import os

import h5py
import numpy as np

# Values reported in [Partial observations] (mean, std over repeats), for side-by-side comparison.
PAPER_TABLE2 = {  # equivalent data -> column -> (mean, std); columns "L_x" and "L_x,p p=<p>"
    600: {"L_x": (1.09e-2, 0.57e-2), "L_x,p p=0.75": (1.79e-2, 1.11e-2), "L_x,p p=0.5": (9.22e-3, 4.46e-3),
          "L_x,p p=0.25": (3.50e-3, 1.33e-3), "L_x,p p=0.2": (4.00e-3, 1.78e-3)},
    1500: {"L_x": (4.70e-3, 0.46e-3), "L_x,p p=0.75": (4.56e-3, 1.97e-3), "L_x,p p=0.5": (3.30e-3, 1.60e-3),
           "L_x,p p=0.25": (2.19e-3, 0.57e-3), "L_x,p p=0.2": (1.92e-3, 0.47e-3)},
    3000: {"L_x": (2.90e-3, 1.63e-3), "L_x,p p=0.75": (2.07e-3, 0.41e-3), "L_x,p p=0.5": (1.57e-3, 0.45e-3),
           "L_x,p p=0.25": (1.23e-3, 0.16e-3), "L_x,p p=0.2": (1.34e-3, 0.20e-3)},
    6000: {"L_x": (1.24e-3, 0.16e-3), "L_x,p p=0.75": (1.07e-3, 0.18e-3), "L_x,p p=0.5": (1.46e-3, 0.59e-3),
           "L_x,p p=0.25": (9.08e-4, 0.25e-4), "L_x,p p=0.2": (1.13e-3, 0.31e-3)},
    12000: {"L_x": (9.20e-4, 2.30e-4), "L_x,p p=0.75": (8.13e-4, 0.64e-4), "L_x,p p=0.5": (8.23e-4, 0.13e-4),
            "L_x,p p=0.25": (7.66e-4, 3.14e-4), "L_x,p p=0.2": (8.36e-4, 1.94e-4)},
    24000: {"L_x": (6.76e-4, 0.93e-4), "L_x,p p=0.75": (6.85e-4, 0.95e-4), "L_x,p p=0.5": (6.98e-4, 1.20e-4),
            "L_x,p p=0.25": (5.64e-4, 0.18e-4), "L_x,p p=0.2": (5.70e-4, 1.00e-4)},
}
PAPER_TABLE3 = {0.0: 6.42e-2, 1e-8: 2.62e-3, 1e-7: 2.84e-3, 1e-6: 8.36e-4, 1e-5: 3.66e-3, 1e-4: 2.60e-3,
                1e-2: 4.24e-3}
PAPER_TABLE1 = {  # (system, N) -> (observables, d, p, L_z (mean, std) or None, L_x,p (mean, std))
    ("predator_prey", 100): ("u_mean v_mean", 4, 1 / 5, (3.19e-3, 0.60e-3), (1.34e-3, 0.16e-3)),
    ("allen_cahn", 40000): ("free energy", 16, 1 / 25, (6.93e-3, 2.80e-3), (3.98e-3, 1.58e-3)),
    ("lj", 4800): ("temperature", 32, 1 / 16, (4.45e-3, 2.03e-3), (1.17e-3, 0.18e-3)),
    ("lj", 307200): ("temperature", 32, 1 / 1024, None, (4.96e-3, 0.56e-3)),
}
ERROR_TOLERANCE = 3e-3  # e_tol of Figures 2 and 4


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def is_evaluation(path):
    try:
        with h5py.File(path, "r") as f:
            return text(f.attrs.get("method", "")) == "closure" and "mean_relative_error" in f
    except OSError:
        return False


def evaluation_files(paths):
    found = []
    for p in paths:
        candidates = sorted(glob.glob(os.path.join(p, "**", "*.h5"), recursive=True)) if os.path.isdir(p) else [p]
        found += [c for c in candidates if not c.endswith(".tmp") and is_evaluation(c)]
    if not found:
        raise SystemExit("no closure evaluation file (attribute method = closure) under: " + " ".join(paths))
    return found


def resolve(recorded, near):
    """A path as recorded by the run, or the file of that name next to `near`."""
    if recorded and os.path.exists(recorded):
        return recorded
    alt = os.path.join(os.path.dirname(near), os.path.basename(recorded or ""))
    return alt if recorded and os.path.exists(alt) else None


def attrs_of(path, group="/"):
    if path is None:
        return {}
    with h5py.File(path, "r") as f:
        if group not in f:
            return {}
        return {k: (text(v) if isinstance(v, (bytes, str)) else v) for k, v in f[group].attrs.items()}


def significant(x, digits=3):
    if x is None or not math.isfinite(x) or x == 0:
        return x
    return round(x, digits - 1 - int(math.floor(math.log10(abs(x)))))


def records_of(path):
    out = []
    with h5py.File(path, "r") as f:
        a = f.attrs
        labels = text(a.get("labels", "")).split(";")
        losses = text(a.get("losses", "")).split(";")
        models = text(a.get("models", "")).split(";")
        means = f["mean_relative_error"][()]
        stds = f["std_relative_error"][()] if "std_relative_error" in f else np.full(len(means), np.nan)
        errors = f["errors"][()] if "errors" in f else None
        times = f["train_time_s"][()] if "train_time_s" in f else np.full(len(means), np.nan)
        system = text(a.get("system", "?"))
        observable_dims = int(a.get("observable_dims", 1))
        latent_dim = int(a.get("latent_dim", 0))
    for m, mean in enumerate(means):
        model_path = resolve(models[m] if m < len(models) else "", path)
        latent = attrs_of(model_path)
        latent_group = attrs_of(model_path, "/latent")
        ae_path = resolve(latent.get("autoencoder"), model_path or path)
        ae = attrs_of(ae_path)
        ae_group = attrs_of(ae_path, "/autoencoder")
        loss = latent.get("loss", losses[m] if m < len(losses) else "?")
        state_dim = int(ae_group["state_dim"]) if "state_dim" in ae_group else None
        configurations = int(latent["configurations"]) if "configurations" in latent else None
        partial = int(latent.get("partial_coordinates", 0) or 0)
        p = partial / state_dim if (loss == "L_x,p" and state_dim and partial) else 1.0
        per_force = 6 if system == "lj" else 1  # coordinates per force computation (an atom: (v, F/m))
        used = partial if loss == "L_x,p" and partial else state_dim
        out.append({
            "evaluation": path,
            "run_dir": os.path.dirname(path),
            "system": system,
            "label": labels[m] if m < len(labels) else loss,
            "loss": loss,
            "model": latent_group.get("model", "mlp"),
            "seed": int(latent_group["seed"]) if "seed" in latent_group else None,
            "ae_seed": int(ae_group["seed"]) if "seed" in ae_group else None,
            "lambda_cond": float(ae["lambda_cond"]) if "lambda_cond" in ae else None,
            "state_dim": state_dim,
            "latent_dim": latent_dim,
            "observable_dims": observable_dims,
            "configurations": configurations,
            "partial_coordinates": partial,
            "p": significant(p),
            "equivalent_data": significant(configurations * p) if configurations else None,
            "force_computations": configurations * used / per_force if configurations and used else None,
            "mean": float(mean),
            "std": float(stds[m]),
            "errors": None if errors is None else np.asarray(errors[m], dtype=float),
            "train_time_s": float(times[m]),
            "model_path": model_path,
        })
    return out


def collect(paths):
    records = []
    for path in evaluation_files(paths):
        records += records_of(path)
    return records


def column_name(r):
    """Table 2 style column: L_z, L_x, or L_x,p p=<p>."""
    return "L_x,p p=%g" % r["p"] if r["loss"] == "L_x,p" else r["loss"]


def over_seeds(records, key):
    """Groups records by key(r) and returns {key: (mean, std, count)} of their mean errors over repeats
    (std with ddof = 0, as numpy's default; infinite errors make the mean infinite)."""
    groups = {}
    for r in records:
        groups.setdefault(key(r), []).append(r["mean"])
    return {k: (float(np.mean(v)), float(np.std(v)), len(v)) for k, v in groups.items()}


def most_common(values):
    values = [v for v in values if v is not None]
    return collections.Counter(values).most_common(1)[0][0] if values else None


def with_common_lambda(records):
    """The records whose autoencoder has the most common lambda_cond (Table 2 and Figure 2 compare
    losses at one lambda_cond; Table 3's sweep would otherwise mix in)."""
    lam = most_common(r["lambda_cond"] for r in records)
    return [r for r in records if r["lambda_cond"] == lam], lam


def fmt(x):
    if isinstance(x, int):
        return str(x)  # counts (atoms, configurations) in full
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else ("%.4g" % x)
