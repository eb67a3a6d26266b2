"""Benchmark: compare lou-4-18 with a 40 % variant over 1,000,000 rows (not a test).

Run: python benchmarks/bench_compare.py [--n 1000000] [--repeat 3]

The corpus is typed columns, as from a columnar export (bench_columnar.build). compare
evaluates both rule sets on the columnar path, counts gains, losses and per-criterion
flips for everyone, and explains the first 1,000 changed suppliers on the explained path
(their declarations rebuilt from the columns). Times are best and median of the runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_columnar import build

import reserverat as rr

AS_OF = date(2017, 12, 11)


def main() -> None:
    """Time compare and print the figures."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    rules = rr.load_ruleset("lou-4-18")
    variant = rules.with_params(threshold="0.40")
    t0 = time.perf_counter()
    corpus = build(args.n)
    t_build = time.perf_counter() - t0
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = rr.compare(corpus, rules, variant, as_of=AS_OF)
        times.append(time.perf_counter() - t0)
    best, median = min(times), statistics.median(times)
    print(
        f"compare lou-4-18 vs threshold 0.40: {result.compared:,} rows: best {best:.2f} s, "
        f"median {median:.2f} s over {args.repeat} runs (building the columns {t_build:.2f} s); "
        f"counts A {dict(result.counts_a)}, B {dict(result.counts_b)}; "
        f"gains {result.gain_count:,}, losses {result.loss_count:,}; "
        f"explained {result.detailed:,}"
    )


if __name__ == "__main__":
    main()
