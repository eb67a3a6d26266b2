"""The engine decides once and explains on demand; laziness never shows.

For every built-in rule set and varied declarations: the verdicts decided into the record
equal the verdicts of the explanations built from it, which equal the columnar verdicts;
the compact reasons and evidence are those of the explanations; ``to_json`` is the
pydantic dump written by ``json.dumps``; and a Result behaves the same before and after
its findings are built.
"""

from __future__ import annotations

import json
import pickle
from datetime import date
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reserverat as rr
from reserverat.columnar import CODES, Corpus, evaluate_columns
from reserverat.engine import compile_plan
from reserverat.loading import list_rulesets
from strategies import varied

EXAMPLES = Path(__file__).parent.parent / "examples"
WHEN = date(2024, 3, 15)
RULESETS = [rr.load_ruleset(f"{i.id}@{i.version}") for i in list_rulesets()]
PROC = rr.Procurement(authority="Exempelby kommun", main_cpv="85311000", duration_months=24)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(varied(), min_size=1, max_size=8))
def test_record_explanation_and_columns_agree(decls: list[rr.Declaration]) -> None:
    for rules in RULESETS:
        results = [rr.evaluate(d, rules, as_of=WHEN, procurement=PROC) for d in decls]
        # Read the record before anything builds the findings.
        records = [r.record for r in results]
        compact = [r.compact() for r in results]
        assert all("findings" not in r.__dict__ for r in results)  # compact explains nothing
        decided = [[v.value for v, _, _ in rec.entries] for rec in records]
        explained = [[f.verdict.value for f in r.findings] for r in results]
        assert decided == explained, rules.id
        corpus = Corpus.from_declarations(decls)
        columns = evaluate_columns(corpus, rules, as_of=WHEN, procurement=PROC)
        codes = np.array([[CODES[rr.Verdict(v)] for v in row] for row in decided], dtype=np.int8)
        assert np.array_equal(columns, codes), rules.id
        for result, short in zip(results, compact, strict=True):
            # From the record, from the findings, and from the stored JSON: the same.
            assert short == result.compact() == rr.result_from_json(result.to_json()).compact()
            # The hand-written line is the canonical JSON of pydantic's own view.
            canonical = json.dumps(short.to_dict(), sort_keys=True, ensure_ascii=False)
            assert short.to_json() == canonical
            for f in result.findings:
                got = short.criteria[f.criterion]
                assert got.verdict is f.verdict
                assert got.evidence == f.evidence
                assert got.reasons == f.explanation.reasons()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(varied(), st.sampled_from(RULESETS), st.sampled_from([None, 2, 4]))
def test_to_json_is_the_pydantic_dump(
    decl: rr.Declaration, rules: rr.RuleSet, indent: int | None
) -> None:
    result = rr.evaluate(decl, rules, as_of=WHEN, procurement=PROC)
    # Twice: the second time shared fragments come from the cache.
    for _ in range(2):
        oracle = json.dumps(result.to_dict(), sort_keys=True, ensure_ascii=False, indent=indent)
        assert result.to_json(indent=indent) == oracle
    again = rr.result_from_json(result.to_json())
    assert again == result
    assert again.to_json(indent=indent) == result.to_json(indent=indent)


def test_a_result_is_the_same_before_and_after_its_findings_are_built() -> None:
    rules = rr.load_ruleset("lou-4-18")
    decl = rr.load_declarations(EXAMPLES / "declarations" / "01-yalla-kooperativ.json")[0]
    lazy = rr.evaluate(decl, rules, as_of=WHEN)
    eager = rr.evaluate(decl, rules, as_of=WHEN)
    _ = eager.findings
    assert "findings" not in lazy.__dict__
    assert lazy == eager  # comparing builds the findings
    assert "findings" in lazy.__dict__
    assert repr(lazy) == repr(eager)
    fresh = rr.evaluate(decl, rules, as_of=WHEN)
    copied = pickle.loads(pickle.dumps(fresh))
    assert copied == eager and copied.record is None
    assert rr.result_from_json(eager.to_json()) == lazy
    assert lazy.finding("target-group-share").verdict is lazy.finding("target-group-share").verdict


def test_compiling_is_cached_per_date_context_and_tender() -> None:
    rules = rr.load_ruleset("lou-4-18")
    a = compile_plan(rules, WHEN)
    assert compile_plan(rules, WHEN) is a
    assert compile_plan(rules, date(2024, 3, 16)) is not a
    assert compile_plan(rules, WHEN, procurement=PROC) is not a
    assert compile_plan(rules, WHEN, procurement=PROC) is compile_plan(
        rules, WHEN, procurement=PROC
    )
    context = rr.EvaluationContext()
    assert compile_plan(rules, WHEN, context) is not a


def test_a_decided_witness_explains_once_and_is_shared() -> None:
    rules = rr.load_ruleset("lou-4-18")
    decl = rr.load_declarations(EXAMPLES / "declarations" / "01-yalla-kooperativ.json")[0]
    one = rr.evaluate(decl, rules, as_of=WHEN).finding("whole-legal-person").explanation
    two = rr.evaluate(decl, rules, as_of=WHEN).finding("whole-legal-person").explanation
    assert one is two  # the scope check's witness is shared, and so is its explanation


def test_a_model_copy_has_caches_of_its_own() -> None:
    """A copy changed with model_copy(update=...) is hashed and compiled as itself, not as the
    rule set or declaration it was copied from."""
    rules = rr.load_ruleset("lou-4-18")
    decl = rr.load_declarations(EXAMPLES / "declarations" / "01-yalla-kooperativ.json")[0]
    whole = rr.evaluate(decl, rules, as_of=WHEN)  # compiles and hashes the original first
    assert whole.provenance.ruleset_hash == rules.content_hash and decl.content_hash
    fewer = rules.model_copy(update={"criteria": rules.criteria[:2]})
    part = rr.evaluate(decl, fewer, as_of=WHEN)
    assert [f.criterion for f in part.findings] == [c.id for c in rules.criteria[:2]]
    assert len(whole.findings) == len(rules.criteria) > 2
    assert part.provenance.ruleset_hash != whole.provenance.ruleset_hash
    renamed = decl.model_copy(update={"supplier": "Ett annat namn ek. för."})
    assert renamed.content_hash != decl.content_hash
    assert (
        renamed.content_hash
        == rr.parse_declaration(renamed.model_dump(mode="json", exclude_none=True)).content_hash
    )


def test_compact_json_escapes_every_text_as_json_does() -> None:
    name = 'Å\u00e4 "citat" \\ snedstreck\nrad\t\u2028 \x01 AB'
    decl = rr.Declaration(supplier=name, id='ref "1"\n')
    short = rr.evaluate(decl, RULESETS[0], as_of=WHEN).compact()
    text = short.to_json()
    assert text == json.dumps(short.to_dict(), sort_keys=True, ensure_ascii=False)
    assert json.loads(text)["supplier"] == {
        "identifier": None,
        "name": name,
        "reference": 'ref "1"',  # the model strips the reference's ends
    }
