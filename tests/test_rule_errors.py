"""A table of broken rule files: each gives its stable code at its location, nothing else."""

from datetime import date
from pathlib import Path

import pytest

import reserverat as rr

HEAD = """
id = "t"
version = "1"
title = { sv = "T", en = "T" }
legal_basis = [{ instrument = "X" }]
"""
CRIT = """
[[criteria]]
id = "c1"
title = { sv = "a", en = "b" }
citation = { instrument = "X" }
"""


def _problems(tmp_path: Path, text: str, name: str = "t.toml") -> list[rr.Problem]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(rr.RuleSetError) as info:
        rr.load_ruleset(path)
    return list(info.value.problems)


# (what, file text, [(code, loc, words in the message)])
TABLE = [
    (
        "TOML syntax error",
        HEAD + "threshold = \n",
        [("bad_toml", "line 6 column 13", "Invalid value")],
    ),
    (
        "misspelt check kind",
        HEAD + CRIT + 'check = { kind = "share_atleast", threshold = 0.3 }\n',
        [("unknown_kind", "criteria[0].check", "did you mean 'share_at_least'")],
    ),
    (
        "misspelt check field",
        HEAD + CRIT + 'check = { kind = "share_at_least", treshold = 0.3 }\n',
        [
            ("missing", "criteria[0].check.threshold", "Field required"),
            ("unknown_field", "criteria[0].check.treshold", "did you mean 'threshold'"),
        ],
    ),
    (
        "wrong type",
        HEAD + CRIT + 'check = { kind = "share_at_least", threshold = "abc" }\n',
        [("wrong_type", "criteria[0].check.threshold", "valid decimal")],
    ),
    (
        "share above 100 %",
        HEAD + CRIT + 'check = { kind = "share_at_least", threshold = 1.5 }\n',
        [("out_of_range", "criteria[0].check.threshold", "less than or equal to 1")],
    ),
    (
        "value outside a closed vocabulary",
        HEAD + CRIT + 'check = { kind = "share_at_least", threshold = 0.3, basis = "persons" }\n',
        [("not_allowed", "criteria[0].check.basis", "'headcount', 'fte' or 'unspecified'")],
    ),
    (
        "unknown declaration field in a check",
        HEAD + CRIT + 'check = { kind = "fact_is_true", path = "purpose.integration_main_am" }\n',
        [("invalid", "criteria[0].check.path", "did you mean 'purpose.integration_main_aim'")],
    ),
    (
        "misspelt parameter reference",
        HEAD
        + "[parameters]\nthreshold = 0.3\n"
        + CRIT
        + 'check = { kind = "share_at_least", threshold = { param = "treshold" } }\n',
        [
            ("unknown_parameter", "criteria[0].check.threshold", "did you mean 'threshold'"),
            ("unused_parameter", "parameters.threshold", "not used by any criterion"),
        ],
    ),
    (
        "misspelt key inside a parameter reference",
        HEAD
        + "[parameters]\nthreshold = 0.3\n"
        + CRIT
        + 'check = { kind = "share_at_least", threshold = { parm = "threshold" } }\n',
        [
            ("missing", "criteria[0].check.threshold.param", "Field required"),
            ("unknown_field", "criteria[0].check.threshold.parm", "did you mean 'param'"),
            # Cross-checks (unused parameters) run once the structure is valid.
        ],
    ),
    (
        "parameter value its use does not accept",
        HEAD
        + '[parameters]\nbasis = "persons"\n'
        + CRIT
        + 'check = { kind = "share_at_least", threshold = 0.3, basis = { param = "basis" } }\n',
        [("bad_parameter", "parameters.basis.values[0].value", "used at criteria[0].check.basis")],
    ),
    (
        "duplicate criterion id",
        HEAD
        + CRIT
        + 'check = { kind = "no_public_owner" }\n'
        + CRIT
        + 'check = { kind = "no_public_owner" }\n',
        [("duplicate_id", "criteria[1].id", "also used by criteria[0]")],
    ),
    (
        "no criteria",
        HEAD,
        [("missing", "criteria", "Field required")],
    ),
    (
        "missing title",
        HEAD
        + '[[criteria]]\nid = "c1"\ncitation = { instrument = "X" }\n'
        + 'check = { kind = "no_public_owner" }\n',
        [("missing", "criteria[0].title", "Field required")],
    ),
    (
        "unknown top-level key",
        HEAD + "treshold = 1\n" + CRIT + 'check = { kind = "no_public_owner" }\n',
        [("unknown_field", "treshold", "unknown field 'treshold'")],
    ),
    (
        "extends an unknown rule set",
        HEAD + 'extends = "lou-4-81"\n' + CRIT + 'check = { kind = "no_public_owner" }\n',
        [("unknown_ruleset", "extends", "did you mean 'lou-4-18'")],
    ),
    (
        "redefines an inherited criterion without replace",
        HEAD
        + 'extends = "lou-4-18"\n[[criteria]]\nid = "main-purpose"\ntitle = { sv = "a", en = "b" }\n'
        + 'citation = { instrument = "X" }\ncheck = { kind = "no_public_owner" }\n',
        [("duplicate_id", "criteria[0].id", "set replace = true")],
    ),
    (
        "removes a criterion the parent does not have",
        HEAD + 'extends = "lou-4-18"\nremove_criteria = ["main-purpse"]\n',
        [("unknown_criterion", "remove_criteria", "did you mean 'main-purpose'")],
    ),
    (
        "a basis mark outside the vocabulary, and a misspelt one",
        HEAD
        + '[parameters.p]\nvalues = [{ value = 3 }]\nbasis = "tool_default"\n'
        + CRIT
        + 'basis = "law"\ncheck = { kind = "transfers_only_to", allowed = ["research"], years = { param = "p" } }\n',
        [
            ("unknown_basis", "parameters.p.basis", "did you mean 'tool-default'?"),
            (
                "unknown_basis",
                "criteria[0].basis",
                "unknown basis mark 'law'; expected one of statute, guidance, case-law, "
                "buyer, tool-default, open",
            ),
        ],
    ),
    (
        "a transfer recipient the check does not know",
        HEAD + CRIT + 'check = { kind = "transfers_only_to", allowed = ["friends", "research"] }\n',
        [
            (
                "unknown_recipient",
                "criteria[0].check.allowed[0]",
                "unknown transfer recipient 'friends'; expected one of owners, "
                "registered_ideburna, unregistered_ideburna, research, work_integration, other",
            )
        ],
    ),
]


@pytest.mark.parametrize(("what", "text", "expected"), TABLE, ids=[t[0] for t in TABLE])
def test_broken_rule_file(
    tmp_path: Path, what: str, text: str, expected: list[tuple[str, str, str]]
) -> None:
    problems = _problems(tmp_path, text)
    got = [(p.code, p.loc) for p in problems]
    assert got == [(code, loc) for code, loc, _ in expected], what
    for problem, (_, _, words) in zip(problems, expected, strict=True):
        assert words in problem.msg
        assert problem.source == str(tmp_path / "t.toml")


def test_problem_names_the_rule(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path, HEAD + CRIT + 'check = { kind = "share_at_least", threshold = 2 }\n'
    )
    assert [p.rule for p in problems] == ["c1"]
    assert str(problems[0]).startswith(
        f"{tmp_path / 't.toml'} rule 'c1' at criteria[0].check.threshold:"
    )


def test_cycle_in_extends(tmp_path: Path) -> None:
    a = HEAD.replace('id = "t"', 'id = "a"') + 'extends = "b"\n'
    b = HEAD.replace('id = "t"', 'id = "b"') + 'extends = "a"\n'
    (tmp_path / "b.toml").write_text(b, encoding="utf-8")
    problems = _problems(tmp_path, a, "a.toml")
    assert [(p.code, p.loc) for p in problems] == [("extends_cycle", "extends")]
    assert "a -> b -> a" in problems[0].msg


def test_cycle_in_extends_with_versions(tmp_path: Path) -> None:
    a = HEAD.replace('id = "t"', 'id = "a"') + 'extends = "b@1"\n'
    b = HEAD.replace('id = "t"', 'id = "b"').replace('version = "1.0.0"', 'version = "1"')
    (tmp_path / "b.toml").write_text(b + 'extends = "a@2"\n', encoding="utf-8")
    problems = _problems(tmp_path, a, "a.toml")
    assert [(p.code, p.loc) for p in problems] == [("extends_cycle", "extends")]


def test_extends_may_pin_the_parents_version(tmp_path: Path) -> None:
    pinned = rr.parse_ruleset(
        {"id": "p", "version": "1", "title": {"sv": "P", "en": "P"}, "extends": "lou-4-18@2.0.1"}
    )
    assert pinned.extends == "lou-4-18@2.0.1"
    assert [c.id for c in pinned.criteria] == [
        c.id for c in rr.load_ruleset("lou-4-18@2.0.1").criteria
    ]
    child = HEAD.replace('id = "t"', 'id = "child"') + 'extends = "lou-4-18@9.9"\n'
    problems = _problems(tmp_path, child, "child.toml")
    assert [(p.source, p.loc, p.code) for p in problems] == [
        (str(tmp_path / "child.toml"), "extends", "unknown_version")
    ]
    assert problems[0].msg_sv == "'lou-4-18' har ingen version '9.9'; kända: 2.0.1"


def test_problem_in_parent_is_located_in_the_parent_file(tmp_path: Path) -> None:
    parent = (
        HEAD.replace('id = "t"', 'id = "parent"')
        + CRIT
        + 'check = { kind = "share_at_least", threshold = 7 }\n'
    )
    (tmp_path / "parent.toml").write_text(parent, encoding="utf-8")
    child = HEAD.replace('id = "t"', 'id = "child"') + 'extends = "parent"\n'
    problems = _problems(tmp_path, child, "child.toml")
    assert [(p.source, p.loc, p.code) for p in problems] == [
        (str(tmp_path / "parent.toml"), "criteria[0].check.threshold", "out_of_range")
    ]


def test_unknown_ruleset_id_suggests() -> None:
    with pytest.raises(rr.RuleSetError) as info:
        rr.load_ruleset("asf-tilvaxtverket")
    (problem,) = info.value.problems
    assert problem.code == "unknown_ruleset"
    assert "did you mean 'asf-tillvaxtverket'" in problem.msg


def test_with_params_rejects_unknown_names_and_bad_values() -> None:
    lou = rr.load_ruleset("lou-4-18")
    with pytest.raises(rr.RuleSetError) as info:
        lou.with_params(treshold="0.4")
    assert [(p.code, p.loc) for p in info.value.problems] == [
        ("unknown_parameter", "parameters.treshold")
    ]
    assert "did you mean 'threshold'" in info.value.problems[0].msg
    with pytest.raises(rr.RuleSetError) as info:
        lou.with_params(threshold="1.4")
    assert [(p.code, p.loc) for p in info.value.problems] == [
        ("bad_parameter", "parameters.threshold.values[0].value")
    ]


def test_loading_never_runs_code(tmp_path: Path) -> None:
    # A value that would run code if anything evaluated it stays an inert string.
    text = (
        HEAD
        + CRIT
        + 'check = { kind = "value_in", path = "legal_form", values = ["__import__(\'os\').system(\'false\')"] }\n'
    )
    (tmp_path / "t.toml").write_text(text, encoding="utf-8")
    rules = rr.load_ruleset(tmp_path / "t.toml")
    check = rules.criteria[0].check
    assert check == rr.value_in("legal_form", ["__import__('os').system('false')"])


def test_overlapping_versions_are_refused(tmp_path: Path) -> None:
    body = HEAD + CRIT + 'check = { kind = "fact_is_true", path = "purpose.public_benefit" }\n'
    first = body.replace('version = "1"', 'version = "1"\nvalid_from = 2020-01-01')
    second = body.replace('version = "1"', 'version = "2"\nvalid_from = 2021-01-01')
    (tmp_path / "a.toml").write_text(first, encoding="utf-8")
    (tmp_path / "b.toml").write_text(second, encoding="utf-8")
    with pytest.raises(rr.RuleSetError) as err:
        rr.load_ruleset("t", search=[tmp_path])
    (problem,) = err.value.problems
    assert (problem.code, problem.loc, problem.source) == (
        "overlapping_versions",
        "valid_from",
        str(tmp_path / "b.toml"),
    )
    assert "version 1 (a.toml) is still in force then" in problem.msg
    # Closing the first version before the second starts makes both loadable, by date.
    closed = first.replace(
        "valid_from = 2020-01-01", "valid_from = 2020-01-01\nvalid_to = 2020-12-31"
    )
    (tmp_path / "a.toml").write_text(closed, encoding="utf-8")
    assert rr.load_ruleset("t", search=[tmp_path], as_of=date(2020, 6, 1)).version == "1"
    assert rr.load_ruleset("t", search=[tmp_path]).version == "2"
    assert rr.load_ruleset("t@1", search=[tmp_path]).version == "1"


def test_one_run_reports_every_problem_whatever_the_phase(tmp_path: Path) -> None:
    """Field errors stop pydantic before the rule set's own checks; the writer still sees
    the duplicate id, the unknown reference and the misspelt placeholder in the same run."""
    text = (
        HEAD
        + 'colour = "blue"\n[parameters]\nthreshold = 0.3\n'
        + CRIT.replace('sv = "a"', 'sv = "a {treshold}"')
        + 'check = { kind = "share_atleast", threshold = 0.3 }\n'
        + CRIT.replace("c1", "c2")
        + 'check = { kind = "share_at_least", threshold = { param = "treshold" } }\n'
        + CRIT.replace("c1", "c2")
        + 'check = { kind = "fact_is_true", path = "purpose.integration_main_am" }\n'
    )
    found = {(p.code, p.loc) for p in _problems(tmp_path, text)}
    assert found == {
        ("unknown_field", "colour"),
        ("unknown_kind", "criteria[0].check"),
        ("unknown_parameter", "criteria[0].title"),
        ("unknown_parameter", "criteria[1].check.threshold"),
        ("duplicate_id", "criteria[2].id"),
        ("invalid", "criteria[2].check.path"),
    }
    # With a parent that cannot be found, the file's own parts are still checked, and
    # nothing that it might inherit (a parameter) is called unknown.
    child = text.replace('colour = "blue"\n', 'colour = "blue"\nextends = "lou-4-81"\n')
    found = {(p.code, p.loc) for p in _problems(tmp_path, child)}
    assert found == {
        ("unknown_ruleset", "extends"),
        ("unknown_field", "colour"),
        ("unknown_kind", "criteria[0].check"),
        ("duplicate_id", "criteria[2].id"),
        ("invalid", "criteria[2].check.path"),
    }


@pytest.mark.parametrize("given", ['id = "x"', 3, None, ["id"]])
def test_parse_ruleset_refuses_what_is_no_table(given: object) -> None:
    with pytest.raises(rr.RuleSetError) as info:
        rr.parse_ruleset(given)  # type: ignore[arg-type]
    (problem,) = info.value.problems
    assert (problem.source, problem.loc, problem.code) == ("<python>", "", "wrong_type")
    assert f"not {type(given).__name__}" in problem.msg
