"""Benchmark: the HTTP service under load on loopback (not a test; prints figures).

Run: python benchmarks/bench_server.py [--requests 400] [--workers 1]

Starts ``reserverat serve`` on a free port of 127.0.0.1, then for 1, 8 and 32 concurrent
clients sends ``--requests`` POST /v1/evaluate requests (one example declaration each,
under lou-4-18) and reports requests per second and the 50th and 99th percentile
latency. A bounded run: a fixed number of requests per level, after a warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).parent.parent
DECL = json.loads((ROOT / "examples" / "declarations" / "03-ab-kommunal-agare.json").read_text())
BODY = {"ruleset": "lou-4-18", "as_of": "2017-12-11", "declaration": DECL}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _level(base: str, clients: int, total: int) -> tuple[float, float, float]:
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)

    async def client(http: httpx.AsyncClient) -> None:
        while True:
            try:
                queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            start = time.perf_counter()
            response = await http.post(f"{base}/v1/evaluate", json=BODY)
            latencies.append(time.perf_counter() - start)
            assert response.status_code == 200, response.text[:200]

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        began = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return total / elapsed, statistics.median(latencies) * 1000, p99 * 1000


def main() -> None:
    """Run the benchmark and print one line per concurrency level."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    port = _port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reserverat",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=0.5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        asyncio.run(_level(base, 4, 100))  # warm-up: rule set compiled, connections open
        print(f"workers={args.workers}, {args.requests} requests per level, one declaration each")
        print(f"{'clients':>8}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
        for clients in (1, 8, 32):
            rate, p50, p99 = asyncio.run(_level(base, clients, args.requests))
            print(f"{clients:>8}{rate:>10.0f}{p50:>10.1f}{p99:>10.1f}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
