"""Kleene's three-valued logic, with NOT_APPLICABLE as a neutral element."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reserverat.logic import Verdict, all_verdicts, any_verdicts, at_least_verdicts, not_verdict

MET, NOT_MET, UND, NA = Verdict.MET, Verdict.NOT_MET, Verdict.UNDECIDED, Verdict.NOT_APPLICABLE
three = st.sampled_from([MET, NOT_MET, UND])
four = st.sampled_from(list(Verdict))


def test_truth_tables() -> None:
    assert all_verdicts([MET, MET]) is MET
    assert all_verdicts([MET, UND]) is UND
    assert all_verdicts([UND, NOT_MET]) is NOT_MET
    assert any_verdicts([NOT_MET, NOT_MET]) is NOT_MET
    assert any_verdicts([NOT_MET, UND]) is UND
    assert any_verdicts([UND, MET]) is MET
    assert [not_verdict(v) for v in (MET, NOT_MET, UND, NA)] == [NOT_MET, MET, UND, NA]
    assert all_verdicts([NA, MET]) is MET
    assert all_verdicts([NA, NA]) is NA
    assert at_least_verdicts(2, [MET, UND, NOT_MET]) is UND
    assert at_least_verdicts(2, [MET, NOT_MET, NOT_MET]) is NOT_MET
    assert at_least_verdicts(2, [MET, MET, UND]) is MET


def test_bool_of_a_verdict_raises() -> None:
    with pytest.raises(TypeError, match="three values"):
        bool(Verdict.UNDECIDED)


@given(st.lists(four))
def test_de_morgan(xs: list[Verdict]) -> None:
    assert not_verdict(all_verdicts(xs)) is any_verdicts([not_verdict(x) for x in xs])
    assert not_verdict(any_verdicts(xs)) is all_verdicts([not_verdict(x) for x in xs])


@given(four)
def test_double_negation(x: Verdict) -> None:
    assert not_verdict(not_verdict(x)) is x


@given(st.lists(four), st.randoms())
def test_order_does_not_matter(xs: list[Verdict], rnd: object) -> None:
    ys = list(xs)
    rnd.shuffle(ys)  # type: ignore[attr-defined]
    assert all_verdicts(xs) is all_verdicts(ys)
    assert any_verdicts(xs) is any_verdicts(ys)


@given(four, four, four)
def test_associative(a: Verdict, b: Verdict, c: Verdict) -> None:
    assert all_verdicts([a, all_verdicts([b, c])]) is all_verdicts([all_verdicts([a, b]), c])
    assert any_verdicts([a, any_verdicts([b, c])]) is any_verdicts([any_verdicts([a, b]), c])


@given(three, three)
def test_absorption_and_identity(a: Verdict, b: Verdict) -> None:
    assert all_verdicts([a, any_verdicts([a, b])]) is a
    assert any_verdicts([a, all_verdicts([a, b])]) is a
    assert all_verdicts([a, MET]) is a
    assert any_verdicts([a, NOT_MET]) is a
    assert all_verdicts([a, NOT_MET]) is NOT_MET
    assert any_verdicts([a, MET]) is MET


@given(st.lists(four), four)
def test_not_applicable_is_neutral(xs: list[Verdict], x: Verdict) -> None:
    assert all_verdicts([*xs, NA, x]) is all_verdicts([*xs, x])
    assert any_verdicts([*xs, NA, x]) is any_verdicts([*xs, x])


@given(st.lists(three, min_size=1))
def test_at_least_generalises_any_and_all(xs: list[Verdict]) -> None:
    assert at_least_verdicts(1, xs) is any_verdicts(xs)
    assert at_least_verdicts(len(xs), xs) is all_verdicts(xs)


@given(st.lists(three, min_size=1), st.integers(1, 6))
def test_at_least_is_monotone_in_n(xs: list[Verdict], n: int) -> None:
    rank = {NOT_MET: 0, UND: 1, MET: 2}
    assert rank[at_least_verdicts(n + 1, xs)] <= rank[at_least_verdicts(n, xs)]
