"""Audit samples: weights that say why, a draw that repeats on any machine, exempt
suppliers never drawn, sizes within the bounds, and bad options refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reserverat as rr
from reserverat.audit import AuditError, Candidate, audit_candidates, draw_sample, render_sample
from reserverat.cli import main

WHEN = date(2017, 12, 11)
DATA = Path(__file__).parent / "data"


def _decl(name: str, target: int, occupied: int, **extra: Any) -> rr.Declaration:
    return rr.parse_declaration(
        {
            "supplier": name,
            "scope": "legal_person",
            "purpose": {"integration_main_aim": True},
            "declared_on": extra.pop("declared_on", "2017-12-01"),
            "workforce": {
                "reference_date": "2017-12-01",
                "employed": {"headcount": occupied, "target_group": {"headcount": target}},
                "trainees": {"headcount": 0},
                "work_training": {"headcount": 0},
                "other": {"headcount": 0},
            },
            **extra,
        }
    )


def _results() -> list[tuple[str, rr.Result]]:
    lou = rr.load_ruleset("lou-4-18")
    decls = [
        ("nara.json", _decl("Nära AB", 31, 100)),
        ("mitt.json", _decl("Mitt AB", 35, 100)),
        ("langt.json", _decl("Långt AB", 60, 100)),
        ("gammal.json", _decl("Gammal AB", 60, 100, declared_on="2017-02-01")),
        ("under.json", _decl("Under AB", 20, 100)),
    ]
    declared = rr.parse_declaration(
        {
            "supplier": "Uppgiven AB",
            "scope": "legal_person",
            "purpose": {"integration_main_aim": True},
            "declared_on": "2017-12-01",
            "workforce": {"reference_date": "2017-12-01", "declared_share": "0.45"},
        }
    )
    out = [(s, rr.evaluate(d, lou, as_of=WHEN)) for s, d in decls]
    out.append(("uppgiven.json", rr.evaluate(declared, lou, as_of=WHEN)))
    # A rule set that verifies against a register: its accepted supplier is exempt.
    register = rr.load_register(DATA / "ideburna-register.csv", "ideburna")
    rules = rr.RuleSet(
        id="register-test",
        version="1",
        title={"sv": "R", "en": "R"},
        legal_basis=[{"instrument": "X"}],
        criteria=[
            rr.criterion(
                "registered",
                rr.registered_in("ideburna"),
                title={"sv": "R", "en": "R"},
                citation={"instrument": "X"},
            )
        ],
    )
    ctx = rr.EvaluationContext(registers={"ideburna": register})
    member = rr.Declaration(supplier="Annat namn", organisationsnummer="802456-7896")
    out.append(("register.json", rr.evaluate(member, rules, as_of=WHEN, context=ctx)))
    return out


def test_the_weights_say_why() -> None:
    got = {c.supplier: (c.weight, c.parts, c.exempt) for c in audit_candidates(_results())}
    assert got == {
        "Nära AB": (2800, (("close_call", 1800),), None),
        "Mitt AB": (2000, (("close_call", 1000),), None),
        "Långt AB": (1000, (), None),
        "Gammal AB": (1857, (("old_date", 857),), None),
        "Uppgiven AB": (2000, (("declared_share", 1000),), None),
        "Annat namn": (0, (), "register_verified"),
    }  # "Under AB" is not accepted: nobody to audit


def test_where_facts_come_from_weighs_in() -> None:
    lou = rr.load_ruleset("lou-4-18")
    staff = {
        "facts": ["workforce"],
        "kind": "document",
        "document": "staff_list",
        "reference": "Personalförteckning",
        "issued": "2017-06-01",
    }
    documented = _decl("Styrkt AB", 60, 100, sources=[staff])
    register = {
        "kind": "register",
        "register_id": "bolagsverket",
        "record": "556677-8899",
        "read_on": "2017-12-05",
    }
    purpose_only = rr.RuleSet(
        id="purpose",
        version="1",
        title={"sv": "S", "en": "S"},
        legal_basis=[{"instrument": "X"}],
        criteria=[lou.criterion("main-purpose")],
    )
    read = _decl("Registrerad AB", 60, 100, sources=[{"facts": ["purpose"], **register}])
    got = {
        c.supplier: (c.weight, c.parts, c.exempt)
        for c in audit_candidates(
            [
                ("s.json", rr.evaluate(documented, lou, as_of=WHEN)),
                ("r.json", rr.evaluate(read, purpose_only, as_of=WHEN)),
            ]
        )
    }
    assert got == {
        # The purpose and the declaration's own facts rest on its word; the staff list is
        # half a year old on the evaluation date.
        "Styrkt AB": (2528, (("declared_facts", 1000), ("old_date", 528)), None),
        "Registrerad AB": (0, (), "register_verified"),
    }
    sample = draw_sample(
        list(audit_candidates([("s.json", rr.evaluate(documented, lou, as_of=WHEN))])),
        rate=1,
        seed=1,
    )
    assert "uppgifter på egen försäkran +1" in render_sample(sample, "text", "sv")


def test_a_draw_is_pinned_and_says_why() -> None:
    sample = draw_sample(audit_candidates(_results()), rate="0.5", seed=2017, minimum=2, maximum=4)
    assert sample.size == 3  # half of six, rounded up
    # Pinned: a change to the method or to the weights shows here.
    assert [c.supplier for c in sample.drawn] == ["Mitt AB", "Uppgiven AB", "Gammal AB"]
    text = render_sample(sample, "text", "sv")
    assert text.splitlines()[:3] == [
        "Stickprov för dokumentkontroll",
        "frö: 2017; andel: 50\xa0%; antal dragna: 3 av 6 godkända",
        "Metoden: se README (reserverat.audit); samma underlag och frö ger samma urval.",
    ]
    assert "  3. Gammal AB [gammal.json]: 1,857 (grundvikt 1, gamla uppgifter +0,857)" in text
    assert "  Annat namn [register.json]: styrkt mot register, undantagen" in text.splitlines()


def test_the_same_seed_draws_the_same_in_any_process(tmp_path: Path) -> None:
    results = tmp_path / "resultat.json"
    results.write_text(
        json.dumps([{"source": s, "result": r.to_dict()} for s, r in _results()]), "utf-8"
    )
    outs = []
    for hashseed in ("0", "12345"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "reserverat",
                "audit-sample",
                str(results),
                "--rate",
                "0.5",
                "--seed",
                "99",
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": hashseed},
            check=True,
        )
        outs.append(done.stdout)
    assert outs[0] == outs[1]
    assert [d["supplier"] for d in json.loads(outs[0])["drawn"]] == [
        c.supplier for c in draw_sample(audit_candidates(_results()), rate="0.5", seed=99).drawn
    ]


_candidates = st.lists(
    st.builds(
        Candidate,
        key=st.text("0123456789abcdef", min_size=8, max_size=8),
        supplier=st.just("X"),
        source=st.text("abc", min_size=1, max_size=3),
        weight=st.integers(1000, 5000),
        parts=st.just(()),
        exempt=st.sampled_from([None, None, None, "register_verified"]),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(
    candidates=_candidates,
    rate=st.fractions(min_value=Fraction(1, 100), max_value=1),
    seed=st.integers(-(2**63), 2**63),
    bounds=st.tuples(st.integers(0, 10), st.integers(1, 30)).filter(lambda b: b[0] <= b[1]),
)
def test_exempt_never_drawn_and_the_size_within_bounds(
    candidates: list[Candidate], rate: Fraction, seed: int, bounds: tuple[int, int]
) -> None:
    low, high = bounds
    sample = draw_sample(candidates, rate=rate, seed=seed, minimum=low, maximum=high)
    eligible = [c for c in candidates if c.exempt is None]
    assert all(c.exempt is None for c in sample.drawn)
    assert len(sample.drawn) == sample.size <= min(high, len(eligible))
    assert sample.size >= min(low, len(eligible))
    assert len({id(c) for c in sample.drawn}) == len(sample.drawn)  # without replacement
    again = draw_sample(list(reversed(candidates)), rate=rate, seed=seed, minimum=low, maximum=high)
    assert [(c.key, c.source) for c in again.drawn] == [(c.key, c.source) for c in sample.drawn]


@pytest.mark.parametrize(
    ("options", "sv", "en"),
    [
        (
            ["--rate", "0", "--seed", "1"],
            "--rate vid 0: [bad_rate] andelen ska vara över 0 och högst 1 (0,2 är var femte) "
            "(angivet '0')",
            "--rate at 0: [bad_rate] the rate is a share above 0 and at most 1 (0.2 is one in "
            "five) (got '0')",
        ),
        (
            ["--rate", "1.5", "--seed", "1"],
            "--rate vid 1.5: [bad_rate] andelen ska vara över 0 och högst 1 (0,2 är var femte) "
            "(angivet '1.5')",
            "--rate at 1.5: [bad_rate] the rate is a share above 0 and at most 1 (0.2 is one in "
            "five) (got '1.5')",
        ),
        (
            ["--rate", "0.2", "--seed", "sju"],
            "--seed vid sju: [bad_seed] fröet ska vara ett heltal (högst 40 siffror), så att "
            "dragningen kan upprepas (angivet 'sju')",
            "--seed at sju: [bad_seed] the seed is a whole number (at most 40 digits), so that "
            "the draw can be repeated (got 'sju')",
        ),
        (
            ["--rate", "1e-999999999", "--seed", "1"],
            "--rate vid 1e-999999999: [bad_rate] andelen ska vara över 0 och högst 1 (0,2 är "
            "var femte) (angivet '1e-999999999')",
            "--rate at 1e-999999999: [bad_rate] the rate is a share above 0 and at most 1 (0.2 "
            "is one in five) (got '1e-999999999')",
        ),
        (
            ["--rate", "0.2", "--seed", "1", "--min", "5", "--max", "2"],
            "--min vid 5..2: [bad_bounds] min ska vara 0 eller mer och högst max; max ska vara "
            "1 eller mer",
            "--min at 5..2: [bad_bounds] min is 0 or more and at most max; max is 1 or more",
        ),
    ],
)
def test_bad_options_are_located_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, options: list[str], sv: str, en: str
) -> None:
    results = tmp_path / "r.json"
    results.write_text(json.dumps([r.to_dict() for _, r in _results()[:2]]), "utf-8")
    for lang, want in (("sv", f"fel: {sv}"), ("en", f"error: {en}")):
        assert main(["audit-sample", str(results), *options, "--lang", lang]) == 2
        assert capsys.readouterr().err == want + "\n"


def test_a_file_of_other_things_is_refused(tmp_path: Path) -> None:
    from reserverat.audit import read_results

    other = tmp_path / "x.json"
    other.write_text('{"supplier": "X"}', "utf-8")
    with pytest.raises(AuditError) as info:
        read_results([other])
    assert info.value.problems[0].code == "not_results"
