"""Evaluate a declaration against a rule set: a pure function, no I/O, no clock.

The public entry points. The engine (compiling, deciding into records, combinators) is
:mod:`reserverat.engine`; the checks are in :mod:`reserverat.subjects`, one module per
subject of law. Missing facts make a check UNDECIDED, never NOT_MET; where the known facts
already decide it (even if every unknown person were in the target group the share stays
below), the check says so. Counting is exact: headcounts are ints, FTE and money
Decimals, shares Fractions.
"""

from __future__ import annotations

from reserverat import subjects
from reserverat.engine import (
    CHECKS,
    EVIDENCE_CODES,
    PRINTED_MARKS,
    EvaluationContext,
    compile_plan,
    evaluate,
    evaluate_many,
    evidence_for,
    law_date,
)
from reserverat.subjects.place import MapLayer, MapPoint, geography

__all__ = [
    "CHECKS",
    "EVIDENCE_CODES",
    "PRINTED_MARKS",
    "EvaluationContext",
    "MapLayer",
    "MapPoint",
    "compile_plan",
    "evaluate",
    "evaluate_many",
    "evidence_for",
    "geography",
    "law_date",
    "subjects",
]
