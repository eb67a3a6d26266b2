"""What every check needs (CONTRIBUTING.md, "Adding a check"): this test fails when a piece
is missing, and says which."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import reserverat as rr
from reserverat import subjects
from reserverat.checks import COMBINATOR_KINDS, NODE_TYPES
from reserverat.engine import CHECKS, Compiled, Eager, Memoised
from reserverat.loading import list_rulesets
from reserverat.render.messages import CATALOGUES

ROOT = Path(__file__).parent.parent
SRC = Path(rr.__file__).parent
CHECK_KINDS = set(NODE_TYPES) - COMBINATOR_KINDS


def _own(cls: type, name: str, stop: type) -> bool:
    """Whether ``cls`` or a base below ``stop`` defines ``name`` itself."""
    for klass in cls.__mro__:
        if klass is stop:
            return False
        if name in vars(klass):
            return True
    return False


def test_every_check_kind_has_one_compiled_class_in_a_subject_module() -> None:
    assert set(CHECKS) == CHECK_KINDS, set(CHECKS) ^ CHECK_KINDS
    for kind, cls in CHECKS.items():
        assert cls.kind == kind
        module = cls.__module__
        assert module.startswith("reserverat.subjects."), (kind, module)
        assert module.rsplit(".", 1)[1] in (subjects.__doc__ or ""), (kind, module)
        assert (inspect.getdoc(cls) or "").endswith("."), kind


def test_every_compiled_check_says_what_it_reads() -> None:
    # What the rule set's template asks for: every path a known column (list items numbered).
    from reserverat.io import COLUMNS

    for kind, cls in CHECKS.items():
        assert _own(cls, "reads", Compiled), kind
    for info in list_rulesets():
        from reserverat.io import ruleset_columns

        cols, _ = ruleset_columns(rr.load_ruleset(info.id))
        unknown = [c for c in cols if c not in COLUMNS and ".by_category." not in c]
        assert unknown == [], (info.id, unknown)


def test_every_compiled_check_decides_and_explains() -> None:
    for kind, cls in CHECKS.items():
        if issubclass(cls, Eager):
            assert _own(cls, "judge", Eager), kind
        elif issubclass(cls, Memoised):
            assert _own(cls, "judge", Memoised), kind
            assert _own(cls, "explain", Compiled), kind
        else:
            assert _own(cls, "decide", Compiled) and _own(cls, "explain", Compiled), kind


def _reason_codes(path: Path) -> dict[str, set[str]]:
    """Per compiled class in a subject module: the reason codes it writes down."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: dict[str, set[str]] = {}
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        codes = out.setdefault(cls.name, set())
        for node in ast.walk(cls):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr in ("witness", "made") and len(node.args) > 1:
                arg = node.args[1]
                if isinstance(arg, ast.Constant):
                    codes.add(arg.value)
                elif isinstance(arg, ast.IfExp):
                    codes |= {
                        a.value for a in (arg.body, arg.orelse) if isinstance(a, ast.Constant)
                    }
    return out


def test_every_reason_code_has_words_in_both_languages() -> None:
    seen = 0
    for path in sorted((SRC / "subjects").glob("*.py")):
        for cls, codes in _reason_codes(path).items():
            for code in codes:
                seen += 1
                for lang in ("sv", "en"):
                    assert code in CATALOGUES[lang], f"{path.name} {cls}: {code} has no {lang} text"
    assert seen >= 60


def _kinds(node: Any) -> set[str]:
    found = {node.kind}
    of = getattr(node, "of", None)
    for child in of if isinstance(of, tuple) else (of,):
        if hasattr(child, "kind"):
            found |= _kinds(child)
    return found


def test_every_check_kind_is_documented_and_tested() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tests = "".join(
        p.read_text(encoding="utf-8")
        for p in ROOT.glob("tests/*.py")
        if p.name != Path(__file__).name
    )
    golden = "".join(p.read_text(encoding="utf-8") for p in ROOT.glob("tests/golden/*.toml"))
    # A kind is tested where a test names it, or a golden case expects a verdict of a
    # built-in criterion that uses it.
    cased = set()
    for info in list_rulesets():
        for crit in rr.load_ruleset(info.id).criteria:
            if f"criteria.{crit.id}]" in golden:
                cased |= _kinds(crit.check)
    for kind in sorted(CHECK_KINDS):
        assert f"| `{kind}` |" in readme, f"{kind}: no row in README's table of checks"
        assert kind in tests or kind in cased, f"{kind}: no test or golden case covers it"


def test_kernels_read_their_block_only_through_columns() -> None:
    """A kernel sees a block of rows: the corpus itself holds every row, at other offsets."""
    for path in sorted((ROOT / "src" / "reserverat" / "subjects").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        reads = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "corpus"
        ]
        assert reads == [], f"{path.name} reads the corpus at lines {reads}: use cols.column"
