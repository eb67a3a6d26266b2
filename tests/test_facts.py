"""Plain facts (reserverat.subjects.facts): numbers at most and at least, exactly, with the
distance to pass; equal numbers written differently keep their own writing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np

import reserverat as rr
from reserverat.columnar import CODES, Corpus, evaluate_columns
from reserverat.result import Fact, Message
from strategies import one_criterion

WHEN = date(2024, 3, 15)
PATH = "business.sales_revenue"


def _decl(revenue: str | None) -> rr.Declaration:
    business = {"sales_revenue": revenue} if revenue is not None else {}
    return rr.Declaration(supplier="X", business=business)


def test_number_at_most_is_inclusive_and_says_how_far_over() -> None:
    rules = one_criterion(rr.number_at_most(PATH, "100000"))
    at = rr.evaluate(_decl("100000"), rules, as_of=WHEN).finding("c")
    assert at.verdict is rr.Verdict.MET
    assert at.explanation.reason == Message(
        "number.at_most", {"path": PATH, "maximum": Decimal("100000"), "value": Decimal("100000")}
    )
    over = rr.evaluate(_decl("100000.50"), rules, as_of=WHEN).finding("c")
    assert over.verdict is rr.Verdict.NOT_MET
    assert over.explanation.reason.code == "number.above"
    assert over.gaps == (Message("gap.number_over", {"over": Decimal("0.50"), "path": PATH}),)
    assert over.explanation.facts == (Fact(PATH, Decimal("100000.50")),)
    unknown = rr.evaluate(_decl(None), rules, as_of=WHEN).finding("c")
    assert unknown.verdict is rr.Verdict.UNDECIDED
    assert unknown.evidence == ("annual_report",)


def test_number_at_least_says_what_is_missing() -> None:
    rules = one_criterion(rr.number_at_least(PATH, 1))
    below = rr.evaluate(_decl("0.25"), rules, as_of=WHEN).finding("c")
    assert below.verdict is rr.Verdict.NOT_MET
    assert below.gaps == (Message("gap.number", {"missing": Decimal("0.75"), "path": PATH}),)


def test_equal_numbers_written_differently_are_shown_as_written() -> None:
    # One witness per distinct value: 1 and 1.0 are equal but must not share an explanation.
    rules = one_criterion(rr.number_at_least(PATH, 1))
    first = rr.evaluate(_decl("1"), rules, as_of=WHEN).finding("c").explanation
    second = rr.evaluate(_decl("1.0"), rules, as_of=WHEN).finding("c").explanation
    assert first.facts == (Fact(PATH, Decimal("1")),)
    assert str(second.facts[0].value) == "1.0"


def test_float_columns_compare_as_the_decimals_they_print_as() -> None:
    # A spreadsheet's 0.3 is read into a float column; it means 0.3, not the float below it.
    values = np.array([0.3, 0.2999, 0.3001, np.nan])
    known = np.array([True, True, True, False])
    corpus = Corpus(4, columns={PATH: (values, known)})
    for check, want in (
        (rr.number_at_least(PATH, "0.3"), ["met", "not_met", "met", "undecided"]),
        (rr.number_at_most(PATH, "0.3"), ["met", "met", "not_met", "undecided"]),
    ):
        rules = one_criterion(check)
        got = evaluate_columns(corpus, rules, as_of=WHEN)[:, 0]
        assert list(got) == [CODES[rr.Verdict(w)] for w in want]
        # The explained path on the rebuilt rows agrees.
        rows = [rr.evaluate(corpus.declaration(i), rules, as_of=WHEN) for i in range(3)]
        assert [r.finding("c").verdict.value for r in rows] == want[:3]
