"""One label catalogue (reserverat.labels) for the template, the headers and the reports:
every declaration field has words in Swedish and English, and a report shows no paths."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import reserverat as rr
from reserverat.checks import FACT_PATHS
from reserverat.io import COLUMNS
from reserverat.labels import INDEX, WORDS, fact_label
from reserverat.render import Entry, render

EXAMPLES = Path(__file__).parent.parent / "examples" / "declarations"
# A field path as the code writes it: two or more snake_case parts joined by dots.
# (Abbreviations such as "t.ex." and "e.g." have one-letter parts, so they do not match.)
PATH = re.compile(r"\b[a-z]{2,}(?:_[a-z]+)*(?:\[\d+\])?\.[a-z]{2,}(?:_[a-z]+)*\b")


def test_every_field_has_words_in_both_languages() -> None:
    missing = set()
    for path in [*COLUMNS, *FACT_PATHS]:
        for part in path.split("."):
            m = INDEX.match(part)
            base = m.group(1) if m else part
            if base not in WORDS:
                missing.add(base)
    assert missing == set()
    assert all(sv and en for sv, en in WORDS.values())


def test_fact_labels() -> None:
    assert fact_label("workforce.employed.target_group.headcount") == (
        "Sysselsatta › anställda › i målgrupperna › antal personer"
    )
    assert fact_label("owners[0].vote_share", "en") == "Owner 1 › share of the votes (0-1)"
    assert fact_label("financial_years[2016-12-31].result") == (
        "Räkenskapsår 2016-12-31 › resultat (kr)"
    )


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_reports_show_labels_not_field_paths(lang: str) -> None:
    rules = [rr.load_ruleset(i) for i in ("lou-4-18", "asf-skoopi", "botkyrka-2017")]
    entries = []
    for path in sorted(EXAMPLES.glob("*.json")):
        for decl in rr.load_declarations(path):
            if isinstance(decl, rr.Declaration):
                for r in rules:
                    entries.append(Entry(path.name, rr.evaluate(decl, r, as_of=date(2017, 12, 11))))
    page = render(entries, "html", lang)
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    text = render(entries, "text", lang) + re.sub(r"<[^>]+>", " ", page)
    # Rule-set ids and criterion ids (lou-4-18, target-group-share) use dashes, not dots;
    # provenance hashes are hex. Any dotted snake_case word is a field path leaking out.
    leaked = sorted(set(PATH.findall(text)) - {"reserverat.se"})
    assert leaked == []


def test_a_report_names_parameters_as_its_own_rule_set_does() -> None:
    """Two rule sets label one parameter name differently: each result shows its own label,
    whichever rule set was built first (the catalogue once kept the first one's)."""
    import tomllib

    from reserverat.loading import builtin_rules_dir, parse_ruleset

    data = tomllib.loads((builtin_rules_dir() / "lou-4-18.toml").read_text(encoding="utf-8"))
    data["id"] = "lou-4-18-variant"
    data["parameters"]["max_age_months"]["label"] = {"sv": "ålder i månader", "en": "age"}
    variant = parse_ruleset(data, source="variant.toml")
    own = rr.load_ruleset("lou-4-18")
    (decl,) = rr.load_declarations(EXAMPLES / "11-for-lag-andel.json")
    assert isinstance(decl, rr.Declaration)
    when = date(2017, 12, 11)
    texts = [render([Entry("d", rr.evaluate(decl, r, as_of=when))], "text") for r in (variant, own)]
    assert "Parametrar: ålder i månader: 12\xa0månader" in texts[0]
    assert "högsta ålder på försäkran och personaluppgifter" not in texts[0]
    assert "Parametrar: högsta ålder på försäkran och personaluppgifter: 12\xa0månader" in texts[1]
    assert "ålder i månader" not in texts[1]


def test_every_closed_vocabulary_offers_exactly_the_models_codes() -> None:
    """The words a sheet offers (labels.CHOICE_WORDS) cover each field's codes, no more."""
    import enum
    import typing

    from reserverat.io import _LIST_FIELDS
    from reserverat.labels import CHOICE_WORDS
    from reserverat.sheets import _annotation

    for path, words in CHOICE_WORDS.items():
        codes: set[str] = set()
        # "sources[].kind": the field of every item of a list.
        head, _, rest = path.partition("[].")
        annotation = _LIST_FIELDS[head][rest] if rest else _annotation(path)
        members = typing.get_args(annotation) or (annotation,)
        if typing.get_origin(annotation) is typing.Literal:
            members = (annotation,)
        for t in members:
            base = typing.get_args(t)[0] if typing.get_origin(t) is typing.Annotated else t
            if isinstance(base, type) and issubclass(base, enum.Enum):
                codes |= {m.value for m in base}
            elif typing.get_origin(base) is typing.Literal:
                codes |= set(typing.get_args(base))
        assert set(words) == codes, path
        assert all(sv and en for sv, en in words.values()), path
