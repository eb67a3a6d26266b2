"""Flat records for tables and data frames: one row per input, equal to the JSON results."""

from __future__ import annotations

import builtins
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import reserverat as rr
from reserverat.batch import rows_from
from reserverat.tables import COLUMNS, to_records

ROOT = Path(__file__).parent.parent
WHEN = date(2017, 12, 11)
FILES = [
    p
    for folder in ("declarations", "botkyrka", "welfare")
    for p in sorted((ROOT / "examples" / folder).glob("[0-9]*.json"))
]
RULESETS = sorted({info.id for info in rr.list_rulesets()})


@pytest.mark.parametrize("ruleset_id", RULESETS)
def test_records_equal_the_json_results_for_every_example(ruleset_id: str) -> None:
    rules = rr.load_ruleset(ruleset_id)
    when = min(max(WHEN, rules.valid_from or date.min), rules.valid_to or date.max)
    results = [rr.evaluate(d, rules, as_of=when) for p in FILES for d in rr.load_declarations(p)]
    records = to_records(results)
    assert len(records) == len(results)
    criteria = [c.id for c in rules.criteria]
    expected_keys = [*COLUMNS[:5], *(f"verdict:{c}" for c in criteria), *COLUMNS[5:]]
    for n, (record, result) in enumerate(zip(records, results, strict=True), start=1):
        assert list(record) == expected_keys
        data = json.loads(result.to_json())
        assert record["row"] == n and record["source"] == f"#{n}"
        assert record["supplier"] == data["supplier"]["name"]
        assert record["identifier"] == data["supplier"].get("identifier")
        assert record["outcome"] == data["outcome"]
        for f in data["findings"]:
            assert record[f"verdict:{f['criterion']}"] == f["verdict"]
        assert record["reasons"] == "; ".join(
            f"{f['criterion']}={f['explanation']['reason']['code']}" for f in data["findings"]
        )
        asked = record["evidence"].split("; ") if record["evidence"] else []
        assert asked == list(dict.fromkeys(c for f in result.findings for c in f.evidence))
        assert record["warnings"] == "; ".join(w["code"] for w in data["warnings"])
        p = data["provenance"]
        assert (record["ruleset_id"], record["ruleset_version"], record["ruleset_hash"]) == (
            p["ruleset_id"],
            p["ruleset_version"],
            p["ruleset_hash"],
        )
        assert (record["as_of"], record["input_hash"], record["library_version"]) == (
            p["as_of"],
            p["input_hash"],
            p["library_version"],
        )


def test_batch_rows_keep_their_source_and_errors_stay_rows(tmp_path: Path) -> None:
    bad = tmp_path / "fel.json"
    bad.write_text('[{"supplier": "Bra AB"}, {"supplier": "Fel AB", "founded": "igår"}]', "utf-8")
    rules = rr.load_ruleset("lou-4-18")
    rows = list(rows_from([FILES[0], bad]))
    items: list[Any] = [
        rr.render.Entry(r.source, rr.evaluate(r.outcome, rules, as_of=WHEN), name=r.name)
        if isinstance(r.outcome, rr.Declaration)
        else r
        for r in rows
    ]
    records = to_records(items)
    assert [(r["source"], r["outcome"]) for r in records] == [
        (str(FILES[0]), "qualified"),
        (f"{bad}[0]", "undecided"),
        (f"{bad}[1]", "error"),
    ]
    error = records[2]
    assert error["supplier"] == "Fel AB"
    assert error["errors"] == "founded: wrong_type"
    assert error["ruleset_id"] is None and error["verdict:target-group-share"] is None
    with pytest.raises(TypeError, match="not a Declaration"):
        to_records([rows[0].outcome])


def test_frames_from_the_same_records() -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    rules = rr.load_ruleset("lou-4-18")
    results = [
        rr.evaluate(d, rules, as_of=WHEN) for p in FILES[:11] for d in rr.load_declarations(p)
    ]
    records = to_records(results)
    frame = rr.to_pandas(results)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(records[0])
    assert frame.to_dict("records") == records
    polars_frame = rr.to_polars(results)
    assert isinstance(polars_frame, pl.DataFrame)
    assert polars_frame.columns == list(records[0])
    assert polars_frame.to_dicts() == records
    lou = rr.load_ruleset("lou-4-18")
    decls = [(str(p), d) for p in FILES[:11] for d in rr.load_declarations(p)]
    c = rr.compare(decls, lou, lou.with_params(threshold="0.45"), as_of=WHEN)
    assert c.to_pandas().to_dict("records") == c.to_records()
    assert [r["change"] for r in c.to_records()] == ["loss"] * 4
    assert c.to_records()[0]["criteria"] == "target-group-share: met -> not_met"


def test_without_the_frames_extra_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_import = builtins.__import__

    def no_frames(name: str, *args: Any, **kwargs: Any) -> Any:
        if name in ("pandas", "polars"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_frames)
    result = rr.evaluate(rr.load_declarations(FILES[0])[0], rr.load_ruleset("lou-4-18"), as_of=WHEN)
    for convert, module in ((rr.to_pandas, "pandas"), (rr.to_polars, "polars")):
        with pytest.raises(ImportError) as info:
            convert([result])
        assert str(info.value) == (
            f"{module} is not installed: install reserverat with its [frames] extra "
            "(pip install 'reserverat[frames]')"
        )
    assert to_records([result])[0]["outcome"] == "qualified"  # records need no extra
