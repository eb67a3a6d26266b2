"""Benchmark: a streamed batch (JSONL or CSV in and out) and compare (not a test; prints figures).

Run: python benchmarks/bench_batch.py [--rows 100000] [--compare 10000] [--format jsonl|csv]
     [--compact] [--jobs N]

Writes generated declarations to a temporary JSONL file, runs the batch through the
library exactly as `reserverat batch` does, and reports rows per second and the process's
peak resident memory (ru_maxrss), which must stay flat as rows grow. Then times
`compare` of lou-4-18 against a 40 % variant.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_evaluate import generate

import reserverat as rr
from reserverat.batch import ResultWriter, rows_from, run_batch

try:
    from reserverat.batch import batch_files
except ImportError:  # the code before worker processes, measured for the comparison
    batch_files = None
from reserverat.io import COLUMNS


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def _worker_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _flat(d: dict[str, object], prefix: str = "") -> dict[str, object]:
    """A generated declaration as one spreadsheet row (the template's column paths)."""
    out: dict[str, object] = {}
    for key, value in d.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, path + "."))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                out.update(_flat(item, f"{path}[{i}].") if isinstance(item, dict) else {})
        elif value is not None:
            out[path] = value
    return out


def main() -> None:
    """Run the batch and the comparison and print the figures."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--compare", type=int, default=10_000)
    p.add_argument(
        "--format", choices=["jsonl", "csv"], default="jsonl", help="input and output format"
    )
    p.add_argument("--compact", action="store_true", help="JSONL out without explanations")
    p.add_argument("--jobs", type=int, default=1, help="worker processes (JSONL only)")
    args = p.parse_args()
    rules = rr.load_ruleset("lou-4-18")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"in.{args.format}"
        with src.open("w", encoding="utf-8", newline="") as f:
            writer_csv = None
            for start in range(0, args.rows, 10_000):
                for d in generate(min(10_000, args.rows - start), seed=start):
                    if args.format == "jsonl":
                        f.write(json.dumps(d, default=str, ensure_ascii=False) + "\n")
                        continue
                    if writer_csv is None:
                        # The template's columns, as a buyer's spreadsheet has them.
                        names = ["supplier", *COLUMNS]
                        writer_csv = csv.DictWriter(f, fieldnames=names, restval="")
                        writer_csv.writeheader()
                    writer_csv.writerow(_flat(d))
        before = _peak_mb()
        cpu0 = _cpu_s()
        t0 = time.perf_counter()
        out = Path(tmp) / f"out.{args.format}"
        with ResultWriter(out, rules, compact=args.compact) as writer:
            when = date(2017, 12, 11)
            if batch_files is None:
                summary = run_batch(rows_from([src]), rules, writer, as_of=when)
            else:
                summary = batch_files([src], rules, writer, as_of=when, jobs=args.jobs)
        dt = time.perf_counter() - t0
        # With workers, the batch process's own CPU time per row bounds the rate that any
        # number of cores could reach: it reads, hands over, writes and counts every row.
        own = _cpu_s() - cpu0
        print(
            f"batch{' --compact' if args.compact else ''} --jobs {args.jobs}: "
            f"{summary.rows:,} rows "
            f"(results {summary.results:,}, "
            f"errors {summary.errors:,}) in "
            f"{dt:.1f} s = {summary.rows / dt:,.0f} rows/s; peak RSS {_peak_mb():.0f} MB "
            f"(before the batch {before:.0f} MB; largest worker {_worker_mb():.0f} MB); "
            f"the batch process's own CPU {own:.1f} s = at most {summary.rows / own:,.0f} rows/s "
            "with enough cores",
            flush=True,
        )
    decls = [
        (str(i), rr.Declaration.model_validate(d)) for i, d in enumerate(generate(args.compare))
    ]
    t0 = time.perf_counter()
    result = rr.compare(decls, rules, rules.with_params(threshold="0.40"), as_of=date(2017, 12, 11))
    dt = time.perf_counter() - t0
    print(
        f"compare lou-4-18 vs threshold 0.40: {result.compared:,} declarations in {dt:.2f} s "
        f"= {result.compared / dt:,.0f}/s (gains {len(result.gains)}, losses {len(result.losses)})"
    )


if __name__ == "__main__":
    main()
