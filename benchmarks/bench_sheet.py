"""Benchmark: a CSV of declarations into columns, with and without a Declaration per row
(not a test; prints figures).

Run: python benchmarks/bench_sheet.py [--rows 50000]

Writes generated declarations (the workforce, purpose, scope and dates that lou-4-18
reads) as a Swedish CSV, then times the two ways to its verdict codes: reading every row
into a validated Declaration and building the columns from them, and
``Corpus.from_file`` (each cell checked against its field, no Declaration for a row that
reads cleanly). Both must give the same verdicts; the script says so.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_batch import _flat
from bench_evaluate import generate

import reserverat as rr
from reserverat.columnar import Corpus, evaluate_columns
from reserverat.io import read_rows

AS_OF = date(2017, 12, 11)


def main() -> None:
    """Time both paths on the same file and print rows per second."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, default=50_000)
    args = p.parse_args()
    rules = rr.load_ruleset("lou-4-18")
    rows = []
    for generated in generate(args.rows):
        # Without lists (owners, years): their rows take the readers' path by design.
        plain = {k: v for k, v in generated.items() if k not in ("financial_years", "owners")}
        rows.append({k: str(v) for k, v in _flat(plain).items()})
    header = sorted({k for r in rows for k in r})
    header.remove("supplier")
    header.insert(0, "supplier")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "anbud.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header, delimiter=",")
            writer.writeheader()
            writer.writerows(rows)
        t0 = time.perf_counter()
        decls = [r.outcome for r in read_rows(path)]
        slow = evaluate_columns(Corpus.from_declarations(decls), rules, as_of=AS_OF)  # type: ignore[arg-type]
        t_slow = time.perf_counter() - t0
        t0 = time.perf_counter()
        corpus = Corpus.from_file(path)
        fast = evaluate_columns(corpus, rules, as_of=AS_OF)
        t_fast = time.perf_counter() - t0
    same = (slow == fast).all()
    print(
        f"{args.rows:,} rows of lou-4-18 facts in a CSV to verdict codes:\n"
        f"  a Declaration per row, then columns: {t_slow:.2f} s = "
        f"{args.rows / t_slow:,.0f} rows/s\n"
        f"  straight into columns (from_file):   {t_fast:.2f} s = "
        f"{args.rows / t_fast:,.0f} rows/s "
        f"({len(corpus.rebuilt):,} rows read the readers' way)\n"
        f"  same verdicts: {bool(same)}"
    )


if __name__ == "__main__":
    main()
