"""Follow-up during the contract: timelines, lapses, changes and their causes, missing
periods, actions, the contract file's errors, and the page in a real browser."""

from __future__ import annotations

import itertools
import json
import re
from datetime import date, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reserverat as rr
from reserverat.followup import Gap, load_requirements
from reserverat.render.followup import render_follow_up
from reserverat.render.messages import render_message
from test_cli import _golden, _run

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "follow-up"
CONTRACT = EXAMPLE / "kontrakt.toml"
FILES = EXAMPLE / "forsakringar"
EXPECTED = Path(__file__).parent / "expected"
STRICTER = Path(__file__).parent / "followup" / "strangare.toml"
AS_OF = date(2025, 12, 1)
BASE = ["follow-up", str(FILES), "--contract", str(CONTRACT), "--as-of", AS_OF.isoformat()]




def _pairs(folder: Path = FILES) -> list[tuple[str, Any]]:
    out = []
    for path in sorted(folder.rglob("*.json")):
        (decl,) = rr.load_declarations(path)
        out.append((str(path.relative_to(ROOT)), decl))
    return out


@pytest.fixture(scope="module")
def done() -> rr.FollowUp:
    return rr.follow_up(_pairs(), rr.load_contract(CONTRACT), as_of=AS_OF)


def _one(done: rr.FollowUp, name: str) -> Any:
    (found,) = [s for s in done.suppliers if s.supplier.startswith(name)]
    return found


# ---- the example, exactly --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_example_text_exact(capsys: pytest.CaptureFixture[str], lang: str) -> None:
    code, out, err = _run(capsys, *BASE, "--lang", lang)
    assert (code, err) == (1, "")  # two suppliers need action
    _golden(f"follow-up.{lang}.txt", out)


def test_a_supplier_that_lapses_and_recovers(done: rr.FollowUp) -> None:
    s = _one(done, "Städkooperativet Gnistan")
    assert [(p.on, p.result.outcome.value, p.stage) for p in s.points] == [
        (date(2024, 2, 20), "qualified", "qualification"),
        (date(2024, 9, 10), "qualified", "follow_up"),
        (date(2025, 3, 12), "not_qualified", "follow_up"),
        (date(2025, 9, 8), "qualified", "follow_up"),
    ]
    (share,) = [ln for ln in s.lines if ln.criterion == "target-group-share"]
    assert (share.last_held, share.first_lapse, share.lapsed_to, share.recovered) == (
        date(2024, 9, 10),
        date(2025, 3, 12),
        "not_met",
        date(2025, 9, 8),
    )
    moved = [(c.before_on, c.on, c.criterion, c.before, c.after, c.cause) for c in s.changes]
    assert moved == [
        (date(2024, 9, 10), date(2025, 3, 12), None, "qualified", "not_qualified", "facts"),
        (date(2024, 9, 10), date(2025, 3, 12), "target-group-share", "met", "not_met", "facts"),
        (date(2025, 3, 12), date(2025, 9, 8), None, "not_qualified", "qualified", "facts"),
        (date(2025, 3, 12), date(2025, 9, 8), "target-group-share", "not_met", "met", "facts"),
    ]
    # The numbers on both sides.
    ((before, after),) = s.changes[1].reasons
    assert before is not None and after is not None
    assert render_message(before, "sv") == (
        "8 av 20 sysselsatta (40\u00a0%, räknat i personer) tillhör målgrupperna; kravet är minst 30\u00a0%."
    )
    assert render_message(after, "sv") == (
        "5 av 20 sysselsatta (25\u00a0%, räknat i personer) tillhör målgrupperna; kravet är minst 30\u00a0%."
    )
    assert (s.gaps, s.actions, s.current.outcome.value) == ((), (), "qualified")


def test_a_rule_change_mid_contract_does_not_rewrite_history(done: rr.FollowUp) -> None:
    s = _one(done, "Verkstan")
    # Every declaration before the amendment stays under the rule set at award.
    assert [(p.on, p.requirement.label, p.result.outcome.value) for p in s.points] == [
        (date(2024, 2, 28), "lou-4-18 2.0.1", "qualified"),
        (date(2024, 9, 9), "lou-4-18 2.0.1", "qualified"),
        (date(2025, 3, 10), "lou-4-18 2.0.1", "qualified"),
        (date(2025, 9, 10), "kommunhuset-uppfoljning 2025.1", "undecided"),
    ]
    # The facts did not change; the rule set did, and the change says so.
    assert [(c.criterion, c.before, c.after, c.cause) for c in s.changes] == [
        (None, "qualified", "undecided", "rules"),
        ("target-group-share", "met", "undecided", "rules"),
    ]
    (share,) = [ln for ln in s.lines if ln.criterion == "target-group-share"]
    assert (share.first_lapse, share.lapsed_to, share.recovered) == (
        date(2025, 9, 10),
        "undecided",
        None,
    )
    ((action),) = s.actions
    assert (action.code, action.args) == (
        "followup.undecided",
        {"evidence": ("staff_list",), "fetch": ()},
    )


def test_a_missing_period_is_shown_and_an_open_one_is_overdue(done: rr.FollowUp) -> None:
    returverket = _one(done, "Returverket")
    assert returverket.gaps == (Gap(date(2024, 10, 1), date(2025, 3, 31), 1, False),)
    assert returverket.actions == ()  # it came back: nothing overdue now
    tradgard = _one(done, "Trädgårdsgruppen")
    assert tradgard.gaps == (Gap(date(2024, 10, 1), date(2025, 9, 30), 2, True),)
    assert [(a.code, a.args) for a in tradgard.actions] == [
        ("followup.undecided", {"evidence": ("staff_list", "truth_declaration"), "fetch": ()}),
        (
            "followup.overdue",
            {"start": date(2024, 10, 1), "end": date(2025, 9, 30), "periods": 2},
        ),
    ]
    # The latest declaration on the follow-up date: too old, and no staff list.
    assert tradgard.current.outcome.value == "undecided"
    assert tradgard.current.provenance.as_of == AS_OF


def test_not_met_now_says_since_the_latest_lapse(tmp_path: Path) -> None:
    pairs = []
    for day, target in (("2024-02-20", 9), ("2024-09-10", 5), ("2025-03-12", 9), ("2025-09-08", 4)):
        data = json.loads((FILES / "gnistan" / "2024-09-10.json").read_text(encoding="utf-8"))
        data["declared_on"] = data["workforce"]["reference_date"] = day
        data["workforce"]["employed"]["target_group"] = {
            "headcount": target,
            "documented_need": target,
            "by_category": {"long_term_unemployed": target},
        }
        pairs.append((day, rr.parse_declaration(data)))
    f = rr.follow_up(pairs, rr.parse_contract({**_BARE, "start": "2024-04-01"}), as_of=AS_OF)
    (s,) = f.suppliers
    (share,) = [ln for ln in s.lines if ln.criterion == "target-group-share"]
    assert (share.first_lapse, share.recovered) == (date(2024, 9, 10), date(2025, 3, 12))
    (action,) = s.actions
    assert (action.code, action.args) == (
        "followup.not_met",
        {"criteria": ("target-group-share",), "since": date(2025, 9, 8)},
    )
    assert "de slutade gälla senast 2025-09-08" in render_follow_up(f, "text", "sv")


_BARE = {"id": "KS 9", "rules": "lou-4-18@2.0.1", "awarded": "2024-03-15"}


def test_suppliers_needing_action_come_first(done: rr.FollowUp) -> None:
    assert [s.supplier for s in done.suppliers] == [
        "Trädgårdsgruppen i Exempelby ekonomisk förening",
        "Verkstan Arbetsintegrering AB",
        "Returverket ideell förening",
        "Städkooperativet Gnistan ekonomisk förening",
    ]
    assert len(done.needing_action) == 2


# ---- a newer rule set beside the contract's ---------------------------------------------------


def test_a_criterion_an_amendment_adds_changes_because_the_rules_did(tmp_path: Path) -> None:
    (tmp_path / "tillagg.toml").write_text(
        """id = "tillagg"
version = "1"
extends = "lou-4-18@2.0.1"
title = { sv = "Med upplösningsklausul", en = "With a dissolution clause" }

[[criteria]]
id = "dissolution-clause"
title = { sv = "Stadgarna har en upplösningsklausul", en = "The statutes have a dissolution clause" }
authority_specific = true
citation = { instrument = "Exempelby kommun, avtal" }
check = { kind = "fact_is_true", path = "statutes.dissolution_clause" }
""",
        encoding="utf-8",
    )
    contract = rr.load_contract(
        _contract(tmp_path, _SMALL + '[[amendments]]\non = 2025-01-01\nrules = "tillagg.toml"\n')
    )
    f = rr.follow_up(_pairs(FILES / "gnistan"), contract, as_of=AS_OF)
    (s,) = [x for x in f.suppliers if x.points]
    added = [c for c in s.changes if c.criterion == "dissolution-clause"]
    assert [(c.before_on, c.on, c.before, c.after, c.cause) for c in added] == [
        (date(2024, 9, 10), date(2025, 3, 12), "absent", "undecided", "rules")
    ]


def test_a_newer_rule_set_shows_what_it_would_change_and_nothing_else(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, with_newer, _ = _run(capsys, *BASE, "--rules", str(STRICTER), "--format", "json")
    code_plain, plain, _ = _run(capsys, *BASE, "--format", "json")
    assert code == code_plain == 1
    a, b = json.loads(with_newer), json.loads(plain)
    assert a["newer"]["id"] == "kommunhuset-strangare" and b["newer"] is None
    for s in a["suppliers"]:
        s.pop("newer")
    for s in b["suppliers"]:
        assert s.pop("newer") == []
    a.pop("newer"), b.pop("newer")
    assert a == b  # the history is the contract's either way
    gnistan = next(s for s in json.loads(with_newer)["suppliers"] if "Gnistan" in s["supplier"])
    assert [(n["on"], n["before"], n["after"]) for n in gnistan["newer"]] == [
        ("2024-09-10", "qualified", "not_qualified"),
        ("2025-09-08", "qualified", "not_qualified"),
    ]
    (crit,) = gnistan["newer"][0]["criteria"]
    assert (crit["id"], crit["before"], crit["after"]) == ("target-group-share", "met", "not_met")
    assert crit["reason_after"]["text"] == (
        "8 av 20 sysselsatta (40\u00a0%, räknat i personer) tillhör målgrupperna; kravet är minst 45\u00a0%."
    )


def test_the_contracts_own_rule_set_as_newer_compares_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, *BASE, "--rules", "lou-4-18@2.0.1", "--format", "json")
    assert code == 1 and json.loads(out)["newer"] is None


# ---- bad input ------------------------------------------------------------------------------


def _decl(tmp: Path, name: str, **changes: Any) -> Path:
    data = json.loads((FILES / "gnistan" / "2024-09-10.json").read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _contract(tmp: Path, text: str) -> Path:
    path = tmp / "kontrakt.toml"
    path.write_text(text, encoding="utf-8")
    return path


_SMALL = """id = "KS 1"
rules = "lou-4-18@2.0.1"
awarded = 2024-03-15
start = 2024-04-01
follow_up_every_months = 6
[[suppliers]]
name = "Städkooperativet Gnistan ekonomisk förening"
organisationsnummer = "769640-1236"
"""


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_two_declarations_on_one_date_that_disagree(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, lang: str
) -> None:
    a = _decl(tmp_path, "a.json")
    workforce = json.loads(a.read_text(encoding="utf-8"))["workforce"]
    workforce["employed"]["target_group"] = {
        "headcount": 3,
        "documented_need": 3,
        "by_category": {"long_term_unemployed": 3},
    }
    b = _decl(tmp_path, "b.json", workforce=workforce)
    same = _decl(tmp_path, "c.json", declared_on="2024-02-20")
    # The same, sent twice under another reference of its own: no conflict.
    again = _decl(tmp_path, "d.json", declared_on="2024-02-20", id="uppf-2")
    contract = _contract(tmp_path, _SMALL)
    code, out, err = _run(
        capsys,
        "follow-up",
        *map(str, (a, b, same, again)),
        "--contract",
        str(contract),
        "--as-of",
        "2024-12-01",
        "--lang",
        lang,
    )
    assert code == 2
    where = f"{a}, {b}".replace(str(ROOT) + "/", "")
    if lang == "sv":
        assert err == (
            f"fel: {where} vid declared_on (Försäkrans datum): [conflicting_declarations] 2 "
            "försäkringar från Städkooperativet Gnistan ekonomisk förening daterade 2024-09-10 "
            "säger olika saker: ingen av dem används förrän en dras tillbaka (angivet "
            "'2024-09-10')\n"
        )
        assert "Åtgärd: 2 försäkringar daterade 2024-09-10 säger olika saker" in out
        assert "samma försäkran även i" in out
    else:
        assert err.startswith(f"error: {where} at declared_on")
        assert "[conflicting_declarations]" in err
        assert "Action: 2 declarations dated 2024-09-10 disagree" in out
    # Neither conflicting declaration is used; the period still counts as answered.
    f = rr.follow_up(
        [(str(p), rr.load_declarations(p)[0]) for p in (a, b, same, again)],
        rr.parse_contract(
            {
                "id": "KS 1",
                "rules": "lou-4-18@2.0.1",
                "awarded": "2024-03-15",
                "start": "2024-04-01",
                "follow_up_every_months": 6,
            }
        ),
        as_of=date(2024, 12, 1),
    )
    (s,) = f.suppliers
    assert [p.on for p in s.points] == [date(2024, 2, 20)]
    assert s.points[0].sources == (str(same), str(again))
    assert [c.on for c in s.conflicts] == [date(2024, 9, 10)] and s.gaps == ()


def test_undated_and_future_declarations_are_located_and_the_rest_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    undated = _decl(tmp_path, "u.json", declared_on=None, workforce={"employed": {"headcount": 1}})
    future = _decl(tmp_path, "f.json", declared_on="2025-01-10")
    good = _decl(tmp_path, "g.json")
    code, out, err = _run(
        capsys,
        "follow-up",
        *map(str, (undated, future, good)),
        "--contract",
        str(_contract(tmp_path, _SMALL)),
        "--as-of",
        "2024-12-01",
        "--lang",
        "en",
    )
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 2
    assert "u.json at declared_on" in lines[0] and "[undated_declaration]" in lines[0]
    assert "f.json at declared_on" in lines[1] and "[future_date]" in lines[1]
    assert "after the follow-up date 2024-12-01" in lines[1]
    assert "2024-09-10: QUALIFIED" in out  # the good one is still followed up
    assert "Could not be used:" in out and "u.json" in out and "f.json" in out


@pytest.mark.parametrize(
    ("text", "loc", "code", "sv"),
    [
        (_SMALL.replace("awarded = 2024-03-15\n", ""), "awarded", "missing", "uppgiften saknas"),
        (
            _SMALL + "end = 2024-01-01\n",
            "",
            "invalid",
            "kontraktet slutar innan det börjar",
        ),
        (
            _SMALL.replace(
                "[[suppliers]]", '[[amendments]]\non = 2024-01-01\nrules = "x"\n[[suppliers]]'
            ),
            "",
            "invalid",
            "en ändring gäller efter tilldelningen",
        ),
        (_SMALL + "follow_up_every = 6\n", "follow_up_every", "unknown_field", "menade du"),
        (_SMALL.replace("= 6", "= 0"), "follow_up_every_months", "out_of_range", ""),
    ],
)
def test_contract_file_errors_are_located_in_both_languages(
    tmp_path: Path, text: str, loc: str, code: str, sv: str
) -> None:
    # Keys after a [[table]] belong to it in TOML: put the top-level key first.
    lines = text.splitlines()
    top = [ln for ln in lines if ln.startswith(("end =", "follow_up_every ="))]
    rest = [ln for ln in lines if ln not in top]
    path = _contract(tmp_path, "\n".join(top + rest) + "\n")
    with pytest.raises(rr.ContractError) as info:
        rr.load_contract(path)
    (problem,) = info.value.problems
    assert (problem.source, problem.loc, problem.code) == (str(path), loc, code)
    assert problem.msg_sv is not None and sv in problem.msg_sv
    assert problem.msg and problem.msg != problem.msg_sv


def test_a_rule_set_that_changed_since_the_award_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    contract = _contract(tmp_path, f'rules_hash = "sha256:{"0" * 64}"\n' + _SMALL)
    code, out, err = _run(
        capsys, "follow-up", str(FILES), "--contract", str(contract), "--as-of", "2024-12-01"
    )
    assert (code, out) == (2, "")
    assert "vid rules_hash" in err and "[ruleset_changed]" in err
    assert "skulle skriva om historien" in err
    # The right hash is accepted.
    rules = rr.load_ruleset("lou-4-18@2.0.1")
    contract.write_text(f'rules_hash = "{rules.content_hash}"\n' + _SMALL, encoding="utf-8")
    code, _, _ = _run(
        capsys,
        "follow-up",
        str(FILES / "gnistan"),
        "--contract",
        str(contract),
        "--as-of",
        "2025-12-01",
    )
    assert code == 0


@pytest.mark.parametrize(
    ("ref", "code"), [("lou-4-17@2.0.1", "unknown_ruleset"), ("lou-4-18@9", "unknown_version")]
)
def test_an_unknown_rule_set_is_located_in_the_contract(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, ref: str, code: str
) -> None:
    text = _SMALL + f'[[amendments]]\non = 2025-01-01\nrules = "{ref}"\n'
    contract = _contract(tmp_path, text)
    code_, out, err = _run(
        capsys, "follow-up", str(FILES), "--contract", str(contract), "--as-of", "2025-12-01"
    )
    assert (code_, out) == (2, "")
    assert err.startswith(f"fel: {contract} vid amendments[0].rules: [{code}]")


def test_a_rule_set_named_without_its_version_is_pinned_with_a_warning(tmp_path: Path) -> None:
    contract = rr.load_contract(_contract(tmp_path, _SMALL.replace("@2.0.1", "")))
    requirements, warnings = load_requirements(contract, source="k.toml")
    assert requirements[0].label == "lou-4-18 2.0.1"
    (w,) = warnings
    assert (w.source, w.loc, w.code) == ("k.toml", "rules", "unpinned_rules")
    assert w.msg_sv is not None and "skriv lou-4-18@2.0.1" in w.msg_sv


def test_suppliers_with_no_declaration_or_outside_the_contract(tmp_path: Path) -> None:
    contract = rr.parse_contract(
        {
            "id": "KS 2",
            "rules": "lou-4-18@2.0.1",
            "awarded": "2024-03-15",
            "suppliers": [{"name": "Ingen Försäkran AB"}],
        }
    )
    f = rr.follow_up(_pairs(FILES / "gnistan"), contract, as_of=AS_OF)
    nobody, gnistan = f.suppliers
    assert nobody.supplier == "Ingen Försäkran AB" and nobody.points == ()
    assert [a.code for a in nobody.actions] == ["followup.no_declarations"]
    assert not gnistan.in_contract
    (w,) = f.warnings
    assert w.code == "not_in_contract" and "följs upp ändå" in (w.msg_sv or "")


def test_a_contract_that_has_ended_asks_for_nothing(tmp_path: Path) -> None:
    contract = rr.load_contract(CONTRACT).model_copy(update={"end": date(2025, 6, 30)})
    f = rr.follow_up(_pairs(), contract, as_of=AS_OF)
    assert f.needing_action == ()
    # Periods after the end are not missing; the last, cut at the end, is.
    assert _one(f, "Trädgårdsgruppen").gaps == (Gap(date(2024, 10, 1), date(2025, 6, 30), 2, True),)


def test_a_spreadsheet_of_several_dates_follows_up_as_the_files_do(tmp_path: Path) -> None:
    import csv

    from reserverat.io import COLUMNS

    files = sorted((FILES / "gnistan").glob("*.json"))[:3]  # the ones without sources

    def flat(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in d.items():
            if isinstance(value, dict):
                out.update(flat(value, f"{prefix}{key}."))
            else:
                out[f"{prefix}{key}"] = value
        return out

    rows = [flat(json.loads(p.read_text(encoding="utf-8"))) for p in files]
    sheet = tmp_path / "gnistan.csv"
    with sheet.open("w", encoding="utf-8", newline="") as f:
        # The template's columns, in its order (a count by category is a column of its own).
        names = ["supplier", *(c for c in COLUMNS if any(c in r for r in rows))]
        names += sorted({k for r in rows for k in r} - set(names))
        writer = csv.DictWriter(f, fieldnames=names, restval="")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: str(v).lower() if isinstance(v, bool) else v for k, v in r.items()})
    contract = rr.load_contract(CONTRACT)
    from reserverat.batch import rows_from

    from_sheet = rr.follow_up(
        [(r.source, r.outcome) for r in rows_from([sheet])], contract, as_of=date(2025, 6, 1)
    )
    from_files = rr.follow_up(
        [(str(p), rr.load_declarations(p)[0]) for p in files], contract, as_of=date(2025, 6, 1)
    )
    (a,), (b,) = (
        [s for s in from_sheet.suppliers if s.points],
        [s for s in from_files.suppliers if s.points],
    )
    assert [(p.on, p.result.outcome) for p in a.points] == [
        (p.on, p.result.outcome) for p in b.points
    ]
    assert a.changes == b.changes and a.gaps == b.gaps and a.actions == b.actions
    assert [p.source for p in a.points] == [f"{sheet} row {n}" for n in (2, 3, 4)]


# ---- what every output holds ------------------------------------------------------------------


def test_json_names_every_input_and_keeps_no_identity_number(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A sole trader, whose organisationsnummer is a personnummer, and a broken file.
    firm = _decl(
        tmp_path,
        "firma.json",
        supplier="Anna Andersson 19811218-9876 enskild firma",
        organisationsnummer="811218-9876",
        legal_form="enskild_firma",
    )
    broken = tmp_path / "trasig.json"
    broken.write_text("{", encoding="utf-8")
    contract = _contract(tmp_path, _SMALL)
    code, out, err = _run(
        capsys,
        "follow-up",
        str(FILES),
        str(firm),
        str(broken),
        "--contract",
        str(contract),
        "--as-of",
        "2025-12-01",
        "--format",
        "json",
    )
    assert code == 2
    data = json.loads(out)
    seen = {p["source"] for s in data["suppliers"] for p in s["points"]}
    seen |= {e["source"] for e in data["errors"]}
    given = {str(p.relative_to(ROOT)) for p in FILES.rglob("*.json")}
    assert given <= seen and any("trasig.json" in s for s in seen)
    assert any("firma.json" in s for s in seen)
    for text in (out, err):
        assert "9876" not in text
    for fmt in ("text", "html"):
        code, page, _ = _run(
            capsys,
            "follow-up",
            str(firm),
            "--contract",
            str(contract),
            "--as-of",
            "2025-12-01",
            "--format",
            fmt,
        )
        assert "9876" not in page and "811218" not in page


def test_json_shape(done: rr.FollowUp) -> None:
    data = json.loads(done.to_json("en"))
    assert data["schema"] == "urn:reserverat:follow-up:1"
    assert [r["ruleset"]["id"] for r in data["requirements"]] == [
        "lou-4-18",
        "kommunhuset-uppfoljning",
    ]
    verkstan = next(s for s in data["suppliers"] if s["supplier"].startswith("Verkstan"))
    assert verkstan["actions"] == [
        {
            "code": "followup.undecided",
            "args": {"evidence": ["staff_list"], "fetch": []},
            "text": "cannot be decided on what is at hand: ask for an anonymised list of the "
            "persons occupied, by form of occupation and target-group category, on the "
            "reference date",
        }
    ]
    change = verkstan["changes"][1]
    assert change["cause"] == "rules"
    assert change["reasons"][0]["after"]["code"] == "sources.insufficient"


def test_contract_files_are_valid_under_the_committed_schema() -> None:
    import tomllib

    schema = json.loads((ROOT / "schemas" / "contract.v1.schema.json").read_text("utf-8"))
    data = json.loads(json.dumps(tomllib.loads(CONTRACT.read_text("utf-8")), default=str))
    jsonschema.Draft202012Validator(schema).validate(data)


# ---- properties ------------------------------------------------------------------------------


_DAYS = st.lists(
    st.tuples(st.integers(0, 700), st.integers(0, 20)),
    min_size=1,
    max_size=6,
    unique_by=lambda t: t[0],
)


def _series(days: list[tuple[int, int]]) -> list[tuple[str, Any]]:
    base = json.loads((FILES / "gnistan" / "2024-09-10.json").read_text(encoding="utf-8"))
    out = []
    for offset, target in days:
        day = date.fromordinal(date(2024, 2, 1).toordinal() + offset).isoformat()
        data = json.loads(json.dumps(base))
        data["declared_on"] = day
        data["workforce"]["reference_date"] = day
        data["workforce"]["employed"]["target_group"]["headcount"] = target
        data["workforce"]["employed"]["target_group"]["documented_need"] = target
        data["workforce"]["employed"]["target_group"]["by_category"] = {
            "long_term_unemployed": target
        }
        out.append((f"d{offset}.json", rr.parse_declaration(data)))
    return out


_CONTRACT = rr.parse_contract(
    {
        "id": "P",
        "rules": "lou-4-18@2.0.1",
        "awarded": "2024-03-15",
        "start": "2024-04-01",
        "follow_up_every_months": 3,
    }
)
_END = date(2026, 1, 31)


@settings(max_examples=40, deadline=None)
@given(_DAYS, st.randoms(use_true_random=False))
def test_the_order_of_the_inputs_does_not_matter(days: list[tuple[int, int]], rnd: Any) -> None:
    pairs = _series(days)
    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    a = rr.follow_up(pairs, _CONTRACT, as_of=_END)
    b = rr.follow_up(shuffled, _CONTRACT, as_of=_END)
    assert a.to_dict() == b.to_dict()


@settings(max_examples=40, deadline=None)
@given(_DAYS, st.integers(701, 720), st.integers(0, 20))
def test_a_later_declaration_never_rewrites_earlier_history(
    days: list[tuple[int, int]], later: int, target: int
) -> None:
    before = rr.follow_up(_series(days), _CONTRACT, as_of=_END)
    after = rr.follow_up(_series([*days, (later, target)]), _CONTRACT, as_of=_END)
    (a,), (b,) = before.suppliers, after.suppliers
    assert [(p.on, p.result.to_json()) for p in a.points] == [
        (p.on, p.result.to_json()) for p in b.points[:-1]
    ]
    assert a.changes == b.changes[: len(a.changes)]
    # Each lapse is the first declaration not met after one met, as the states say.
    for line in b.lines:
        states = list(line.states)
        firsts = [
            (d0, d1)
            for (d0, v0), (d1, v1) in itertools.pairwise(states)
            if v0 == "met" and v1 in ("not_met", "undecided")
        ]
        assert (line.last_held, line.first_lapse) == (firsts[0] if firsts else (None, None))


@settings(max_examples=30, deadline=None)
@given(_DAYS)
def test_every_ended_period_has_a_declaration_or_is_a_gap(days: list[tuple[int, int]]) -> None:
    f = rr.follow_up(_series(days), _CONTRACT, as_of=_END)
    (s,) = f.suppliers
    dated = [p.on for p in s.points]
    k = 0
    while (end := _months_after(date(2024, 4, 1), 3 * (k + 1))) <= _END:
        start = _months_after(date(2024, 4, 1), 3 * k)
        answered = any(start <= d < end for d in dated)
        in_gap = any(g.start <= start and end - timedelta(days=1) <= g.end for g in s.gaps)
        assert answered != in_gap, (start, end)
        k += 1


def _months_after(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, day.day)


# ---- the page in a real browser ---------------------------------------------------------------

_PROBE = (
    "<script>window.onload=()=>{const out={};"
    "for(const f of document.querySelectorAll('figure.timeline')){"
    "out[f.dataset.supplier]=[...f.querySelectorAll('rect.seg')].map(r=>{"
    "const b=r.getBoundingClientRect();return [r.dataset.row,r.dataset.verdict,"
    "r.dataset.from,r.dataset.to,Math.round(b.width*10)/10];});}"
    "const w=document.documentElement.clientWidth;"
    "const wide=[...document.querySelectorAll('body *')].filter("
    "e=>e.getBoundingClientRect().right>w+0.5).length;"
    "document.body.setAttribute('data-segs',JSON.stringify(out));"
    "document.body.setAttribute('data-wide',String(wide));};</script>"
)


def test_the_page_in_a_browser(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from test_html import _browse, _console, _outline

    code, page, _ = _run(capsys, *BASE, "--format", "html")
    assert code == 1
    assert "<script" not in page  # the page itself runs nothing
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    outline = _outline(page)
    assert [t for tag, t in outline.headings if tag == "h1"] == [
        "Uppföljning av reserverat kontrakt",
        "Trädgårdsgruppen i Exempelby ekonomisk förening (769640-4560)",
        "Verkstan Arbetsintegrering AB (559340-1234)",
        "Returverket ideell förening (802480-1238)",
        "Städkooperativet Gnistan ekonomisk förening (769640-1236)",
    ]
    assert outline.tags.count("svg") == 4
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    done = _browse(
        tmp_path,
        "--window-size=703,1000",
        "--virtual-time-budget=3000",
        "--dump-dom",
        probe.as_uri(),
    )
    assert _console(done.stderr) == []
    found = re.search(r'data-segs="([^"]*)"', done.stdout)
    assert found, "the probe did not run"
    segs = json.loads(unescape(found.group(1)))
    gnistan = [s[:4] for s in segs["4"] if s[0] in ("outcome", "target-group-share")]
    assert gnistan == [
        ["outcome", "qualified", "2024-02-20", "2024-09-10"],
        ["outcome", "qualified", "2024-09-10", "2025-03-12"],
        ["outcome", "not_qualified", "2025-03-12", "2025-09-08"],
        ["outcome", "qualified", "2025-09-08", "2025-12-01"],
        ["target-group-share", "met", "2024-02-20", "2024-09-10"],
        ["target-group-share", "met", "2024-09-10", "2025-03-12"],
        ["target-group-share", "not_met", "2025-03-12", "2025-09-08"],
        ["target-group-share", "met", "2025-09-08", "2025-12-01"],
    ]
    # Drawn to scale: widths in proportion to the days each bar covers.
    widths = {(s[2], s[3]): s[4] for s in segs["4"] if s[0] == "outcome"}
    per_day = [
        w / (date.fromisoformat(b) - date.fromisoformat(a)).days for (a, b), w in widths.items()
    ]
    assert max(per_day) / min(per_day) == pytest.approx(1, abs=0.03)
    # A bar stops where a declaration went missing: nothing is drawn for what is not known.
    tradgard = [s[:4] for s in segs["1"] if s[0] == "outcome"]
    assert tradgard[-1] == ["outcome", "qualified", "2024-09-04", "2024-10-01"]
    found = re.search(r'data-wide="(\d+)"', done.stdout)
    assert found and found.group(1) == "0"


def test_html_for_a_supplier_without_declarations_has_no_chart() -> None:
    contract = rr.parse_contract(
        {
            "id": "KS 3",
            "rules": "lou-4-18@2.0.1",
            "awarded": "2024-03-15",
            "suppliers": [{"name": "Ingen Försäkran AB"}],
        }
    )
    page = render_follow_up(rr.follow_up([], contract, as_of=AS_OF), "html", "en")
    assert "<svg" not in page and "no declaration has come in" in page
