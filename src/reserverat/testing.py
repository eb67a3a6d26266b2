"""Hypothesis strategies for testing rule sets: declarations, near-boundary cases, variants.

For policy writers and applications that want to check invariants of their own rule
sets ("raising the threshold never qualifies anyone new"). Needs hypothesis installed
(the ``test`` extra); nothing else in reserverat imports this module.

>>> from hypothesis import given
>>> import reserverat as rr
>>> from reserverat.testing import declarations
>>> @given(declarations())
... def test_evaluates(d):
...     assert rr.evaluate(d, rr.load_ruleset("lou-4-18"), as_of=rr.date(2024, 1, 1)).findings
>>> test_evaluates()
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from reserverat.declaration import OCCUPATION_FORMS, Declaration
from reserverat.ruleset import RuleSet

__all__ = ["declarations", "near_boundary_declarations", "ruleset_variants", "workforces"]


@st.composite
def workforces(
    draw: st.DrawFn,
    *,
    max_size: int = 40,
    unknown_targets: bool = False,
    reference_date: date | None = None,
) -> dict[str, Any]:
    """A workforce with every form of occupation stated (target counts sometimes unknown)."""
    out: dict[str, Any] = {
        "reference_date": reference_date or draw(st.dates(date(2015, 1, 1), date(2026, 1, 1)))
    }
    for form in OCCUPATION_FORMS:
        n = draw(st.integers(0, max_size))
        group: dict[str, Any] = {"headcount": n}
        if not unknown_targets or draw(st.booleans()):
            group["target_group"] = {"headcount": draw(st.integers(0, n))}
        out[form] = group
    return out


@st.composite
def declarations(
    draw: st.DrawFn, *, as_of: date = date(2024, 1, 1), unknown_targets: bool = False
) -> Declaration:
    """A valid declaration, current on ``as_of``, with random purpose, scope and workforce."""
    return Declaration(
        supplier=draw(
            st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäö ", min_size=1, max_size=20).filter(
                str.strip
            )
        ),
        scope=draw(st.sampled_from(["legal_person", "unit", None])),
        purpose={"integration_main_aim": draw(st.sampled_from([True, False, None]))},
        declared_on=as_of,
        workforce=draw(workforces(unknown_targets=unknown_targets, reference_date=as_of)),
        owners=draw(st.sampled_from([[], None])),
    )


@st.composite
def near_boundary_declarations(
    draw: st.DrawFn, *, threshold: Decimal | str = "0.3", as_of: date = date(2024, 1, 1)
) -> Declaration:
    """A declaration whose share of target-group persons is at or next to ``threshold``.

    The share is exactly the threshold, or one person either side of it.
    """
    t = Fraction(Decimal(threshold))
    total = draw(st.integers(1, 500))
    at = -((-t * total) // 1)  # the fewest persons that reach the threshold
    target = int(min(max(at + draw(st.sampled_from([-1, 0, 1])), 0), total))
    return Declaration(
        supplier="Gränsfallet",
        scope="legal_person",
        purpose={"integration_main_aim": True},
        declared_on=as_of,
        workforce={
            "reference_date": as_of,
            "employed": {"headcount": total, "target_group": {"headcount": target}},
            "trainees": {"headcount": 0},
            "work_training": {"headcount": 0},
            "other": {"headcount": 0},
        },
    )


def ruleset_variants(
    rules: RuleSet, name: str, values: st.SearchStrategy[Any]
) -> st.SearchStrategy[RuleSet]:
    """Variants of ``rules`` with parameter ``name`` drawn from ``values`` (re-validated)."""
    return values.map(lambda v: rules.with_params(**{name: v}))
