"""Benchmark: decide 100,000 sites against 3 centres within 9 km (not a test; prints figures).

Run: python benchmarks/bench_geo.py [--n 100000] [--check 5000]

Sites are spread over the Stockholm region around the Botkyrka 2017 centres, with
uncertainties from 0 to 5 km. screen_within (vectorised haversine, geodesic near the
boundary) is timed, then its decisions are compared with geopy's geodesic point by point
on a sample (all of them with --check N), and the point-by-point path is timed on that
sample to give its rate.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from geopy.distance import geodesic

from reserverat.geo import decide_distance, screen_within

CENTRES = [(59.23705, 17.98192, 1000.0), (59.19858, 17.83317, 1000.0), (59.2, 17.73333, 1000.0)]


def main() -> None:
    """Time the vectorised and the point-by-point paths and compare their decisions."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--check", type=int, default=5_000)
    args = p.parse_args()
    rnd = np.random.default_rng(2017)
    lats = rnd.uniform(59.0, 59.45, args.n)
    lons = rnd.uniform(17.4, 18.3, args.n)
    uncs = rnd.choice([0.0, 25.0, 2000.0, 5000.0], args.n)
    screen_within(lats[:10], lons[:10], uncs[:10], CENTRES, 9000.0)  # warm-up
    t0 = time.perf_counter()
    fast = screen_within(lats, lons, uncs, CENTRES, 9000.0)
    t_fast = time.perf_counter() - t0
    k = min(args.check, args.n)
    t0 = time.perf_counter()
    slow = [
        max(
            decide_distance(
                geodesic((lats[i], lons[i]), (c[0], c[1])).meters, uncs[i] + c[2], 9000.0
            )
            for c in CENTRES
        )
        for i in range(k)
    ]
    t_slow = time.perf_counter() - t0
    same = int(np.sum(fast[:k] == np.array(slow)))
    counts = {v: int(np.sum(fast == v)) for v in (1, 0, -1)}
    print(
        f"screen_within: {args.n:,} sites x {len(CENTRES)} centres in {t_fast:.3f} s "
        f"({args.n / t_fast:,.0f} sites/s); within {counts[1]:,}, undecided {counts[0]:,}, "
        f"outside {counts[-1]:,}"
    )
    print(
        f"geopy point by point: {k:,} sites in {t_slow:.2f} s ({k / t_slow:,.0f} sites/s, "
        f"so {args.n:,} would take about {args.n * t_slow / k:.0f} s); "
        f"identical decisions: {same:,} of {k:,}"
    )


if __name__ == "__main__":
    main()
