"""Benchmark: classify owner names against the public-body register (not a test).

Run: python benchmarks/bench_owners.py [--n 100000]

Each on a fresh register: every name distinct (no cache hits; each name is matched with
rapidfuzz against all ~1,000 name forms), and a realistic mix where names repeat (the
register keeps each answer); one name at a time with classify(), and in bulk with
classify_many() (one rapidfuzz cdist over the distinct names).
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter

from reserverat.registry import PublicBodyRegister, builtin_register

FIRST = ["Anna", "Erik", "Maria", "Johan", "Fatima", "Ali", "Karin", "Lars", "Sara", "Omar"]
LAST = ["Svensson", "Andersson", "Nilsson", "Hassan", "Johansson", "Karlsson", "Ahmed", "Berg"]
COMPANY = [
    "Bygg",
    "Städ",
    "Catering",
    "Fastigheter",
    "Energi",
    "Holding",
    "Invest",
    "Tvätt",
    "Service",
]


def names(n: int, seed: int = 7, distinct: bool = True) -> list[str]:
    """Owner names: persons, companies, public bodies with typos, look-alikes."""
    rnd = random.Random(seed)
    muni = [line.split(",")[0] for line in _forms() if ",municipality," in line]
    out = []
    for i in range(n):
        r = rnd.random()
        suffix = f" {i}" if distinct else ""
        if r < 0.35:
            out.append(f"{rnd.choice(FIRST)} {rnd.choice(LAST)}{suffix}")
        elif r < 0.65:
            out.append(f"{rnd.choice(LAST)}s {rnd.choice(COMPANY)}{suffix} AB")
        elif r < 0.9:
            name = rnd.choice(muni)
            if rnd.random() < 0.5:  # a typo: drop one letter
                k = rnd.randrange(len(name))
                name = name[:k] + name[k + 1 :]
            out.append(name if not distinct else f"{name}{suffix}")
        else:
            out.append(
                rnd.choice(["Kommunal", "Svenska kyrkan i Botkyrka", "Stockholms Stadsmission"])
                + suffix
            )
    return out


def _forms() -> list[str]:
    from importlib import resources

    return (
        (resources.files("reserverat") / "data" / "public_bodies.csv")
        .read_text(encoding="utf-8")
        .splitlines()
    )


def run(label: str, batch: list[str], workers: int) -> None:
    """Classify ``batch`` on a fresh register and print the figures."""
    base = builtin_register()
    fresh = PublicBodyRegister.__new__(PublicBodyRegister)
    fresh.__dict__.update(base.__dict__)
    fresh._cache = {}
    t0 = time.perf_counter()
    fresh._best_cache = {}
    if workers:
        classes = fresh.classify_many(batch, workers=workers)
    else:
        classes = [fresh.classify(name) for name in batch]
    dt = time.perf_counter() - t0
    counts = Counter(
        "public" if c.public else "ask" if c.public is None else "not public" for c in classes
    )
    rate = len(batch) / dt
    print(f"{label:<40} {len(batch):>8,} names in {dt:6.2f} s = {rate:>9,.0f}/s  {dict(counts)}")


def main() -> None:
    """Parse arguments and run both mixes."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=100_000)
    args = p.parse_args()
    for workers, how in (
        (0, "classify, one by one"),
        (1, "classify_many, 1 core"),
        (-1, "classify_many, all cores"),
    ):
        run(f"{how}: all distinct", names(args.n, distinct=True), workers)
        run(f"{how}: names repeat", names(args.n, distinct=False), workers)


if __name__ == "__main__":
    main()
