"""Every example under every built-in rule set gives byte-identical JSON: a hash of each
result's ``to_json()`` is kept in ``expected/result-hashes.json``.

This is the safety net for rebuilding the core (decide once, explain on demand): the
JSON of a result must not change by a byte unless the law or a message did. After an
intended change, regenerate with ``RESERVERAT_REGENERATE=1 pytest
tests/test_result_golden.py`` and say in the commit why the results changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

import reserverat as rr
from reserverat.declaration import load_procurement

ROOT = Path(__file__).parent.parent
EXPECTED = Path(__file__).parent / "expected" / "result-hashes.json"
AS_OF = date(2024, 3, 15)
PROCUREMENT = ROOT / "examples" / "welfare" / "procurement-19-25.json"


def _declarations() -> list[tuple[str, rr.Declaration]]:
    out = []
    for path in sorted((ROOT / "examples").glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "supplier" not in data:
            continue  # procurements and group files
        out.append((f"{path.parent.name}/{path.name}", rr.parse_declaration(data)))
    return out


def _rulesets() -> list[rr.RuleSet]:
    # Every version of every built-in rule set, by id@version.
    return [rr.load_ruleset(f"{i.id}@{i.version}") for i in rr.list_rulesets()]


def _hashes() -> dict[str, str]:
    procurement = load_procurement(PROCUREMENT)
    out = {}
    for rules in _rulesets():
        for name, decl in _declarations():
            text = rr.evaluate(decl, rules, as_of=AS_OF, procurement=procurement).to_json()
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            out[f"{rules.id}@{rules.version} {name}"] = digest
    return out


def test_results_are_byte_identical() -> None:
    got = _hashes()
    if os.environ.get("RESERVERAT_REGENERATE"):
        EXPECTED.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    want = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert len(got) > 400
    changed = sorted(k for k in got.keys() | want.keys() if got.get(k) != want.get(k))
    assert not changed, f"{len(changed)} results changed, e.g. {changed[:5]}"
