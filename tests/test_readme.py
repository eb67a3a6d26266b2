"""The README tells the truth: its commands are CI's, its examples run."""

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest

import reserverat as rr

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_test_command_is_the_one_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    (ci_command,) = re.findall(r"^TEST_COMMAND='(.*)'$", ci, flags=re.M)
    commands = [line for block in _blocks("sh") for line in block.splitlines()]
    assert ci_command in commands
    assert 'bash -c "$TEST_COMMAND"' in ci


def test_quick_start_runs_the_examples() -> None:
    (first, *_) = _blocks("sh")
    assert "reserverat check examples/declarations/*.json --rules lou-4-18" in first


def test_rule_file_example_loads(tmp_path: Path) -> None:
    (toml_text,) = _blocks("toml")
    path = tmp_path / "min-upphandling.toml"
    path.write_text(toml_text, encoding="utf-8")
    rules = rr.load_ruleset(path)
    assert rules.extends == "lou-4-18"
    assert rules.criterion("salary-ratio").authority_specific
    assert rules.params_at(date(2025, 1, 1))["max_salary_ratio"] == 3
    assert tomllib.loads(toml_text)["id"] == rules.id
    # The editor's schema, which its first line names, accepts it too.
    import json

    import jsonschema

    assert toml_text.startswith("#:schema ./ruleset.v1.schema.json\n")
    schema = json.loads((ROOT / "schemas" / "ruleset.v1.schema.json").read_text("utf-8"))
    as_editor_sees_it = json.loads(json.dumps(tomllib.loads(toml_text), default=str))  # dates
    jsonschema.Draft202012Validator(schema).validate(as_editor_sees_it)


def test_api_example_runs() -> None:
    (code,) = _blocks("python")
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    result = namespace["result"]
    assert isinstance(result, rr.Result)
    assert result.outcome is rr.Outcome.NOT_QUALIFIED


def test_json_examples_are_valid() -> None:
    import json

    declaration, sourced, group = _blocks("json")
    decl = rr.Declaration.model_validate(json.loads(declaration))
    assert decl.workforce is not None and decl.workforce.employed is not None
    sources = rr.parse_declaration(json.loads(sourced)).sources
    assert sources is not None and [s.kind for s in sources] == ["document", "register"]
    members = json.loads(group)["members"]
    assert [m.get("role", "member") for m in members] == ["member", "member", "subcontractor"]


def test_readme_check_commands_run_on_the_examples(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every `.venv/bin/reserverat check …` line in the README reads its files (exit 0 or 1)."""
    import glob
    import shlex

    from reserverat.cli import main

    monkeypatch.chdir(ROOT)
    lines = [
        line
        for block in _blocks("sh")
        for line in block.splitlines()
        if line.startswith(".venv/bin/reserverat check") or " && .venv/bin/reserverat check" in line
    ]
    assert len(lines) >= 3
    for line in lines:
        command = line[line.index(".venv/bin/reserverat check") :].split(" > ")[0]
        words = shlex.split(command)[1:]
        args = [match for word in words for match in (sorted(glob.glob(word)) or [word])]
        code = main(args)
        assert code in (0, 1), (line, capsys.readouterr().err)
        capsys.readouterr()


def test_api_example_passes_mypy_strict(tmp_path: Path) -> None:
    """A platform developer copies the example into a typed code base: it type-checks."""
    import subprocess
    import sys

    (code,) = _blocks("python")
    path = tmp_path / "readme_api.py"
    path.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", "pyproject.toml", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found in 1 source file")
