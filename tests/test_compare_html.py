"""The comparison and sweep pages in a real browser: charts drawn to the counts, no blank
page, no console errors."""

import json
import re
import struct
from html import unescape
from pathlib import Path

import pytest

from reserverat.cli import main
from test_html import _browse, _console, _outline

ROOT = Path(__file__).parent.parent
DECL = ROOT / "examples" / "declarations"
FILES = [str(p) for p in sorted(DECL.glob("*.json"))]
BASE = ["compare", *FILES, "--rules", "lou-4-18", "--as-of", "2017-12-11", "--format", "html"]

# Counts every chart's bars in the rendered DOM, with the value each stands for and the
# width or height the browser gave it, and writes them where --dump-dom shows them.
_PROBE = (
    "<script>window.onload=()=>{const out={};"
    "for(const f of document.querySelectorAll('figure[data-chart]')){"
    "out[f.dataset.chart]=[...f.querySelectorAll('rect.bar')].map(r=>{"
    "const b=r.getBoundingClientRect();return [r.dataset.series,r.dataset.row,"
    "Number(r.dataset.value),Math.round(b.width*10)/10,Math.round(b.height*10)/10];});}"
    "document.body.setAttribute('data-bars',JSON.stringify(out));};</script>"
)


def _page(capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str) -> Path:
    assert main([*BASE, *args]) == 0
    text, _ = capsys.readouterr()
    path = tmp_path / "page.html"
    path.write_text(text, encoding="utf-8")
    return path


def _bars(tmp_path: Path, page: Path) -> dict[str, list[list[object]]]:
    probe = tmp_path / "probe.html"
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text  # the page itself runs nothing
    probe.write_text(text.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    done = _browse(tmp_path, "--virtual-time-budget=3000", "--dump-dom", probe.as_uri())
    assert _console(done.stderr) == []
    found = re.search(r'data-bars="([^"]*)"', done.stdout)
    assert found, "the probe did not run"
    return json.loads(unescape(found.group(1)))  # type: ignore[no-any-return]


def test_comparison_charts_are_drawn_to_the_counts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = _page(capsys, tmp_path, "--set", "threshold=0.45", "--lang", "en")
    bars = _bars(tmp_path, page)
    assert [(s, r, v) for s, r, v, _, _ in bars["counts"]] == [
        ("a", "QUALIFIED", 6),
        ("b", "QUALIFIED", 3),
        ("a", "NOT QUALIFIED", 1),
        ("b", "NOT QUALIFIED", 5),
        ("a", "UNDECIDED", 4),
        ("b", "UNDECIDED", 3),
    ]
    assert [(s, v) for s, _, v, _, _ in bars["winners-losers"]] == [
        ("gains", 0),
        ("losses", 4),
        ("unchanged", 7),
    ]
    assert [(r, v) for _, r, v, _, _ in bars["criteria"]] == [
        ("At least 45% of the persons occupied belong to the target groups", 4)
    ]
    # Drawn to scale: the longest bar of a chart stands for its largest count.
    widths = {r[2]: r[3] for r in bars["counts"]}
    assert widths[6] > widths[5] > widths[4] > widths[3] > widths[1] > 0
    assert widths[6] / widths[3] == pytest.approx(2, rel=0.02)
    outline = _outline(page.read_text(encoding="utf-8"))
    assert [t for tag, t in outline.headings if tag == "h2"] == [
        "Suppliers whose outcome changed",
        "Criteria that changed",
        "Provenance",
    ]


def test_a_sweep_page_draws_the_outcomes_against_the_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = _page(capsys, tmp_path, "--sweep", "threshold=0.3:0.5:0.05")
    bars = _bars(tmp_path, page)["sweep"]
    # A stacked column per value, one bar per outcome that has suppliers.
    per_value: dict[str, dict[str, int]] = {}
    for series, row, value, _, height in bars:
        assert isinstance(height, float) and height > 0
        per_value.setdefault(str(row), {})[str(series)] = int(str(value))
    assert per_value == {
        "30\xa0%": {"qualified": 6, "not_qualified": 1, "undecided": 4},
        "35\xa0%": {"qualified": 6, "not_qualified": 1, "undecided": 4},
        "40\xa0%": {"qualified": 6, "not_qualified": 2, "undecided": 3},
        "45\xa0%": {"qualified": 3, "not_qualified": 5, "undecided": 3},
        "50\xa0%": {"qualified": 3, "not_qualified": 5, "undecided": 3},
    }
    text = page.read_text(encoding="utf-8")
    assert '<h3 class="step">35\xa0% → 40\xa0%</h3>' in text
    assert '<h3 class="step">40\xa0% → 45\xa0%</h3>' in text
    assert "30\xa0% → 35\xa0%" not in text  # nobody changes there
    footer = text[text.index('<footer class="provenance">') :]
    assert "<dt>Regelverk</dt><dd>lou-4-18 2.0.1 sha256:" in footer
    assert "<dt>Indatans kontrollsumma</dt>" in footer


def test_the_comparison_page_is_not_blank(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = _page(capsys, tmp_path, "--set", "threshold=0.45", "--diff")
    shot = tmp_path / "shot.png"
    _browse(tmp_path, "--window-size=900,1300", f"--screenshot={shot}", page.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (900, 1300)
    assert len(data) > 20_000  # a blank page compresses to a few kB


def test_the_page_carries_the_provenance_of_both_rule_sets_and_the_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import reserverat as rr
    from reserverat.compare import compare

    lou = rr.load_ruleset("lou-4-18")
    decls = [
        (p, d) for p in FILES for d in rr.load_declarations(p) if isinstance(d, rr.Declaration)
    ]
    c = compare(decls, lou, lou.with_params(threshold="0.45"), as_of=rr.date(2017, 12, 11))
    assert c.provenance is not None
    again = compare(decls, lou, lou, as_of=rr.date(2017, 12, 11))
    fewer = compare(decls[1:], lou, lou, as_of=rr.date(2017, 12, 11))
    assert again.provenance and fewer.provenance
    assert c.provenance.input_hash == again.provenance.input_hash != fewer.provenance.input_hash
    assert c.provenance.a[2] == lou.content_hash != c.provenance.b[2]
    text = _page(capsys, tmp_path, "--set", "threshold=0.45", "--lang", "en").read_text("utf-8")
    footer = text[text.index('<footer class="provenance">') :]
    for label in ("Rule set A", "Rule set B", "Evaluation date", "Library version", "Input hash"):
        assert f"<dt>{label}</dt>" in footer
    assert f"<dd>{c.provenance.input_hash}</dd>" in footer
