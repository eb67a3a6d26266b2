"""One front door, and registries that cannot drift: __all__, docstrings, catalogues."""

import ast
import inspect
from pathlib import Path

import pytest

import reserverat as rr
from reserverat.cases import load_cases, run_case
from reserverat.checks import NODE_TYPES
from reserverat.logic import Verdict
from reserverat.render.messages import CATALOGUES, EVIDENCE

SRC = Path(rr.__file__).parent
OWNER_REASONS = (
    "matched",
    "look_alike",
    "company_named",
    "municipal_company",
    "maybe_municipal_company",
    "company",
    "near",
    "bare_municipality",
    "no_match",
    "group_2",
    "declared",
    "declared_contradicted",
)
CASES = [
    c for p in sorted((Path(__file__).parent / "golden").glob("*.toml")) for c in load_cases(p)
]


def test_all_is_sorted_and_complete() -> None:
    assert rr.__all__ == sorted(rr.__all__)
    # Submodules are reachable as attributes but are not names of the front door.
    public = {n for n in dir(rr) if not n.startswith("_") and not inspect.ismodule(getattr(rr, n))}
    assert public == set(rr.__all__) - {"__version__"}


def test_every_public_name_has_a_docstring() -> None:
    for name in rr.__all__:
        obj = getattr(rr, name)
        if name in ("__version__", "date"):
            continue
        doc = inspect.getdoc(obj)
        assert doc and doc.strip().splitlines()[0].endswith("."), name


def _codes_in(module: str) -> set[str]:
    """Message codes in a module: Message(code, ...), and the reason codes of a check's
    self.witness(verdict, code, ...) and self.made(verdict, code, ...)."""
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    codes = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name):
            name = node.func.id
        elif isinstance(node.func, ast.Attribute):
            name = node.func.attr
        else:
            continue
        position = {"Message": 0, "witness": 1, "made": 1}.get(name)
        if position is None or len(node.args) <= position:
            continue
        arg = node.args[position]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            codes.add(arg.value)
        elif isinstance(arg, ast.IfExp):
            codes |= {a.value for a in (arg.body, arg.orelse) if isinstance(a, ast.Constant)}
    return codes


def test_every_message_code_is_in_both_catalogues() -> None:
    modules = ["engine.py", *(f"subjects/{p.name}" for p in (SRC / "subjects").glob("*.py"))]
    emitted = set().union(*(_codes_in(m) for m in modules)) | {
        f"{kind}.{v.value}" for kind in ("all_of", "any_of", "not", "at_least") for v in Verdict
    }
    emitted |= {f"owner.{reason}" for reason in OWNER_REASONS}
    assert len(emitted) >= 80
    assert emitted <= set(CATALOGUES["sv"]), emitted - set(CATALOGUES["sv"])
    assert set(CATALOGUES["sv"]) == set(CATALOGUES["en"])
    assert set(EVIDENCE["sv"]) == set(EVIDENCE["en"])


def test_every_evidence_code_has_words() -> None:
    from reserverat.engine import _EVIDENCE_BY_PREFIX, EVIDENCE_CODES

    assert set(EVIDENCE["en"]) == set(EVIDENCE["sv"]) == EVIDENCE_CODES
    assert {code for _, code in _EVIDENCE_BY_PREFIX} <= EVIDENCE_CODES
    asked = set()
    for case in CASES:
        result = run_case(case).result
        asked |= {e for f in result.findings for n in f.explanation.walk() for e in n.evidence}
    assert len(asked) >= 6
    assert asked <= EVIDENCE_CODES, asked - EVIDENCE_CODES


def test_every_message_renders_with_its_arguments() -> None:
    # Each template names only arguments the engine passes; rendering the examples exercises them.
    from reserverat.render import Entry, render

    decls = sorted((SRC.parent.parent / "examples" / "declarations").glob("*.json"))
    seen: set[str] = set()
    for rules_id in ("lou-4-18", "lou-4-18-program", "asf-tillvaxtverket", "asf-skoopi"):
        rules = rr.load_ruleset(rules_id)
        for path in decls:
            for decl in rr.load_declarations(path):
                assert isinstance(decl, rr.Declaration)
                result = rr.evaluate(decl, rules, as_of=rr.date(2017, 12, 11))
                for lang in ("sv", "en"):
                    render([Entry(str(path), result)], "text", lang)
                for f in result.findings:
                    for n in f.explanation.walk():
                        seen.add(n.reason.code)
    assert len(seen) >= 35


def test_node_kinds_match_the_docs() -> None:
    readme = (SRC.parent.parent / "README.md").read_text(encoding="utf-8")
    for kind in NODE_TYPES:
        assert f"`{kind}`" in readme, kind


@pytest.mark.parametrize(
    "first_use",
    [
        "rr.evaluate_columns(rr.Corpus.from_declarations([rr.Declaration(supplier='A')]), "
        "rr.load_ruleset('lou-4-18'), as_of=rr.date(2024, 1, 1))",
        "rr.write_template(sys.argv[1], 'sv', rr.load_ruleset('lou-4-18'))",
        "rr.compare([('a', rr.Declaration(supplier='A'))], rr.load_ruleset('lou-4-18'), "
        "rr.load_ruleset('lou-4-18'), as_of=rr.date(2024, 1, 1))",
    ],
)
def test_any_name_works_first_in_a_fresh_process(first_use: str, tmp_path: Path) -> None:
    """`import reserverat` loads nothing until a name is used: whichever comes first, what
    it needs (the checks' registry, numpy) loads with it."""
    import subprocess
    import sys

    code = f"import sys\nimport reserverat as rr\nassert 'numpy' not in sys.modules\n{first_use}\n"
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "mall.xlsx")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_reason_code_reference_is_current() -> None:
    """docs/reason-codes.md is what tools/reason_codes.py writes from the catalogues."""
    import importlib.util

    root = Path(__file__).parent.parent
    spec = importlib.util.spec_from_file_location("reason_codes", root / "tools" / "reason_codes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = (root / "docs" / "reason-codes.md").read_text(encoding="utf-8")
    assert written == module.reference(), "run: python tools/reason_codes.py"
