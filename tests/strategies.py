"""Hypothesis strategies for declarations (issue 6 will publish these as reserverat.testing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from stdnum import luhn

import reserverat as rr

FORMS = ("employed", "trainees", "work_training", "other")
AS_OF = date(2017, 12, 11)


@st.composite
def groups(draw: st.DrawFn, max_size: int = 40, known_target: bool = True) -> dict[str, Any]:
    """One occupation group with a headcount and (usually) a target-group count."""
    n = draw(st.integers(0, max_size))
    group: dict[str, Any] = {"headcount": n}
    if known_target or draw(st.booleans()):
        group["target_group"] = {"headcount": draw(st.integers(0, n))}
    return group


@st.composite
def workforces(draw: st.DrawFn, known_target: bool = True) -> dict[str, Any]:
    """A workforce with every form of occupation stated."""
    return {
        "reference_date": AS_OF,
        **{form: draw(groups(known_target=known_target)) for form in FORMS},
    }


@st.composite
def declarations(draw: st.DrawFn, known_target: bool = True) -> rr.Declaration:
    """A valid declaration with a full workforce and random other facts."""
    return rr.Declaration(
        supplier=draw(st.text(min_size=1, max_size=30).filter(str.strip)),
        scope=draw(st.sampled_from(["legal_person", "unit", None])),
        purpose={"integration_main_aim": draw(st.sampled_from([True, False, None]))},
        declared_on=draw(st.dates(date(2015, 1, 1), date(2018, 6, 1))),
        workforce=draw(workforces(known_target=known_target)),
        owners=draw(
            st.sampled_from(
                [None, [], [{"name": "Kommunen", "kind": "municipality", "capital_share": "0.01"}]]
            )
        ),
        financial_years=draw(
            st.sampled_from(
                [
                    None,
                    [{"end": date(2016, 12, 31), "result": Decimal(100), "to_owners": Decimal(10)}],
                ]
            )
        ),
    )


@st.composite
def personnummer(draw: st.DrawFn) -> str:
    """A Luhn-valid personnummer (YYMMDD-NNNC) with a real birth date."""
    born = draw(st.dates(date(1930, 1, 1), date(2005, 12, 31)))
    serial = draw(st.integers(0, 999))
    base = f"{born:%y%m%d}{serial:03d}"
    return f"{base[:6]}-{base[6:]}{luhn.calc_check_digit(base)}"


def one_criterion(check: Any, criterion_id: str = "c") -> rr.RuleSet:
    """A rule set with a single criterion around ``check``, for testing one check."""
    crit = rr.criterion(
        criterion_id, check, title={"sv": "c", "en": "c"}, citation={"instrument": "X"}
    )
    return rr.RuleSet(
        id="t",
        version="1",
        title={"sv": "t", "en": "t"},
        legal_basis=[{"instrument": "X"}],
        criteria=[crit],
    )
