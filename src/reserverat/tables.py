"""Results as flat tables: one documented row per supplier, for spreadsheets and data frames.

:func:`to_records` turns results (or batch rows, or errors) into plain dicts with stable
column names and stable codes, the same values the JSON result holds; :func:`to_pandas` and
:func:`to_polars` make data frames of the same records when the ``[frames]`` extra is
installed. A comparison gives one row per changed supplier (:func:`comparison_records`).

Columns of :func:`to_records`, in order (``docs/records.md`` describes each):

``row``, ``source``, ``supplier``, ``identifier``, ``outcome``, one ``verdict:<criterion>``
column per criterion (``met``, ``not_met``, ``undecided``, ``not_applicable``; empty where
the row's rule set has no such criterion), ``reasons`` (``criterion=code`` pairs, the code
of each criterion's reason, separated by ``"; "``), ``evidence`` (the evidence codes to
request, in criterion order), ``warnings`` (warning codes), ``errors`` (an input error's
``location: code`` pairs), ``ruleset_id``, ``ruleset_version``, ``ruleset_hash``,
``as_of``, ``input_hash``, ``library_version``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from reserverat.errors import ReserveratError
from reserverat.identifiers import mask_personal_numbers
from reserverat.result import Result

if TYPE_CHECKING:
    from reserverat.compare import Comparison

__all__ = ["COLUMNS", "comparison_records", "to_pandas", "to_polars", "to_records"]

COLUMNS = (
    "row",
    "source",
    "supplier",
    "identifier",
    "outcome",
    "reasons",
    "evidence",
    "warnings",
    "errors",
    "ruleset_id",
    "ruleset_version",
    "ruleset_hash",
    "as_of",
    "input_hash",
    "library_version",
)
"""The fixed columns; the ``verdict:<criterion>`` columns come after ``outcome``."""


def _parts(item: Any, n: int) -> tuple[str, str | None, Result | ReserveratError]:
    """(source, name, outcome) of a Result, a batch Row or Entry, or an error."""
    if isinstance(item, Result | ReserveratError):
        return f"#{n}", None, item
    outcome = getattr(item, "outcome", None)
    if isinstance(outcome, Result | ReserveratError):
        return str(getattr(item, "source", f"#{n}")), getattr(item, "name", None), outcome
    raise TypeError(f"to_records takes results, rows or errors, not a {type(item).__name__}")


def to_records(items: Iterable[Any]) -> list[dict[str, Any]]:
    """One flat dict per input, in order, errors included (``outcome`` is ``"error"``).

    An input is a :class:`Result`, an :class:`reserverat.render.Entry` or a batch row
    (:class:`reserverat.Row`) holding a result or an error, or a :class:`ReserveratError`.

    Raises:
        TypeError: an item that is none of these (a Declaration not yet evaluated).
    """
    rows: list[tuple[int, str, str | None, Result | ReserveratError]] = []
    criteria: dict[str, None] = {}
    for n, item in enumerate(items, start=1):
        source, name, outcome = _parts(item, n)
        rows.append((n, source, name, outcome))
        if isinstance(outcome, Result):
            criteria.update(dict.fromkeys(f.criterion for f in outcome.findings))
    out = []
    for n, source, name, outcome in rows:
        record: dict[str, Any] = {"row": n, "source": mask_personal_numbers(source)}
        verdicts: dict[str, str | None] = {f"verdict:{c}": None for c in criteria}
        if isinstance(outcome, Result):
            sup, p = outcome.supplier, outcome.provenance
            record |= {"supplier": sup.name, "identifier": sup.identifier}
            record["outcome"] = outcome.outcome.value
            for f in outcome.findings:
                verdicts[f"verdict:{f.criterion}"] = f.verdict.value
            record |= verdicts
            record |= {
                "reasons": "; ".join(
                    f"{f.criterion}={f.explanation.reason.code}" for f in outcome.findings
                ),
                "evidence": "; ".join(
                    dict.fromkeys(c for f in outcome.findings for c in f.evidence)
                ),
                "warnings": "; ".join(w.code for w in outcome.warnings),
                "errors": "",
                "ruleset_id": p.ruleset_id,
                "ruleset_version": p.ruleset_version,
                "ruleset_hash": p.ruleset_hash,
                "as_of": p.as_of.isoformat(),
                "input_hash": p.input_hash,
                "library_version": p.library_version,
            }
        else:
            record |= {"supplier": name, "identifier": None, "outcome": "error"}
            record |= verdicts
            record |= dict.fromkeys(COLUMNS[5:], None)
            record |= {
                "reasons": "",
                "evidence": "",
                "warnings": "",
                "errors": "; ".join(f"{p.loc or p.source}: {p.code}" for p in outcome.problems),
            }
        out.append(record)
    return out


def comparison_records(comparison: Comparison) -> list[dict[str, Any]]:
    """One flat dict per changed supplier that the comparison lists with reasons.

    The columns: source, supplier, ``change`` (``gain`` or ``loss``), the outcome under A
    and B, and the criteria that changed (``criterion: before -> after`` pairs, with B's
    reason code).
    """
    out = []
    for change, flips in (("gain", comparison.gains), ("loss", comparison.losses)):
        for f in flips:
            out.append(
                {
                    "source": f.source,
                    "supplier": f.supplier,
                    "change": change,
                    "outcome_a": f.before,
                    "outcome_b": f.after,
                    "criteria": "; ".join(f"{c}: {b} -> {a}" for c, b, a, _ in f.criteria),
                    "reasons_b": "; ".join(f"{c}={r}" for c, _, _, r in f.criteria),
                    "a": comparison.a,
                    "b": comparison.b,
                }
            )
    return out


def _frames_missing(module: str) -> ImportError:
    return ImportError(
        f"{module} is not installed: install reserverat with its [frames] extra "
        f"(pip install 'reserverat[frames]')"
    )


def to_pandas(items: Iterable[Any] | Comparison) -> Any:
    """The records of :func:`to_records` (or of a comparison) as a pandas DataFrame.

    Raises:
        ImportError: pandas is not installed (the ``[frames]`` extra); the message says so.
    """
    try:
        import pandas as pd
    except ImportError:
        raise _frames_missing("pandas") from None
    return pd.DataFrame.from_records(_records(items))


def to_polars(items: Iterable[Any] | Comparison) -> Any:
    """The records of :func:`to_records` (or of a comparison) as a polars DataFrame.

    Raises:
        ImportError: polars is not installed (the ``[frames]`` extra); the message says so.
    """
    try:
        import polars as pl
    except ImportError:
        raise _frames_missing("polars") from None
    records = _records(items)
    columns = list(records[0]) if records else []
    # Every column as its values in order; None stays a null, whatever the first row holds.
    return pl.DataFrame({c: [r[c] for r in records] for c in columns}, strict=False)


def _records(items: Iterable[Any] | Comparison) -> list[dict[str, Any]]:
    from reserverat.compare import Comparison

    if isinstance(items, Comparison):
        return comparison_records(items)
    return to_records(items)
