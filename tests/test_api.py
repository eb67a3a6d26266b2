"""The API as a platform developer meets it: wrong arguments say what to pass, loaders keep
values and errors apart, and evaluate() may be called from many threads at once."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

import reserverat as rr

ROOT = Path(__file__).parent.parent
WHEN = date(2017, 12, 11)


def test_a_dict_is_not_a_declaration() -> None:
    rules = rr.load_ruleset("lou-4-18")
    with pytest.raises(rr.DeclarationError) as info:
        rr.evaluate({"supplier": "X"}, rules, as_of=WHEN)  # type: ignore[arg-type]
    [problem] = info.value.problems
    assert (problem.code, problem.loc) == ("wrong_type", "declaration")
    assert problem.msg == (
        "evaluate() takes a Declaration, not a dict: make one with rr.parse_declaration(data) "
        "(a dict) or rr.load_declarations(path)"
    )
    assert problem.msg_sv is not None and problem.msg_sv.startswith("evaluate() tar en Declaration")
    decl = rr.parse_declaration({"supplier": "X"})
    with pytest.raises(rr.RuleSetError) as ruleset_info:
        rr.evaluate(decl, "lou-4-18", as_of=WHEN)  # type: ignore[arg-type]
    assert ruleset_info.value.problems[0].msg.startswith("evaluate() takes a RuleSet, not a str")
    with pytest.raises(rr.DeclarationError) as proc_info:
        rr.evaluate(decl, rules, procurement={"main_cpv": "85311000"}, as_of=WHEN)  # type: ignore[arg-type]
    assert proc_info.value.problems[0].loc == "procurement"


def _declarations() -> list[rr.Declaration]:
    out: list[rr.Declaration] = []
    for folder in ("declarations", "botkyrka", "welfare"):
        for path in sorted((ROOT / "examples" / folder).glob("[0-9]*.json")):
            out.extend(rr.load_declarations(path).declarations)
    return out


def test_evaluate_from_many_threads_equals_serial() -> None:
    """Fresh rule sets, so that the threads race to compile and cache them."""
    decls = _declarations() * 3
    ids = ["lou-4-18", "botkyrka-2017", "lou-19-25a", "asf-skoopi", "iop"]
    serial = {
        rid: [rr.evaluate(d, rr.load_ruleset(rid), as_of=WHEN).to_json() for d in decls]
        for rid in ids
    }
    for rid in ids:
        rules = rr.load_ruleset(rid)  # new object: nothing compiled for it yet

        def one(d: rr.Declaration, rules: rr.RuleSet = rules) -> str:
            result = rr.evaluate(d, rules, as_of=WHEN)
            assert result.findings  # the lazy explanations, built in this thread
            return result.to_json()

        with ThreadPoolExecutor(max_workers=16) as pool:
            threaded = list(pool.map(one, decls))
        assert threaded == serial[rid], rid


def test_one_result_read_by_many_threads() -> None:
    decl = _declarations()[0]
    for _ in range(20):
        result = rr.evaluate(decl, rr.load_ruleset("lou-4-18"), as_of=WHEN)
        with ThreadPoolExecutor(max_workers=8) as pool:
            texts = set(pool.map(lambda _, r=result: r.to_json(), range(16)))
        assert len(texts) == 1
        assert json.loads(texts.pop())["outcome"] == result.outcome.value


def _botkyrka() -> list[rr.Result]:
    rules = rr.load_ruleset("botkyrka-2017")
    names = ("26-tva-platser.json", "21-hallunda.json", "22-norsborg-bara-postnummer.json")
    return [
        rr.evaluate(rr.load_declarations(ROOT / "examples" / "botkyrka" / n)[0], rules, as_of=WHEN)
        for n in names
    ]


def test_render_html_is_public_and_draws_the_maps_itself() -> None:
    results = _botkyrka()
    heading = rr.ReportHeading(authority="Botkyrka kommun", reference="KS/2017:812")
    page = rr.render_html(results, "sv", heading)
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert page.count('<section class="page') == 1 + len(results)  # the summary, then each
    assert page.count("<svg") == len(results)  # a map each, without a call to geography()
    assert "KS/2017:812" in page
    one = rr.render_html(results[0], maps=False)
    assert one.count('<section class="page') == 1 and "<svg" not in one


def test_a_notebook_shows_the_report() -> None:
    import html

    result = _botkyrka()[0]
    assert result._repr_markdown_() == rr.render_markdown(result, "sv")
    frame = result._repr_html_()
    assert frame.startswith('<iframe srcdoc="') and "sandbox" in frame
    inner = html.unescape(frame[len('<iframe srcdoc="') : frame.index('" style=')])
    assert inner == rr.render_html(result)


def _nodes(node: object) -> list[dict[str, object]]:
    """Every JSON object in a document, depth first."""
    if isinstance(node, dict):
        return [node, *(n for value in node.values() for n in _nodes(value))]
    if isinstance(node, list):
        return [n for value in node for n in _nodes(value)]
    return []


def test_to_json_with_a_language_adds_every_sentence() -> None:
    import jsonschema

    from reserverat.render.messages import EVIDENCE, render_message

    schema = json.loads((ROOT / "schemas" / "result.v1.schema.json").read_text("utf-8"))
    for result in _botkyrka():
        plain = result.to_json()
        for lang in ("sv", "en"):
            data = json.loads(result.to_json(lang=lang))
            jsonschema.Draft202012Validator(schema).validate(data)
            messages = [n for n in _nodes(data) if set(n) >= {"code", "args"}]
            explained = [n for n in _nodes(data) if "evidence" in n and "kind" in n]
            assert messages and all(isinstance(m.get("text"), str) for m in messages)
            reason = result.findings[0].explanation.reason
            assert data["findings"][0]["explanation"]["reason"]["text"] == render_message(
                reason, lang
            )
            for node in explained:
                evidence = node["evidence"]
                assert isinstance(evidence, list)
                if evidence:
                    assert node["evidence_text"] == [EVIDENCE[lang][c] for c in evidence]
                else:
                    assert "evidence_text" not in node
            # The sentences are additive: a reader of the plain form reads this one.
            assert rr.result_from_json(json.dumps(data)) == result
        assert result.to_json() == plain  # and the canonical form never changes
    with pytest.raises(ValueError, match="lang is one of sv, en"):
        _botkyrka()[0].to_json(lang="de")


@pytest.mark.parametrize(
    "tag", ['{"fraction": "1e999999999"}', '{"fraction": "1/0"}', '{"decimal": "x"}']
)
def test_an_edited_stored_result_is_refused_not_hung(tag: str) -> None:
    """A stored result read back may have been edited; a bad exact number is a validation
    error at once (Fraction("1e999999999") alone would build a billion-digit number)."""
    import time

    from pydantic import ValidationError

    result = _botkyrka()[0]
    text = result.to_json()
    assert '{"approx": ' in text or '"fraction"' in text
    data = json.loads(text)
    data["findings"][0]["explanation"]["facts"] = [{"path": "x", "value": json.loads(tag)}]
    start = time.monotonic()
    with pytest.raises(ValidationError):
        rr.result_from_json(json.dumps(data))
    assert time.monotonic() - start < 1


def test_a_warning_added_after_the_findings_were_read_keeps_the_maps() -> None:
    from reserverat.render import map_layers

    (result,) = _botkyrka()[:1]
    layers = map_layers(result)
    assert len(layers) == 1
    warning = rr.Message(
        "input.cell",
        {"where": "C3", "problem_sv": "ett okänt värde", "problem_en": "an unknown value"},
    )
    unread = rr.evaluate(
        rr.load_declarations(ROOT / "examples" / "botkyrka" / "26-tva-platser.json")[0],
        rr.load_ruleset("botkyrka-2017"),
        as_of=WHEN,
    ).with_warnings((warning,))
    findings = result.findings  # read first: the record must still come along
    warned = result.with_warnings((warning,))
    assert warned.record is result.record and warned.findings is findings
    assert warned.warnings == (*result.warnings, warning)
    assert map_layers(warned) == layers
    assert "<svg" in rr.render_html(warned)
    assert warned.to_json() == unread.to_json()
    assert warned == unread
