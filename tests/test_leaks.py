"""Nothing leaked, nothing corrupted: identity numbers in every written form never reach an
output, numbers that only look like them are never changed, spreadsheets hold no formulas,
and a run that fails leaves no half-written file."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from tests.fuzz.surfaces import leaks, one_criterion_rule, personnummer

import reserverat as rr
from reserverat import _commands, cli
from reserverat.batch import ResultWriter, run_batch
from reserverat.identifiers import mask_personal_numbers
from reserverat.io import read_rows
from reserverat.render import Entry, render_json
from reserverat.render.html import render_html
from reserverat.render.messages import fmt_number

WHEN = date(2024, 3, 15)
RULES = ["lou-4-18", "asf-skoopi", "lou-19-25a", "botkyrka-2017", "iop"]


def _outputs(result: rr.Result) -> str:
    entries = [Entry("anbud.json", result)]
    return "\n".join(
        [
            rr.render_text(result, "sv"),
            rr.render_text(result, "en"),
            rr.render_markdown(result, "sv"),
            result.to_json(),
            result.to_json(lang="sv"),
            render_json(entries),
            render_html(entries, "sv"),
            rr.render_html(result),
            result._repr_html_(),
            json.dumps(rr.to_records([result]), ensure_ascii=False),
        ]
    )


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), ruleset=st.sampled_from(RULES))
def test_no_identity_number_in_any_output(seed: int, ruleset: str) -> None:
    rng = random.Random(seed)
    text, digits = personnummer(rng)
    decl = rr.parse_declaration(
        {
            "supplier": f"Anna Andersson {text}",
            "id": f"ref {text}",
            "organisationsnummer": text,
            "legal_form": "enskild_firma",
            "unit_name": f"enhet {text}",
            "owners": [{"name": f"Anna {text}", "kind": "person", "vote_share": "1"}],
            "sites": [{"name": f"Verkstan {text}", "municipality": "Botkyrka"}],
            "scope": "unit",
        }
    )
    rules = rr.load_ruleset(ruleset)
    result = rr.evaluate(decl, rules, as_of=WHEN)
    assert not leaks(_outputs(result), digits)
    # A comparison of the supplier under the rule set and itself, in every format.
    from reserverat.render.comparison import render_comparison

    if ruleset == "lou-4-18":
        variant = rules.with_params(unit_data="not_met")  # the unit's figures now fail
        c = rr.compare([(f"anbud {text}.json", decl)], rules, variant, as_of=WHEN)
        assert c.loss_count == 1  # so the supplier, its file and its reasons are all shown
        for fmt in ("text", "markdown", "html", "json"):
            assert not leaks(render_comparison(c, fmt, "sv"), digits), fmt


def test_no_identity_number_in_file_names_or_errors(tmp_path: Path) -> None:
    path = tmp_path / "anbud-811218\u20139876.json"
    path.write_text('{"supplier": "X", "organisationsnummer": "811218-9870"}', encoding="utf-8")
    (row,) = read_rows(path)
    assert "811218" not in row.source
    assert isinstance(row.outcome, rr.DeclarationError)
    problem = row.outcome.problems[0]
    assert "811218" not in str(problem) + json.dumps(problem.to_dict())


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_every_written_form_is_masked(seed: int) -> None:
    text, digits = personnummer(random.Random(seed))
    for context in ("{}", "Ägare: {}.", "anbud{}.json", "({})", "{}\n"):
        assert not leaks(mask_personal_numbers(context.format(text)), digits)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=10**9, max_value=10**13 - 1))
def test_numbers_that_look_like_birth_dates_are_never_changed(amount: int) -> None:
    # In JSON: exactly as given; in text: grouped in threes, which never reads as one.
    decl = rr.parse_declaration(
        {"supplier": "X", "business": {"sales_revenue": str(amount), "sells_goods_or_services": True}}
    )
    result = rr.evaluate(decl, rr.load_ruleset("asf-tillvaxtverket"), as_of=WHEN)
    facts = json.loads(result.to_json())
    assert str(amount) in json.dumps(facts)
    assert rr.result_from_json(result.to_json()) == result
    for lang in ("sv", "en"):
        grouped = fmt_number(Decimal(amount), lang)
        assert mask_personal_numbers(grouped) == grouped


def test_revenue_of_1_912_051_234_survives_json() -> None:
    """The reproducer: a revenue that reads as 1912-05-12 became '******-****'."""
    decl = rr.parse_declaration(
        {"supplier": "X", "business": {"sales_revenue": "1912051234", "sells_goods_or_services": True}}
    )
    result = rr.evaluate(decl, rr.load_ruleset("asf-tillvaxtverket"), as_of=WHEN)
    assert '"1912051234"' in result.to_json()
    assert "1\u00a0912\u00a0051\u00a0234" in rr.render_text(result)


def _batch(tmp: Path, rows: str, out: str) -> Path:
    src = tmp / "=1+1.csv"
    src.write_text(rows, encoding="utf-8")
    target = tmp / out
    rules = rr.load_ruleset("lou-4-18")
    with ResultWriter(target, rules) as writer:
        run_batch(read_rows(src), rules, writer, as_of=WHEN)
    return target


HOSTILE_NAMES = ['=HYPERLINK("http://x","klick")', "+46 8 123", "-1", "@SUM(A1)", "\t=1", "A\fB"]


def _csv_rows(names: list[str]) -> str:
    lines = [["supplier"], *([n] for n in names)]
    buf = io.StringIO()
    csv.writer(buf).writerows(lines)
    return buf.getvalue()


def test_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    out = _batch(tmp_path, _csv_rows(HOSTILE_NAMES), "r.csv")
    text = out.read_text(encoding="utf-8-sig")  # Swedish: a BOM and semicolons, for Excel
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    cells = [c for row in table[1:] for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    names = [row[1] for row in table[1:]]
    assert names[:4] == ["'=HYPERLINK(\"http://x\",\"klick\")", "'+46 8 123", "'-1", "'@SUM(A1)"]
    assert "A B" in names


def test_xlsx_cells_are_text_never_formulas(tmp_path: Path) -> None:
    out = _batch(tmp_path, _csv_rows(HOSTILE_NAMES), "r.xlsx")
    sheet = load_workbook(out)["Resultat"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    assert cells
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert "'=HYPERLINK(\"http://x\",\"klick\")" in names
    assert "A B" in names  # the form feed that crashed the writer


def test_markdown_escapes_html() -> None:
    decl = rr.parse_declaration({"supplier": "<script>alert(1)</script> AB"})
    text = rr.render_markdown(rr.evaluate(decl, rr.load_ruleset("lou-4-18"), as_of=WHEN))
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; AB" in text


def test_a_failed_batch_leaves_no_half_written_file(tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    target.write_text("the old results\n", encoding="utf-8")
    rules = rr.load_ruleset("lou-4-18")

    def rows() -> object:
        yield from read_rows(Path(__file__).parent.parent / "examples/declarations/01-yalla-kooperativ.json")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), ResultWriter(target, rules) as writer:
        run_batch(rows(), rules, writer, as_of=WHEN)  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "the old results\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]


def test_a_zone_file_behind_a_link_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.geojson"
    outside.write_text('{"type": "Polygon", "coordinates": []}', encoding="utf-8")
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "zone.geojson").symlink_to(outside)
    rule = folder / "z.toml"
    rule.write_text(
        one_criterion_rule('{ kind = "in_zone", file = "zone.geojson" }'), encoding="utf-8"
    )
    with pytest.raises(rr.RuleSetError) as err:
        rr.load_ruleset(rule)
    assert [(p.code, p.loc) for p in err.value.problems] == [
        ("outside_folder", "criteria[0].check.file")
    ]


def test_an_internal_error_exits_3_with_a_bug_report_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: object) -> int:
        raise RuntimeError("811218-9876 went wrong")

    monkeypatch.setattr(_commands, "_cmd_template", broken)
    assert cli.main(["template", "x.csv"]) == cli.EXIT_INTERNAL_ERROR
    err = capsys.readouterr().err
    assert err.startswith("reserverat: internt fel (RuntimeError: ******-**** went wrong).")
    assert "rapportera det gärna" in err and "Traceback" not in err
    assert cli.main(["template", "x.csv", "--lang", "en"]) == cli.EXIT_INTERNAL_ERROR
    err = capsys.readouterr().err
    assert err.startswith("reserverat: internal error (RuntimeError: ******-**** went wrong).")
    assert "please report it" in err and "Traceback" not in err


def test_register_names_are_masked(tmp_path: Path) -> None:
    register = tmp_path / "reg.csv"
    register.write_text("orgnr,namn\n802456-7896,Föreningen 811218\u20139876\n", encoding="utf-8")
    loaded = rr.load_register(register)
    assert "811218" not in repr(loaded.entries)
