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
