"""Benchmark: start-up, wall time of fresh processes (not a test; prints figures).

Run: python benchmarks/bench_startup.py [--runs 15] [--python PATH]

For ``python -c pass``, ``import reserverat``, ``reserverat --help`` and ``reserverat
check`` of one example declaration, the minimum and median wall time over fresh
processes (the minimum is the least disturbed by the machine's other work), with the
bytecode cache on as an installation has it (one warm-up run first). ``--python``
measures another installation, for before-and-after figures in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
DECLARATION = ROOT / "examples" / "declarations" / "01-yalla-kooperativ.json"


# As an installed package runs: with its bytecode cached. (PYTHONDONTWRITEBYTECODE, set
# on some machines, makes every process compile every module again, about 100 ms here.)
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _wall(argv: list[str], runs: int) -> tuple[float, float]:
    # One run first, to write the bytecode cache.
    subprocess.run(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_ENV, check=False
    )
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=_ENV
        )
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    """Print one line per measure."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--python", default=sys.executable)
    args = p.parse_args()
    py = args.python
    cli = [py, "-c", "from reserverat.cli import main; raise SystemExit(main())"]
    measures = {
        "python -c pass": [py, "-c", "pass"],
        "import reserverat": [py, "-c", "import reserverat"],
        "reserverat --help": [*cli, "--help"],
        "reserverat check (one file)": [
            *cli,
            "check",
            str(DECLARATION),
            "--rules",
            "lou-4-18",
            "--as-of",
            "2024-03-15",
        ],
    }
    print(f"{py}: wall time over {args.runs} fresh processes")
    for name, argv in measures.items():
        low, mid = _wall(argv, args.runs)
        print(f"  {name:<28} min {low * 1000:6.0f} ms   median {mid * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
