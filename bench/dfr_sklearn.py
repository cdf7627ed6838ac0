"""The published DFR^Val_Tr protocol (Kirichenko et al. 2023, dfr_evaluate_spurious.py) with
scikit-learn's liblinear, on embeddings saved as .npy: the baseline of bench/dfr.bench.ts.

Usage: python3 bench/dfr_sklearn.py DIR SEED [SEED...]  -> one JSON line per seed on stdout:
{"seed", "seconds" (tune + refits, the solver's work, not file reading), "C", "worstGroupAccuracy",
"averageAccuracy"}. DIR holds heldout_{x,y,g}.npy, test_{x,y,g}.npy and optionally train_x.npy
(the published code fits the final scaler on the training embeddings; without them, on the
held-out set). Grid, 20 refits, half split, balanced subsamples and tol follow the published code.
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

C_GRID = [1.0, 0.7, 0.3, 0.1, 0.07, 0.03, 0.01]
REFITS = 20


def balanced(g, rows):
    groups = [rows[g[rows] == k] for k in range(int(g.max()) + 1)]
    groups = [r.copy() for r in groups if len(r)]
    smallest = min(len(r) for r in groups)
    for r in groups:
        np.random.shuffle(r)
    return np.concatenate([r[:smallest] for r in groups])


def worst_group(pred, y, g):
    accs = [(pred == y)[g == k].mean() for k in np.unique(g)]
    return float(min(accs)), float((pred == y).mean())


def dfr(x, y, g, x_test, y_test, g_test, x_train):
    n = len(y)
    idx = np.arange(n)
    np.random.shuffle(idx)
    half = n // 2
    ev, fit = idx[:half], idx[half:]
    rows = balanced(g, fit)
    scaler = StandardScaler().fit(x[rows])
    xs, xe = scaler.transform(x[rows]), scaler.transform(x[ev])
    best = None
    for c in C_GRID:
        m = LogisticRegression(penalty="l1", C=c, solver="liblinear").fit(xs, y[rows])
        wga, _ = worst_group(m.predict(xe), y[ev], g[ev])
        if best is None or wga > best[0]:
            best = (wga, c)
    c = best[1]
    scaler = StandardScaler().fit(x_train if x_train is not None else x)
    coefs, intercepts = [], []
    for _ in range(REFITS):
        rows = balanced(g, np.arange(n))
        m = LogisticRegression(penalty="l1", C=c, solver="liblinear").fit(scaler.transform(x[rows]), y[rows])
        coefs.append(m.coef_)
        intercepts.append(m.intercept_)
    coef, intercept = np.mean(coefs, axis=0), np.mean(intercepts, axis=0)
    pred = np.argmax(scaler.transform(x_test) @ coef.T + intercept, axis=1)
    wga, avg = worst_group(pred, y_test, g_test)
    return c, wga, avg


def main():
    d = sys.argv[1]
    load = lambda name: np.load(os.path.join(d, name + ".npy"))
    x, y, g = load("heldout_x").astype(np.float64), load("heldout_y"), load("heldout_g")
    xt, yt, gt = load("test_x").astype(np.float64), load("test_y"), load("test_g")
    xtr = load("train_x").astype(np.float64) if os.path.exists(os.path.join(d, "train_x.npy")) else None
    for seed in sys.argv[2:]:
        np.random.seed(int(seed))
        start = time.perf_counter()
        c, wga, avg = dfr(x, y, g, xt, yt, gt, xtr)
        seconds = time.perf_counter() - start
        print(json.dumps({"seed": int(seed), "seconds": seconds, "C": c, "worstGroupAccuracy": wga,
                          "averageAccuracy": avg}), flush=True)


if __name__ == "__main__":
    main()
