"""The smallest set of evidence that decides an undecided result, played out on it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reserverat as rr
from reserverat.deciding import deciding_evidence, render_deciding
from reserverat.declaration import parse_declaration
from reserverat.render.request import letters, render_letters

WHEN = date(2024, 3, 1)
FULL = {
    "supplier": "Verkstaden ek. för.",
    "scope": "legal_person",
    "purpose": {"integration_main_aim": True},
    "declared_on": "2024-02-01",
    "workforce": {
        "reference_date": "2024-02-01",
        "employed": {"headcount": 10, "target_group": {"headcount": 4}},
        "trainees": {"headcount": 0},
        "work_training": {"headcount": 0},
        "other": {"headcount": 0},
    },
}


def _without(*paths: str) -> dict[str, object]:
    import copy

    data = copy.deepcopy(FULL)
    for path in paths:
        node: dict[str, object] = data
        *parents, leaf = path.split(".")
        for part in parents:
            node = node[part]  # type: ignore[assignment]
        del node[leaf]
    return data


def test_one_document_decides_when_only_its_facts_are_missing() -> None:
    rules = rr.load_ruleset("lou-4-18")
    result = rr.evaluate(parse_declaration(_without("workforce.trainees")), rules, as_of=WHEN)
    assert result.outcome is rr.Outcome.UNDECIDED
    found = deciding_evidence(result)
    assert found.decides_alone == ("staff_list",)
    assert found.fewest_to_qualify == ("staff_list",)
    assert found.can_fail_alone == ("staff_list",)
    assert found.not_played == ()
    assert render_deciding(found)[0] == (
        "Ett dokument avgör: anonymiserad förteckning över sysselsatta per anställningsform "
        "och målgruppskategori på referensdagen."
    )
    assert render_deciding(found, "en")[0].startswith("One document decides: ")


def test_several_documents_are_needed_and_none_decides_alone() -> None:
    rules = rr.load_ruleset("lou-4-18")
    decl = parse_declaration(_without("workforce.trainees", "scope", "declared_on"))
    found = deciding_evidence(rr.evaluate(decl, rules, as_of=WHEN))
    assert found.decides_alone == ()
    assert found.fewest_to_qualify == ("legal_person_figures", "staff_list", "truth_declaration")
    # The staff list can still end it alone: 1,000 trainees outside the groups.
    assert found.can_fail_alone == ("staff_list",)
    assert "Minsta underlag för att kunna kvalificera sig: " in render_deciding(found)[0]


def test_the_letter_says_which_document_decides() -> None:
    rules = rr.load_ruleset("lou-4-18")
    data = _without("workforce.trainees")
    data["purpose"] = {}  # statutes now asked for too: two items, one of them decides
    result = rr.evaluate(parse_declaration(data), rules, as_of=WHEN)
    found = deciding_evidence(result)
    (letter,) = letters([result])
    # Both are needed to qualify: neither decides alone, and the letter does not say so.
    assert letter.decides == found.decides_alone == ()
    text = render_letters([letter], rules, None, today=WHEN, reply_by=None)
    assert "avgör ensamt" not in text
    one = replace(letter, decides=("staff_list",))
    text = render_letters([one], rules, None, today=WHEN, reply_by=None, lang="en")
    assert (
        "This alone decides the assessment, so please send it first: an anonymised list"
        in text
    )


def test_a_result_that_is_decided_or_read_back_is_refused() -> None:
    rules = rr.load_ruleset("lou-4-18")
    met = rr.evaluate(parse_declaration(FULL), rules, as_of=WHEN)
    with pytest.raises(rr.EvaluationError) as caught:
        deciding_evidence(met)
    assert caught.value.problems[0].code == "not_undecided"
    undecided = rr.evaluate(parse_declaration(_without("scope")), rules, as_of=WHEN)
    with pytest.raises(rr.EvaluationError) as caught:
        deciding_evidence(rr.result_from_json(undecided.to_json()))
    assert caught.value.problems[0].code == "no_declaration"
    assert "inläst utan sin försäkran" in (caught.value.problems[0].msg_sv or "")


OPTIONAL = [
    "scope",
    "declared_on",
    "purpose.integration_main_aim",
    "workforce.trainees",
    "workforce.other",
    "workforce.employed.target_group",
]


@settings(max_examples=40, deadline=None)
@given(
    missing=st.sets(st.sampled_from(OPTIONAL), min_size=1),
    target=st.integers(0, 10),
    ruleset=st.sampled_from(["lou-4-18", "luf-4-16", "asf-tillvaxtverket"]),
)
def test_every_claim_holds_when_the_named_evidence_is_added(
    missing: set[str], target: int, ruleset: str
) -> None:
    """Adding the named evidence with the favourable (or unfavourable) values it was shown
    with gives the outcome claimed, evaluated afresh; a piece said to decide alone does."""
    rules = rr.load_ruleset(ruleset)
    data = _without(*sorted(missing))
    workforce = data["workforce"]
    assert isinstance(workforce, dict)
    if "target_group" in workforce["employed"]:
        workforce["employed"]["target_group"]["headcount"] = target
    result = rr.evaluate(parse_declaration(data), rules, as_of=WHEN)
    if result.outcome is not rr.Outcome.UNDECIDED:
        return
    found = deciding_evidence(result)
    from reserverat.deciding import _with

    for witness in found.witnesses:
        again = rr.evaluate(
            parse_declaration(_with(data, witness.values)), rules, as_of=WHEN
        )
        assert again.outcome is witness.outcome
        asked = {c for f in result.findings for c in f.evidence}
        assert set(witness.evidence) <= asked
    shown = {(w.evidence, w.outcome) for w in found.witnesses}
    for code in found.decides_alone:
        assert ((code,), rr.Outcome.QUALIFIED) in shown
        assert ((code,), rr.Outcome.NOT_QUALIFIED) in shown
    if found.fewest_to_qualify is not None:
        assert (found.fewest_to_qualify, rr.Outcome.QUALIFIED) in shown
