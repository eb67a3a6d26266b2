"""The command speaks the buyer's language: help in Swedish and English, and a Swedish
message for every problem a declaration, a procurement or a command line can give."""

from __future__ import annotations

import argparse
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reserverat as rr
from reserverat.cli import main
from reserverat.cliargs import help_language, parser
from reserverat.errors import Problem
from reserverat.io import COLUMNS


def _subparsers(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    out: dict[str, argparse.ArgumentParser] = {}
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out[name] = sub
                out.update({f"{name} {k}": v for k, v in _subparsers(sub).items()})
    return out


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_option_of_every_command_has_help(lang: str) -> None:
    top = parser(lang)
    commands = _subparsers(top)
    assert set(commands) >= {"check", "batch", "request", "template", "rules list"}
    lacking = [
        f"{name} {action.dest}"
        for name, sub in {"": top, **commands}.items()
        for action in sub._actions
        if not isinstance(action, argparse._SubParsersAction) and not action.help
    ]
    assert lacking == []


def test_help_is_swedish_by_default_and_english_with_lang_en(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check", "--help"])
    assert info.value.code == 0
    sv = capsys.readouterr().out
    assert sv.startswith("användning: reserverat check [-h] --rules ID|SÖKVÄG")
    assert "\nargument:\n" in sv and "\nflaggor:\n" in sv
    assert "  -h, --help            visa den här hjälpen\n" in sv
    # What check reads, in words.
    assert "leverantörernas uppgifter: .json, .jsonl, .csv, .xlsx\n" in sv
    assert "eller ett ESPD-svar (.xml)" in sv
    for english in ("usage:", "options:", "show this help", "evaluation date"):
        assert english not in sv
    with pytest.raises(SystemExit):
        main(["check", "--help", "--lang", "en"])
    en = capsys.readouterr().out
    assert en.startswith("usage: reserverat check [-h] --rules ID|PATH")
    assert "\noptions:\n" in en
    assert "the suppliers' declarations: .json, .jsonl, .csv,\n" in en
    assert ".xlsx or an ESPD Response (.xml)" in en
    assert "användning" not in en and "leverantör" not in en


def test_the_language_comes_from_the_command_line_else_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RESERVERAT_LANG", raising=False)
    assert help_language(["check", "x"]) == "sv"
    assert help_language(["check", "--lang", "en"]) == "en"
    assert help_language(["check", "--lang=en"]) == "en"
    monkeypatch.setenv("RESERVERAT_LANG", "en")
    assert help_language(["check"]) == "en"
    assert help_language(["check", "--lang", "sv"]) == "sv"
    assert parser("en").parse_args(["check", "x", "--rules", "r"]).lang == "en"
    assert parser("sv").parse_args(["test"]).lang == "sv"  # a command without --lang


@pytest.mark.parametrize(
    ("argv", "sv", "en"),
    [
        (
            ["check", "x.json"],
            "fel: [bad_option] dessa argument krävs: --rules",
            "error: [bad_option] the following arguments are required: --rules",
        ),
        (
            ["check", "x.json", "--rules", "r", "--format", "pdf"],
            "fel: [bad_option] argument --format: ogiltigt val: 'pdf' (välj bland 'text', "
            "'json', 'markdown', 'html')",
            "error: [bad_option] argument --format: invalid choice: 'pdf' (choose from 'text', "
            "'json', 'markdown', 'html')",
        ),
        (
            ["check", "x.json", "--rules", "r", "--bogus"],
            "fel: [bad_option] okända argument: --bogus",
            "error: [bad_option] unrecognized arguments: --bogus",
        ),
        (
            ["check", "x.json", "--rules", "r", "--procurement", "p", "--notice", "n"],
            "fel: [bad_option] argument --notice: går inte att ange tillsammans med "
            "--procurement",
            "error: [bad_option] argument --notice: not allowed with argument --procurement",
        ),
        (
            ["request", "x.json", "--rules", "r", "--reply-by", "31/12"],
            "fel: [bad_option] argument --reply-by: inget datum (ÅÅÅÅ-MM-DD): '31/12'",
            "error: [bad_option] argument --reply-by: not a date (YYYY-MM-DD): '31/12'",
        ),
    ],
)
def test_argparse_speaks_swedish_too(
    argv: list[str], sv: str, en: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for lang, expected, usage in ((None, sv, "användning: "), ("en", en, "usage: ")):
        with pytest.raises(SystemExit) as info:
            main(argv + (["--lang", lang] if lang else []))
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith(usage)
        assert err.rstrip("\n").endswith(expected)


# ---- a Swedish message for every problem ----------------------------------------------------

_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["ja", "30 %", "2024-13-01", "aktiebolagg", "556677-8899", "1e999"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["x", "name", "headcount"]), st.integers(), max_size=2),
)


def _nest(path: str, value: Any) -> dict[str, Any]:
    head, _, rest = path.partition(".")
    if "[" in head:
        name = head.split("[", 1)[0]
        return {name: [_nest(rest, value) if rest else value]}
    return {head: _nest(rest, value) if rest else value}


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        if isinstance(out.get(k), dict) and isinstance(v, dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


@st.composite
def _bad_declarations(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {"supplier": draw(st.sampled_from(["A AB", "", 5, None]))}
    for path in draw(st.lists(st.sampled_from(sorted(COLUMNS)), max_size=5)):
        data = _merge(data, _nest(path, draw(_VALUES)))
    if draw(st.booleans()):
        data["unknown_field"] = 1
    return data


def _lacking_swedish(problems: tuple[Problem, ...]) -> list[str]:
    return [f"{p.code} at {p.loc}: {p.msg}" for p in problems if p.msg_sv is None]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_bad_declarations())
def test_every_problem_in_a_declaration_has_swedish_words(data: dict[str, Any]) -> None:
    try:
        rr.parse_declaration(data)
    except rr.DeclarationError as exc:
        assert _lacking_swedish(exc.problems) == []


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "authority",
                "reference",
                "title",
                "submission_date",
                "started_on",
                "main_cpv",
                "duration_months",
                "reservation",
                "lot",
                "reserved_participation",
                "reserved_execution",
                "primary_care_choice_system",
                "other",
            ]
        ),
        _VALUES,
        max_size=4,
    )
)
def test_every_problem_in_a_procurement_has_swedish_words(data: dict[str, Any]) -> None:
    try:
        rr.parse_procurement(data)
    except rr.DeclarationError as exc:
        assert _lacking_swedish(exc.problems) == []


def test_a_declaration_problem_in_swedish_names_the_field_in_words() -> None:
    with pytest.raises(rr.DeclarationError) as info:
        rr.parse_declaration(
            {
                "supplier": "A AB",
                "workforce": {"employed": {"headcount": 3, "target_group": {"headcount": 5}}},
                "owners": [{"name": "X", "vote_share": 0.7}, {"name": "Y", "vote_share": 0.6}],
                "founded": "2020-13-01",
            },
            source="anbud.json",
        )
    assert sorted(p.text("sv") for p in info.value.problems) == [
        "anbud.json vid founded (Bildad): [wrong_type] ska vara ett datum (ÅÅÅÅ-MM-DD) "
        "(angivet '2020-13-01')",
        "anbud.json vid owners (Ägare): [invalid] ägarnas röstandelar blir tillsammans 1,3, "
        "mer än 1 (100 %)",
        "anbud.json vid workforce.employed (Sysselsatta › anställda): [invalid] antalet i "
        "målgrupperna (5) är större än antalet personer (3)",
    ]
