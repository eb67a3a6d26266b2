"""A rule set as a document: every check in words, every value the variant's own, and a
page that a browser renders."""

import re
import struct
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reserverat as rr
from reserverat.checks import NODE_TYPES
from reserverat.cli import main
from reserverat.loading import list_rulesets, ruleset_versions
from reserverat.render.messages import fmt_param
from reserverat.render.ruledoc import _EN, _SV, Line, render_ruleset, ruleset_doc
from test_html import _browse, _console, _outline

EXPECTED = Path(__file__).parent / "expected"
IDS = sorted({info.id for info in list_rulesets()})
_COMBINATORS = {"all_of", "any_of", "not", "at_least"}


def _lines(line: Line) -> list[str]:
    return [line.text, *(t for c in line.children for t in _lines(c))]


def test_every_check_kind_has_words_in_both_languages() -> None:
    import reserverat.subjects  # noqa: F401  (registers every kind)

    assert set(_SV) == set(_EN) == set(NODE_TYPES) - _COMBINATORS


@pytest.mark.parametrize("ruleset_id", IDS)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_builtin_rule_set_reads_as_words(ruleset_id: str, lang: str) -> None:
    rules = rr.load_ruleset(ruleset_id)
    doc = ruleset_doc(rules, lang, versions=ruleset_versions(ruleset_id))
    assert [c.id for c in doc.criteria] == [c.id for c in rules.criteria]
    for c in doc.criteria:
        texts = _lines(c.test) + (_lines(c.when) if c.when else [])
        for text in texts:
            # No check kind's name, no unresolved value, no Python tuple or quoted code.
            assert text not in NODE_TYPES, (c.id, text)
            assert "?" not in text and "('" not in text and "_" not in text, (c.id, text)
        assert c.citation
    for label, values, mark, _ in doc.parameters:
        assert values and "('" not in values and "{'" not in values, label
        assert mark or not rules.parameters[label.rsplit("(", 1)[1][:-1]].basis
    assert sum(this for *_, this in doc.versions) == 1
    page = render_ruleset(rules, "markdown", lang)
    assert page.count("\n### ") == len(rules.criteria)


def test_the_markdown_document_exact(capsys: pytest.CaptureFixture[str]) -> None:
    for lang in ("sv", "en"):
        args = ["rules", "show", "lou-4-18", "--format", "markdown", "--as-of", "2026-12-01"]
        assert main([*args, "--lang", lang]) == 0
        out, err = capsys.readouterr()
        path = EXPECTED / f"rules-show-lou-4-18.{lang}.md"
        import os

        if os.environ.get("RESERVERAT_REGENERATE"):
            path.write_text(out, encoding="utf-8")
        assert (out, err) == (path.read_text(encoding="utf-8"), "")


def test_the_document_lists_every_version_and_marks_this_one() -> None:
    rules = rr.load_ruleset("lou-19-25", as_of=date(2020, 6, 1))
    doc = ruleset_doc(rules, "sv", versions=ruleset_versions("lou-19-25"))
    assert doc.versions == (
        ("1.1.0", "2019-01-01", "2022-01-31", True),
        ("2.0.0", "2022-02-01", "tills vidare", False),
    )
    assert ("Gäller", "2019-01-01 – 2022-01-31") in doc.meta


_NUMERIC = [
    (ruleset_id, name)
    for ruleset_id in IDS
    for name, p in rr.load_ruleset(ruleset_id).parameters.items()
    if p.unit in ("share", "km", "months", "years")
]


@pytest.mark.parametrize(("ruleset_id", "name"), _NUMERIC)
@settings(max_examples=10, deadline=None)
@given(steps=st.integers(min_value=1, max_value=90))
def test_a_variant_document_states_only_its_own_values(
    ruleset_id: str, name: str, steps: int
) -> None:
    """Every criterion that uses a parameter says the variant's value, never the old one."""
    rules = rr.load_ruleset(ruleset_id)
    when = min(max(date(2024, 3, 15), rules.valid_from or date.min), rules.valid_to or date.max)
    old = rules.params_at(when)[name]
    unit = rules.parameters[name].unit
    new = Decimal(steps) / 100 if unit == "share" else Decimal(steps)
    if new == old:
        return
    variant = rules.with_params(**{name: new})
    users = {cid for _, cid, _, ref in variant._param_uses() if ref.param == name}
    for lang in ("sv", "en"):
        was, now = fmt_param(old, unit, lang), fmt_param(new, unit, lang)
        old_there = re.compile(r"(?<![\d.,])" + re.escape(was) + r"(?![\d])")
        doc = ruleset_doc(variant, lang, as_of=when)
        for c in doc.criteria:
            if c.id not in users:
                continue
            texts = [c.title, *_lines(c.test), *(_lines(c.when) if c.when else [])]
            joined = " | ".join(texts)
            bare = re.compile(
                r"(?<![\d.,])" + re.escape(fmt_param(new, None, lang)) + r"(?![\d.,])"
            )
            one_year = "senaste räkenskapsåret" if lang == "sv" else "last financial year"
            said = now in joined or (
                unit == "years" and (bare.search(joined) or one_year in joined)
            )
            assert said, (lang, c.id, now, joined)
            assert not old_there.search(joined), (lang, c.id, was, joined)
            if unit == "years":  # "de senaste 3 räkenskapsåren" names the number alone
                bare_old = fmt_param(old, None, lang)
                assert f" {bare_old} räkenskapsår" not in joined, (c.id, joined)
                assert f" {bare_old} financial year" not in joined, (c.id, joined)


def test_the_document_page_in_a_browser(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "show", "botkyrka-2017", "--format", "html"]) == 0
    page = tmp_path / "doc.html"
    page.write_text(capsys.readouterr().out, encoding="utf-8")
    done = _browse(tmp_path, "--dump-dom", page.as_uri())
    assert _console(done.stderr) == []
    assert done.stdout.count('<section class="criterion"') == 7
    outline = _outline(done.stdout)
    assert [t for tag, t in outline.headings if tag == "h2"] == [
        "Rättslig grund",
        "Kriterier",
        "Parametrar",
        "Öppna punkter och verktygets val",
        "Versioner",
    ]
    shot = tmp_path / "shot.png"
    _browse(tmp_path, "--window-size=900,1300", f"--screenshot={shot}", page.as_uri())
    data = shot.read_bytes()
    assert struct.unpack(">II", data[16:24]) == (900, 1300)
    assert len(data) > 20_000


_EXAMPLES = [
    d
    for folder in ("declarations", "botkyrka", "welfare")
    for p in sorted((Path(__file__).parent.parent / "examples" / folder).glob("[0-9]*.json"))
    for d in rr.load_declarations(p)
    if isinstance(d, rr.Declaration)
]
# Values no example's facts contain, so that finding one in a report can only mean the
# rule set's value leaked past the variant. The years marker is above every variant value
# (at most 90), so that no gap "N år saknas" can equal it: 43 did, for a 46-year variant
# against an example's 3-year term.
_MARKER = {"share": Decimal("0.3719"), "km": Decimal("23.7"), "months": 17, "years": 97}


@pytest.mark.parametrize(("ruleset_id", "name"), _NUMERIC)
@settings(max_examples=4, deadline=None)
@given(steps=st.integers(min_value=1, max_value=90))
def test_no_report_of_a_variant_states_the_value_it_replaced(
    ruleset_id: str, name: str, steps: int
) -> None:
    """A rule set with the parameter at a marker value, changed by a variant: no rendered
    text of any example's result (titles, descriptions, reasons, gaps, parameters) or of
    the rule set's document names the marker."""
    rules = rr.load_ruleset(ruleset_id)
    unit = rules.parameters[name].unit
    assert unit is not None
    marked = rules.with_params(**{name: _MARKER[unit]})
    new = Decimal(steps) / 100 if unit == "share" else Decimal(steps)
    if new == _MARKER[unit]:
        return
    variant = marked.with_params(**{name: new})
    when = min(max(date(2024, 3, 15), rules.valid_from or date.min), rules.valid_to or date.max)
    for lang in ("sv", "en"):
        was = fmt_param(_MARKER[unit], unit, lang)
        pattern = re.compile(r"(?<![\d.,])" + re.escape(was) + r"(?![\d])")
        texts = [render_ruleset(variant, "markdown", lang, when)]
        for decl in _EXAMPLES:
            result = rr.evaluate(decl, variant, as_of=when)
            texts.append(rr.render_text(result, lang))
            texts.append(rr.render_markdown(result, lang))
        for text in texts:
            assert not pattern.search(text), (lang, was, pattern.search(text))
        # ... and the marker itself does show where nothing replaced it (the test can fail).
        shown = rr.render_text(rr.evaluate(_EXAMPLES[0], marked, as_of=when), lang)
        shown += render_ruleset(marked, "markdown", lang, when)
        assert pattern.search(shown), (lang, was)
