"""Benchmark: explained evaluation of generated declarations (not a test; prints figures).

Run: python benchmarks/bench_evaluate.py [--sizes 10000 100000] [--rules ID ...] [--repeat 3]

For each size and rule set it reports declarations per second for evaluate() streaming
(each Result's outcome used and the Result let go, as a screening does; findings are not
read), again on the same declarations, with every finding read (verdict, reason and
evidence: what a report reads), holding every Result in a list (CPython's full garbage
collections then rescan them all), and validation plus evaluation from plain dicts,
streamed. "again" and "every finding read" are the best of ``--repeat`` runs. The
declarations held for the other columns are frozen out of the collector's sight, so that
no column measures the collector instead of the library. Memory is measured in a separate
pass, because tracemalloc itself slows Python down.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
import tracemalloc
from datetime import date
from typing import Any

import reserverat as rr

AS_OF = date(2017, 12, 11)
OWNERS: list[list[dict[str, str]]] = [
    [],
    [{"name": "Kommunen", "kind": "municipality", "capital_share": "0.01"}],
    [{"name": "Stiftelsen", "kind": "ideburen", "capital_share": "1"}],
]
MECHANISMS = ["ownership", "agreement", "none", None]


def generate(n: int, seed: int = 2017) -> list[dict[str, Any]]:
    """Varied, valid declarations as dicts: shares around 30 %, some facts missing."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        groups = {}
        for form in ("employed", "trainees", "work_training", "other"):
            size = rnd.randint(0, 40)
            fte = round(size * rnd.uniform(0.3, 1), 1)
            group: dict[str, Any] = {"headcount": size, "fte": str(fte)}
            if rnd.random() < 0.95:
                t = rnd.randint(0, size)
                t_fte = round(fte * t / size * rnd.uniform(0.5, 1), 1) if size else 0
                group["target_group"] = {"headcount": t, "fte": str(t_fte)}
            groups[form] = group
        out.append(
            {
                "supplier": f"Leverantör {i} AB",
                "scope": rnd.choice(["legal_person", "legal_person", "unit", None]),
                "purpose": {"integration_main_aim": rnd.choice([True, True, False, None])},
                "declared_on": date(2017, rnd.randint(1, 12), rnd.randint(1, 28)),
                "workforce": {"reference_date": date(2017, 11, 30), **groups},
                "financial_years": [
                    {
                        "end": date(y, 12, 31),
                        "result": str(rnd.randint(-50_000, 200_000)),
                        "to_owners": str(rnd.choice([0, 0, 10_000, 150_000])),
                    }
                    for y in (2014, 2015, 2016)
                ],
                "owners": rnd.choice(OWNERS),
                "participation": {"mechanism": rnd.choice(MECHANISMS)},
                "business": {"sells_goods_or_services": rnd.choice([True, None])},
            }
        )
    return out


def _stream(decls: list[rr.Declaration], rules: rr.RuleSet) -> dict[rr.Outcome, int]:
    counts = dict.fromkeys(rr.Outcome, 0)
    for d in decls:
        counts[rr.evaluate(d, rules, as_of=AS_OF).outcome] += 1
    return counts


def _read_all(decls: list[rr.Declaration], rules: rr.RuleSet) -> int:
    """Evaluate and read every finding's verdict, reason and evidence (a buyer's report)."""
    seen = 0
    for d in decls:
        for f in rr.evaluate(d, rules, as_of=AS_OF).findings:
            seen += len(f.explanation.reason.code) + len(f.evidence)
    return seen


def _best(work: Any, repeat: int) -> float:
    """The shortest of ``repeat`` timed runs of ``work()``."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return min(times)


def run(size: int, rules_id: str, repeat: int = 3) -> dict[str, float]:
    """Time one size under one rule set; returns the figures."""
    rules = rr.load_ruleset(rules_id)
    raw = generate(size)
    # Validation and evaluation streamed, as a batch does: each declaration is validated,
    # evaluated and let go. (Timing validation into a growing list measured CPython's
    # collector rescanning that list, about 4x the validation itself.)
    t0 = time.perf_counter()
    for d in raw:
        rr.evaluate(rr.Declaration.model_validate(d), rules, as_of=AS_OF)
    t_validate_eval = time.perf_counter() - t0
    # The declarations the other columns reuse: built with the collector paused, then
    # frozen, so that later collections do not rescan them either.
    gc.disable()
    decls = [rr.Declaration.model_validate(d) for d in raw]
    gc.enable()
    del raw
    gc.collect()
    gc.freeze()

    # Streaming, as evaluate_many and a batch do: each Result is used and let go.
    t0 = time.perf_counter()
    counts = _stream(decls, rules)
    t_stream = time.perf_counter() - t0
    # Again, input hashes now cached, as when comparing rule sets; the best of a few runs,
    # since this machine's speed varies from one run to the next.
    t_again = _best(lambda: _stream(decls, rules), repeat)
    t_read = _best(lambda: _read_all(decls, rules), repeat)
    # Holding every Result: CPython's full garbage collections rescan them all.
    gc.collect()
    t0 = time.perf_counter()
    held = [rr.evaluate(d, rules, as_of=AS_OF) for d in decls]
    t_held = time.perf_counter() - t0
    assert len(held) == size == sum(counts.values())
    del held
    gc.collect()

    fresh = [rr.Declaration.model_validate(d) for d in generate(min(size, 10_000))]
    tracemalloc.start()
    _stream(fresh, rules)
    _, peak_stream = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gc.collect()
    tracemalloc.start()
    held = [rr.evaluate(d, rules, as_of=AS_OF) for d in fresh]
    _, peak_held = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gc.unfreeze()
    return {
        "stream_per_s": size / t_stream,
        "read_per_s": size / t_read,
        "again_per_s": size / t_again,
        "held_per_s": size / t_held,
        "validate_and_eval_per_s": size / t_validate_eval,
        "kb_per_result": peak_held / len(held) / 1e3,
        "peak_stream_mb": peak_stream / 1e6,
        **{o.value: float(c) for o, c in counts.items()},
    }


def main() -> None:
    """Parse arguments and print one line per size and rule set."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--rules", nargs="+", default=["lou-4-18", "asf-tillvaxtverket"])
    p.add_argument("--repeat", type=int, default=3, help="runs of 'again' and 'read', best kept")
    args = p.parse_args()
    print(f"reserverat {rr.__version__}; evaluate() with full explanations, one core")
    for rules_id in args.rules:
        for size in args.sizes:
            f = run(size, rules_id, args.repeat)
            print(
                f"{rules_id:<20} n={size:>7,}  streaming {f['stream_per_s']:>7,.0f}/s  "
                f"again {f['again_per_s']:>7,.0f}/s  "
                f"every finding read {f['read_per_s']:>7,.0f}/s  "
                f"holding all {f['held_per_s']:>7,.0f}/s  "
                f"validate+evaluate {f['validate_and_eval_per_s']:>7,.0f}/s"
            )
            print(
                f"{'':<20} memory: {f['kb_per_result']:.1f} kB per held Result, "
                f"streaming peak {f['peak_stream_mb']:.2f} MB; outcomes: qualified "
                f"{f['qualified']:.0f}, not {f['not_qualified']:.0f}, "
                f"undecided {f['undecided']:.0f}"
            )


if __name__ == "__main__":
    main()
