#!/usr/bin/env python3
"""Generates fixtures/drift_extra/: drift cases beyond ../shared/oracle, with
reference values from scipy (ks_2samp, wasserstein_distance, chisquare,
jensenshannon) and numpy (PSI as the contract defines it; Evidently's
Sturges PSI as evidently/legacy/calculations/stattests/utils.py computes it).

Every KS branch scipy takes is covered: the exact route for equal and
unequal sizes up to 10,000, and the asymptotic route through each of kstwo's
algorithms (Pomeranz and Durbin's matrix for small effective n, Pelz-Good,
and twice the Smirnov tail). Run: python3 bench/drift_cases.py
"""
import json
import os

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "drift_extra")
rng = np.random.default_rng(20261122)


def psi_contract(r, c, bins=10):
    edges = np.unique(np.quantile(r, np.linspace(0, 1, bins + 1)))
    nb = len(edges) - 1

    def shares(x):
        i = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, nb - 1)
        return np.maximum(np.bincount(i, minlength=nb) / len(x), 1e-4)

    a, e = shares(c), shares(r)
    return float(np.sum((a - e) * np.log(a / e)))


def psi_evidently(r, c):
    """evidently get_binned_data(feature_type=num) + psi, on NaN-free data."""
    r, c = pd.Series(r), pd.Series(c)
    if r.nunique() > 20:
        bins = np.histogram_bin_edges(pd.concat([r, c]).values, bins="sturges")
        rp = np.histogram(r, bins)[0] / len(r)
        cp = np.histogram(c, bins)[0] / len(c)
    else:
        keys = list(set(r.unique()) | set(c.unique()))
        rd = {**dict.fromkeys(keys, 0), **dict(r.value_counts())}
        cd = {**dict.fromkeys(keys, 0), **dict(c.value_counts())}
        rp = np.array([rd[k] / len(r) for k in keys])
        cp = np.array([cd[k] / len(c) for k in keys])
    for p in (rp, cp):
        m = min(p[p != 0])
        np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return float(np.sum((rp - cp) * np.log(rp / cp)))


def numeric_case(name, r, c, digits=None):
    if digits is not None:
        r, c = np.round(r, digits), np.round(c, digits)
    pd.DataFrame({"x": r}).to_csv(os.path.join(OUT, f"{name}_ref.csv"), index=False)
    pd.DataFrame({"x": c}).to_csv(os.path.join(OUT, f"{name}_cur.csv"), index=False)
    # Read back, as abx will see the files.
    r = pd.read_csv(os.path.join(OUT, f"{name}_ref.csv"))["x"].to_numpy()
    c = pd.read_csv(os.path.join(OUT, f"{name}_cur.csv"))["x"].to_numpy()
    ks = stats.ks_2samp(r, c, method="auto")
    w = stats.wasserstein_distance(r, c)
    return {
        "name": name,
        "reference": f"{name}_ref.csv",
        "current": f"{name}_cur.csv",
        "column": "x",
        "n_reference": len(r),
        "n_current": len(c),
        "psi": psi_contract(r, c),
        "psi_bins_20": psi_contract(r, c, 20),
        "psi_sturges": psi_evidently(r, c),
        "ks_statistic": float(ks.statistic),
        "ks_p_value": float(ks.pvalue),
        "wasserstein": float(w),
        "wasserstein_normed": float(w / np.std(r)),
        "mean_reference": float(np.mean(r)),
        "mean_current": float(np.mean(c)),
        "sd_reference": float(np.std(r, ddof=1)),
        "sd_current": float(np.std(c, ddof=1)),
    }


def categorical_case(name, ref_counts, cur_counts):
    r = [k for k, v in ref_counts.items() for _ in range(v)]
    c = [k for k, v in cur_counts.items() for _ in range(v)]
    rng.shuffle(r)
    rng.shuffle(c)
    pd.DataFrame({"x": r}).to_csv(os.path.join(OUT, f"{name}_ref.csv"), index=False)
    pd.DataFrame({"x": c}).to_csv(os.path.join(OUT, f"{name}_cur.csv"), index=False)
    keys = sorted(set(ref_counts) | set(cur_counts))
    rc = np.array([ref_counts.get(k, 0) for k in keys], float)
    cc = np.array([cur_counts.get(k, 0) for k in keys], float)
    e = np.maximum(rc / rc.sum(), 1e-4)
    a = np.maximum(cc / cc.sum(), 1e-4)
    expected = cc.sum() * e / e.sum()
    chi = stats.chisquare(cc, expected)
    return {
        "name": name,
        "reference": f"{name}_ref.csv",
        "current": f"{name}_cur.csv",
        "column": "x",
        "psi": float(np.sum((a - e) * np.log(a / e))),
        "chi2_statistic": float(chi.statistic),
        "chi2_p_value": float(chi.pvalue),
        "js_distance": float(jensenshannon(rc / rc.sum(), cc / cc.sum(), base=2)),
        "new_categories": sorted(k for k in cur_counts if k not in ref_counts),
    }


def mixed_fixture():
    """mixed_ref.parquet / mixed_cur.parquet: every kind of column abx drift meets."""
    import polars as pl

    k = 2000
    score_ref = n_(0, 1, k)
    score_ref[:20] = np.nan  # 1% missing
    score_cur = n_(0, 1, k)
    score_cur[:600] = np.nan  # 30% missing, same distribution otherwise
    ref = pl.DataFrame({
        "num": n_(0, 1, k),
        "count": rng.integers(0, 5, k),
        "city": rng.choice(["a", "b", "c"], k, p=[0.5, 0.3, 0.2]),
        "flag": rng.random(k) < 0.3,
        "empty": pl.Series([None] * k, dtype=pl.Float64),
        "score": pl.Series(score_ref).fill_nan(None),
        "code": rng.integers(100, 200, k),
        "only_ref": np.zeros(k),
    })
    cur = pl.DataFrame({
        "num": n_(0.8, 1, k),
        "count": rng.integers(2, 7, k),
        "city": rng.choice(["a", "b", "c", "d"], k, p=[0.4, 0.3, 0.2, 0.1]),
        "flag": rng.random(k) < 0.3,
        "empty": pl.Series([None] * k, dtype=pl.Float64),
        "score": pl.Series(score_cur).fill_nan(None),
        "code": [f"c{i}" for i in rng.integers(100, 200, k)],
        "only_cur": np.ones(k),
    })
    ref.write_parquet(os.path.join(OUT, "mixed_ref.parquet"))
    cur.write_parquet(os.path.join(OUT, "mixed_cur.parquet"))


def n_(mu, sd, k):
    return rng.normal(mu, sd, k)


def main():
    os.makedirs(OUT, exist_ok=True)
    n = rng.normal
    cases = [
        numeric_case("exact_small_ties", rng.integers(0, 8, 30).astype(float), rng.integers(1, 9, 45).astype(float)),
        numeric_case("exact_equal", n(0, 1, 500), n(0.15, 1, 500)),
        numeric_case("exact_10000", n(0, 1, 10000), n(0.03, 1, 10000), digits=5),
        numeric_case("exact_unequal", rng.lognormal(0, 1, 7001), rng.lognormal(0.05, 1, 3000), digits=6),
        numeric_case("asymp_pomeranz", n(0, 1, 12000), n(0.3, 1, 60), digits=6),
        numeric_case("asymp_dmtw_small", n(0, 1, 12000), n(0.0, 1, 100), digits=6),
        numeric_case("asymp_dmtw", n(0, 1, 12000), n(0.0, 1, 2000), digits=6),
        numeric_case("asymp_pelz_good", n(0, 1, 15000), n(0.02, 1, 12000), digits=6),
        numeric_case("asymp_smirnov", n(0, 1, 15000), n(0.1, 1.1, 14000), digits=6),
        numeric_case("asymp_ties", np.round(n(0, 1, 20000), 1), np.round(n(0.05, 1, 11000), 1)),
        numeric_case("heavy_tail_shift", rng.standard_t(2, 3000), rng.standard_t(2, 2500) + 0.5, digits=6),
    ]
    cats = [
        categorical_case("cat_shift", {"a": 500, "b": 300, "c": 200}, {"a": 400, "b": 300, "c": 200, "d": 100}),
        categorical_case("cat_same", {"x": 250, "y": 250, "z": 500}, {"x": 120, "y": 130, "z": 250}),
        categorical_case("cat_lost", {"p": 900, "q": 90, "r": 10}, {"p": 990, "q": 10}),
    ]
    mixed_fixture()
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"numeric": cases, "categorical": cats}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
