"""Benchmark: the columnar evaluator on 1,000,000 rows of lou-4-18 (not a test; prints figures).

Run: python benchmarks/bench_columnar.py [--n 1000000] [--repeat 25]

The corpus is built directly as typed NumPy columns (as from a columnar source), then
evaluated: first once on each of three fresh corpora (what a single evaluation costs,
including what is made once and kept with a corpus), then again and again on one corpus
(as compare and sweep do: the best and the median). The explained path's rate on the same
kind of rows is shown for reference, and a sample of rows is checked to give the explained
path's verdicts.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

import numpy as np

import reserverat as rr
from reserverat.columnar import CODES, Corpus, evaluate_columns, outcome_codes

FORMS = ("employed", "trainees", "work_training", "other")
AS_OF = date(2017, 12, 11)


def build(n: int, seed: int = 1) -> Corpus:
    """A corpus of ``n`` rows with typed columns; about 5 % of target counts unknown."""
    rnd = np.random.default_rng(seed)
    yes = np.ones(n, dtype=bool)
    cols: dict[str, tuple[np.ndarray, np.ndarray]] = {
        "scope": (rnd.choice(np.array(["legal_person", "unit"]), n, p=[0.9, 0.1]), yes),
        "purpose.sheltered_workshop": (np.zeros(n, dtype=bool), rnd.random(n) < 0.5),
        "purpose.integration_main_aim": (rnd.random(n) < 0.8, rnd.random(n) < 0.95),
        "declared_on": (
            np.datetime64("2017-12-11") - rnd.integers(0, 500, n).astype("timedelta64[D]"),
            yes,
        ),
        "workforce": (yes, yes),
        "workforce.declared_share": (np.zeros(n), np.zeros(n, dtype=bool)),
        "workforce.reference_date": (
            np.datetime64("2017-11-30") - rnd.integers(0, 60, n).astype("timedelta64[D]"),
            yes,
        ),
    }
    for form in FORMS:
        heads = rnd.integers(0, 40, n)
        targets = (heads * rnd.random(n)).astype(np.int64)
        cols[f"workforce.{form}"] = (yes, yes)
        cols[f"workforce.{form}.headcount"] = (heads, yes)
        cols[f"workforce.{form}.target_group.headcount"] = (targets, rnd.random(n) < 0.95)
    return Corpus(n, None, cols)


def main() -> None:
    """Time the columnar evaluator and compare a sample with the explained path."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=25)
    args = p.parse_args()
    rules = rr.load_ruleset("lou-4-18")
    t0 = time.perf_counter()
    corpus = build(args.n)
    t_build = time.perf_counter() - t0
    evaluate_columns(build(1000), rules, as_of=AS_OF)  # warm-up
    # The first evaluation of a corpus also makes what is kept with it (text codes, narrow
    # counts, where the code has them); compare and sweep evaluate a corpus again and again.
    firsts = []
    for seed in (2, 3, 4):
        fresh = build(args.n, seed=seed)
        t0 = time.perf_counter()
        evaluate_columns(fresh, rules, as_of=AS_OF)
        firsts.append(time.perf_counter() - t0)
    del fresh
    first = min(firsts)
    print(
        f"columnar lou-4-18: first evaluation of a fresh corpus of {args.n:,} rows: best of 3 "
        f"{first:.3f} s = {args.n / first:,.0f} rows/s"
    )
    # This machine's timings vary by a factor of two between runs: report the best and
    # the median of several.
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        verdicts = evaluate_columns(corpus, rules, as_of=AS_OF)
        outcomes = outcome_codes(verdicts)
        times.append(time.perf_counter() - t0)
    best, median = min(times), statistics.median(times)
    counts = {
        k: int((outcomes == c).sum())
        for k, c in (("qualified", 2), ("not_qualified", 0), ("undecided", 1))
    }
    print(
        f"columnar lou-4-18: {args.n:,} rows: best {best:.3f} s = {args.n / best:,.0f} rows/s, "
        f"median {median:.3f} s = {args.n / median:,.0f} rows/s over {args.repeat} runs "
        f"(building the columns: {t_build:.2f} s); {counts}"
    )
    # The same rows as declarations, on a sample, through both paths.
    k = 2000
    decls = []
    for i in range(k):
        wf: dict[str, object] = {
            "reference_date": str(corpus.columns["workforce.reference_date"][0][i])
        }
        for form in FORMS:
            heads = int(corpus.columns[f"workforce.{form}.headcount"][0][i])
            tv, tk = corpus.columns[f"workforce.{form}.target_group.headcount"]
            wf[form] = {
                "headcount": heads,
                **({"target_group": {"headcount": int(tv[i])}} if tk[i] else {}),
            }
        purpose_v, purpose_k = corpus.columns["purpose.integration_main_aim"]
        shelter_v, shelter_k = corpus.columns["purpose.sheltered_workshop"]
        decls.append(
            rr.Declaration(
                supplier=f"L{i}",
                scope=str(corpus.columns["scope"][0][i]),
                purpose={
                    "integration_main_aim": bool(purpose_v[i]) if purpose_k[i] else None,
                    "sheltered_workshop": bool(shelter_v[i]) if shelter_k[i] else None,
                },
                declared_on=str(corpus.columns["declared_on"][0][i]),
                workforce=wf,
            )
        )
    t0 = time.perf_counter()
    explained = np.array(
        [[CODES[f.verdict] for f in rr.evaluate(d, rules, as_of=AS_OF).findings] for d in decls]
    )
    t_explained = time.perf_counter() - t0
    same = bool(np.array_equal(explained, verdicts[:k]))
    print(
        f"explained path on {k:,} of the same rows: {k / t_explained:,.0f} rows/s; "
        f"identical verdicts: {same}"
    )
    # A number in a float column (as a spreadsheet gives it), against a decimal limit.
    rnd = np.random.default_rng(2)
    revenue = np.round(rnd.random(args.n) * 200_000, 2)
    numbers = Corpus(args.n, None, {"business.sales_revenue": (revenue, rnd.random(args.n) < 0.9)})
    cap = rr.RuleSet(
        id="cap",
        version="1",
        title={"sv": "tak", "en": "cap"},
        legal_basis=[{"instrument": "X"}],
        criteria=[
            rr.criterion(
                "cap",
                rr.number_at_most("business.sales_revenue", "100000.10"),
                title={"sv": "tak", "en": "cap"},
                citation={"instrument": "X"},
            )
        ],
    )
    t0 = time.perf_counter()
    evaluate_columns(numbers, cap, as_of=AS_OF)
    dt = time.perf_counter() - t0
    print(
        f"number_at_most over a float column: {args.n:,} rows in {dt:.3f} s "
        f"= {args.n / dt:,.0f} rows/s"
    )


if __name__ == "__main__":
    main()
