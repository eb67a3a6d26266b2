"""The long fuzz campaign: every surface in turn, for a budget of seconds.

    python -m tests.fuzz.campaign --seconds 600 [--seed 1] [--surface NAME ...]

It prints, per surface, how many inputs ran and which failures were found (each class
once, with the first seed that shows it, so ``surfaces.SURFACES[name](Random(seed), dir)``
reproduces it), and the process's peak memory. It exits 1 if anything failed.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.fuzz.surfaces import SURFACES


def main(argv: list[str] | None = None) -> int:
    """Run the campaign; returns 0 when every input held."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--surface", action="append", choices=sorted(SURFACES))
    args = parser.parse_args(argv)
    names = args.surface or sorted(SURFACES)
    master = random.Random(args.seed)
    runs: Counter[str] = Counter()
    failures: dict[tuple[str, str], tuple[int, int]] = {}  # (surface, kind) -> (seed, count)
    slowest: dict[str, float] = {}
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        for name in names:
            seed = master.randrange(2**32)
            start = time.monotonic()
            with tempfile.TemporaryDirectory() as tmp:
                try:
                    found = SURFACES[name](random.Random(seed), Path(tmp))
                except Exception as exc:
                    found = [f"fuzzer: {type(exc).__name__}: {exc}"[:200]]
            slowest[name] = max(slowest.get(name, 0.0), time.monotonic() - start)
            runs[name] += 1
            for violation in found:
                kind = violation.split(":")[0][:80]
                first, count = failures.get((name, kind), (seed, 0))
                failures[(name, kind)] = (first, count + 1)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"fuzz campaign: seed {args.seed}, {args.seconds:.0f} s, peak memory {peak_mb:.0f} MB")
    print(f"{'surface':<14}{'inputs':>9}{'failures':>10}{'slowest s':>11}")
    for name in names:
        bad = sum(c for (n, _), (_, c) in failures.items() if n == name)
        print(f"{name:<14}{runs[name]:>9}{bad:>10}{slowest.get(name, 0):>11.2f}")
    print(f"{'total':<14}{sum(runs.values()):>9}{sum(c for _, c in failures.values()):>10}")
    for (name, kind), (seed, count) in sorted(failures.items()):
        print(f"FAIL {name} ×{count}: {kind} (first seed {seed})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
