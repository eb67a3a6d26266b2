"""The HTML report: self-contained, escaped, masked, with maps; and checked in a real browser."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

import reserverat as rr
from reserverat.cli import main
from reserverat.evaluate import geography
from reserverat.render import Entry, render
from reserverat.render.html import ReportHeading, svg_map
from strategies import one_criterion

ROOT = Path(__file__).parent.parent
BOTKYRKA = ROOT / "examples" / "botkyrka"
DECL = ROOT / "examples" / "declarations"
WHEN = rr.date(2017, 12, 11)
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[17.80, 59.18], [17.90, 59.18], [17.90, 59.24], [17.80, 59.24], [17.80, 59.18]]
    ],
}


class _Outline(HTMLParser):
    """Headings, tags and attributes of a page, to check its structure."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((k, v or "") for k, v in attrs)
        if tag in ("h1", "h2"):
            self._open = tag
            self.headings.append((tag, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            tag, text = self.headings[-1]
            self.headings[-1] = (tag, text + data)


def _outline(page: str) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    return parser


def _check_html(capsys: pytest.CaptureFixture[str], *files: Path, lang: str = "en") -> str:
    main(
        [
            "check",
            *map(str, files),
            "--rules",
            "botkyrka-2017",
            "--procurement",
            str(BOTKYRKA / "procurement.json"),
            "--format",
            "html",
            "--lang",
            lang,
        ]
    )
    return capsys.readouterr().out


def test_one_supplier_page(capsys: pytest.CaptureFixture[str]) -> None:
    page = _check_html(capsys, BOTKYRKA / "26-tva-platser.json")
    outline = _outline(page)
    assert outline.headings == [
        ("h1", "Två Orter Service ekonomisk förening (769600-0160)"),
        ("h2", "Criteria"),
        ("h2", "Map"),
        ("h2", "Evidence to ask for"),
        ("h2", "Provenance"),
    ]
    assert '<p class="outcome qualified">Outcome: QUALIFIED</p>' in page
    # One row per criterion, with its verdict, and the citation.
    assert outline.tags.count("tr") == 1 + 7
    assert '<td class="verdict v-met">met</td>' in page
    assert "LOU (2016:1145) ch. 4 s. 18 p. 1" in page
    # The map: three dashed 9 km circles, three centres, two sites with their labels.
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count('stroke-dasharray="6 4"') == 3
    assert svg.count('fill="#c2410c" stroke="#fff"') == 2
    for label in (
        "Huddinge centrum",
        "Tumba (Botkyrka)",
        "Rönninge (Salem)",
        "Huvudkontoret i Norrtälje",
    ):
        assert f">{label}</text>" in svg
    assert "centre (radius 9 km)" in svg
    assert "None: every criterion is decided." in page


def test_self_contained_and_script_free(capsys: pytest.CaptureFixture[str]) -> None:
    page = _check_html(
        capsys, BOTKYRKA / "26-tva-platser.json", BOTKYRKA / "22-norsborg-bara-postnummer.json"
    )
    outline = _outline(page)
    assert "script" not in outline.tags
    assert "link" not in outline.tags and "img" not in outline.tags and "iframe" not in outline.tags
    # Links only within the page: the summary's links to each supplier's page.
    links = [v for k, v in outline.attrs if k == "href"]
    assert links == ["#leverantor-1", "#leverantor-2"]
    ids = {v for k, v in outline.attrs if k == "id"}
    assert set(links) == {f"#{i}" for i in ids if i.startswith("leverantor-")}
    assert not [k for k, _ in outline.attrs if k == "src" or k.startswith("on")]
    assert "url(" not in page and "@import" not in page


def test_the_header_names_the_procurement_assessor_and_report_date() -> None:
    (decl,) = rr.load_declarations(BOTKYRKA / "26-tva-platser.json")
    assert isinstance(decl, rr.Declaration)
    entry = Entry("26", rr.evaluate(decl, rr.load_ruleset("botkyrka-2017"), as_of=WHEN), decl)
    page = render([entry], "html", "en", HEADING)
    header = page[page.index('<header class="report">') : page.index("</header>")]
    assert re.findall(r">([^<]+)<", header) == [
        "Reserved-contract assessment",
        "Contracting authority",
        "Botkyrka kommun",
        "Procurement",
        "Skötsel av parker och grönytor, reserverad upphandling",
        "Reference number",
        "KS/2017:812",
        "Main CPV code",
        "85312000-9 Social work services without accommodation",
        "Evaluation date",
        "2017-12-11",
        "Assessed by",
        "Anna Andersson",
        "Report made",
        "2017-12-12 09:30",
    ]
    assert "<title>Reserved-contract assessment: Skötsel av parker" in page
    assert 'content: "KS/2017:812"' in page
    assert '"Page " counter(page) " of " counter(pages)' in page
    # A code outside the shipped list of names is shown as the code alone.
    other = ReportHeading(main_cpv="77310000")
    assert other.items("sv") == [("Huvudsaklig CPV-kod", "77310000")]


def test_the_page_foot_cannot_break_out_of_the_style() -> None:
    hostile = ReportHeading(reference='x"; } </style><script>alert(1)</script> 19121212-1212')
    page = render([], "html", "sv", hostile)
    style = page[page.index("<style>") : page.index("</style>") + len("</style>")]
    assert style.count("</style>") == 1 and "<script>" not in page
    assert '"x\\22 ; } \\3c /style\\3e \\3c script\\3e alert(1)\\3c /script\\3e ' in style
    assert "19121212-1212" not in page
    header = page[page.index("<header") : page.index("</header>")]
    assert "&lt;/style&gt;&lt;script&gt;" in header


def test_the_summary_says_what_to_request_and_links_each_page(
    capsys: pytest.CaptureFixture[str],
) -> None:
    page = _check_html(
        capsys,
        BOTKYRKA / "26-tva-platser.json",
        BOTKYRKA / "22-norsborg-bara-postnummer.json",
        lang="sv",
    )
    summary = page[page.index('<table class="summary">') : page.index("</table>")]
    rows = re.findall(r"<tr>(<td.*?)</tr>", summary)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in rows]
    assert [re.sub(r"<[^>]+>", "", c[0]) for c in cells] == [
        "Två Orter Service ekonomisk förening (769600-0160)",
        "Norsborgs Trädgårdskooperativ ekonomisk förening (769600-0129)",
    ]
    assert [re.sub(r"<[^>]+>", "", c[1]) for c in cells] == ["KVALIFICERAD", "KAN INTE AVGÖRAS"]
    assert cells[0][2] == "–"
    assert re.findall(r"<li>(.*?)</li>", cells[1][2]) == [
        "koordinater eller postnummer för de platser där uppdraget utförs"
    ]
    assert 'href="#leverantor-2"' in cells[1][0]
    assert '<section class="page result" id="leverantor-2">' in page
    # On the supplier's page the same evidence names the criterion it settles, by title.
    own = page[page.index('id="leverantor-2"') :]
    asks = own[own.index("<h2>Att begära in</h2>") :]
    assert re.findall(r"<li>(.*?)</li>", asks) == [
        "koordinater eller postnummer för de platser där uppdraget utförs (avgör: Verksamhet "
        "inom 9\xa0km från centrum i Huddinge, Botkyrka (Tumba) eller Salem (Rönninge))"
    ]


def test_batch_has_a_summary_then_a_page_each(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"supplier": ""}', encoding="utf-8")
    page = _check_html(
        capsys,
        BOTKYRKA / "21-hallunda.json",
        BOTKYRKA / "25-sodertalje-jarna.json",
        broken,
        lang="sv",
    )
    outline = _outline(page)
    h1 = [text for tag, text in outline.headings if tag == "h1"]
    assert h1 == [
        "Sammanfattning",
        "Hallunda Återbruk ekonomisk förening (769600-0111)",
        "Järna Snickeri ekonomisk förening (769600-0152)",
        str(broken),
    ]
    assert (
        "3 underlag: 1 kvalificerad, 1 inte kvalificerad, 0 kan inte avgöras, 1 med fel" in page
    )
    assert page.count('<section class="page') == 4
    assert "Fel i underlaget" in page


def test_escaping_and_masking() -> None:
    decl = rr.Declaration(
        supplier="<script>alert(1)</script> & Söner",
        organisationsnummer="811218-9876",
        sites=[{"name": "Verkstad <b>", "lat": 59.21, "lon": 17.85}],
    )
    rules = rr.load_ruleset("botkyrka-2017")
    result = rr.evaluate(decl, rules, as_of=WHEN)
    page = render([Entry("x", result, decl, geography(decl, rules, as_of=WHEN))], "html", "en")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Söner" in page
    assert "Verkstad &lt;b&gt;" in page
    assert "811218-9876" not in page and "8112189876" not in page
    assert "******-****" in page


def test_zone_map() -> None:
    rules = one_criterion(rr.in_zone("Testzonen", SQUARE), "in-zone")
    decl = rr.Declaration(
        supplier="Z", sites=[{"name": "Inne", "lat": 59.21, "lon": 17.85, "uncertainty_m": 10}]
    )
    (layer,) = geography(decl, rules, as_of=WHEN)
    assert (layer.kind, layer.zone_name, layer.radius_km) == ("in_zone", "Testzonen", None)
    svg = svg_map(layer, "sv")
    path = re.search(r'<path d="(M [^"]+ Z)" fill="#2f6fb3"', svg)
    assert path is not None and path.group(1).count(" L ") == 4
    assert ">zon: Testzonen</text>" in svg and ">Inne</text>" in svg


def test_unplaced_site_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    decl = rr.Declaration(supplier="U", sites=[{"name": "Okänd", "locality": "Ingenstans"}])
    rules = rr.load_ruleset("botkyrka-2017")
    (layer,) = geography(decl, rules, as_of=WHEN)
    assert (layer.sites, layer.unplaced) == ((), ("Okänd",))
    page = render([Entry("u", rr.evaluate(decl, rules, as_of=WHEN), decl, (layer,))], "html", "en")
    assert "Could not be placed: Okänd." in page


# ---- in a real browser ----------------------------------------------------------------------

_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


def _tool(names: tuple[str, ...], package: str, what: str) -> str:
    """The first of ``names`` on the PATH; else a skip (a failure in CI, which installs it)."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    message = f"{names[0]} not found (install Debian's {package!r}; .ci/run does)"
    if os.environ.get("RESERVERAT_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(f"{message}: {what} skipped")


def _chromium() -> str:
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    return _tool(names, "chromium", "browser checks")


def _browse(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    return subprocess.run(
        [_chromium(), *_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def _console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rules = rr.load_ruleset("botkyrka-2017")
    entries = []
    for name in (
        "26-tva-platser.json",
        "22-norsborg-bara-postnummer.json",
        "25-sodertalje-jarna.json",
    ):
        (decl,) = rr.load_declarations(BOTKYRKA / name)
        assert isinstance(decl, rr.Declaration)
        entries.append(
            Entry(
                name, rr.evaluate(decl, rules, as_of=WHEN), decl, geography(decl, rules, as_of=WHEN)
            )
        )
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render(entries, "html", "sv", HEADING), encoding="utf-8")
    return path


HEADING = ReportHeading(
    authority="Botkyrka kommun",
    title="Skötsel av parker och grönytor, reserverad upphandling",
    reference="KS/2017:812",
    main_cpv="85312000-9",
    as_of=WHEN,
    assessor="Anna Andersson",
    made=datetime(2017, 12, 12, 9, 30),
)


def _pdftotext() -> str:
    return _tool(("pdftotext",), "poppler-utils", "PDF text checks")


def test_printed_pages_carry_the_reference_and_their_number(report: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    _browse(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri())
    done = subprocess.run(
        [_pdftotext(), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    pages = done.stdout.split("\f")[:-1]  # pdftotext ends every page with a form feed
    assert len(pages) >= 4
    for n, text in enumerate(pages, start=1):
        foot = [line.split() for line in text.splitlines() if line.strip()][-1]
        assert foot == ["KS/2017:812", "Sida", str(n), "av", str(len(pages))]
    # The header, on the first page, in the order a reader takes it in.
    first = [" ".join(line.split()) for line in pages[0].splitlines() if line.strip()]
    assert first[:9] == [
        "Bedömning av reserverat kontrakt",
        "Upphandlande organisation Botkyrka kommun",
        "Upphandling Skötsel av parker och grönytor, reserverad upphandling",
        "Diarienummer eller referens KS/2017:812",
        "Huvudsaklig CPV-kod 85312000-9 Socialvård utan inkvartering",
        "Bedömningsdag 2017-12-11",
        "Bedömd av Anna Andersson",
        "Rapporten skapad 2017-12-12 09:30",
        "Sammanfattning",
    ]


def test_browser_renders_headings_without_console_errors(report: Path, tmp_path: Path) -> None:
    done = _browse(tmp_path, "--dump-dom", report.as_uri())
    outline = _outline(done.stdout)
    assert [t for tag, t in outline.headings if tag == "h1"] == [
        "Sammanfattning",
        "Två Orter Service ekonomisk förening (769600-0160)",
        "Norsborgs Trädgårdskooperativ ekonomisk förening (769600-0129)",
        "Järna Snickeri ekonomisk förening (769600-0152)",
    ]
    assert outline.tags.count("svg") == 3
    assert _console(done.stderr) == []


def test_console_check_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "noisy.html"
    page.write_text('<!DOCTYPE html><script>console.error("boom-42")</script>', encoding="utf-8")
    done = _browse(tmp_path, "--dump-dom", page.as_uri())
    assert any("boom-42" in line for line in _console(done.stderr))


def test_browser_screenshot(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    _browse(tmp_path, "--window-size=900,1300", f"--screenshot={shot}", report.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (900, 1300)
    assert len(data) > 20_000  # a blank page compresses to a few kB


def test_print_layout_is_a4_one_section_per_page(report: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    _browse(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri())
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    assert pages >= 4  # a summary, then each supplier starts a page
    assert boxes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes)


def test_nothing_is_wider_than_the_a4_text_width(report: Path, tmp_path: Path) -> None:
    # A copy of the report with a measuring script (the report itself has none): every
    # element must end within the page's text width, 186 mm at 96 dpi = 703 px.
    probe = tmp_path / "probe.html"
    script = (
        "<script>window.onload=()=>{const w=document.documentElement.clientWidth;"
        "const bad=[...document.querySelectorAll('body *')].filter("
        "e=>e.getBoundingClientRect().right>w+0.5).map(e=>e.tagName);"
        "document.body.setAttribute('data-overflow',bad.length+':'+bad.slice(0,5).join(','));};"
        "</script>"
    )
    probe.write_text(
        report.read_text(encoding="utf-8").replace("</body>", script + "</body>"), encoding="utf-8"
    )
    done = _browse(
        tmp_path,
        "--window-size=703,1000",
        "--virtual-time-budget=3000",
        "--dump-dom",
        probe.as_uri(),
    )
    found = re.search(r'data-overflow="([^"]*)"', done.stdout)
    assert found is not None
    assert found.group(1) == "0:"


def test_batch_writes_an_html_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`batch --out report.html`: summary first, one page per row (errors too), maps, no temp files."""
    rows = tmp_path / "anbud.jsonl"
    lines = [
        (BOTKYRKA / "26-tva-platser.json").read_text(encoding="utf-8").replace("\n", " "),
        '{"supplier": ""}',
        (BOTKYRKA / "25-sodertalje-jarna.json").read_text(encoding="utf-8").replace("\n", " "),
    ]
    rows.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "rapport.html"
    code = main(
        [
            "batch",
            str(rows),
            "--rules",
            "botkyrka-2017",
            "--procurement",
            str(BOTKYRKA / "procurement.json"),
            "--out",
            str(out),
            "--lang",
            "en",
            "--no-progress",
            "--assessor",
            "Anna Andersson",
        ]
    )
    capsys.readouterr()
    assert code == 2  # one row is invalid; the others are still written
    page = out.read_text(encoding="utf-8")
    outline = _outline(page)
    header = page[page.index('<header class="report">') : page.index("</header>")]
    assert "<dt>Assessed by</dt><dd>Anna Andersson</dd>" in header
    assert re.search(r"<dt>Report made</dt><dd>\d{4}-\d\d-\d\d \d\d:\d\d</dd>", header)
    assert "<dt>Evaluation date</dt><dd>2017-12-11</dd>" in header
    assert page.index("</header>") < page.index("<h1>Summary</h1>")
    assert [t for tag, t in outline.headings if tag == "h1"] == [
        "Summary",
        "Två Orter Service ekonomisk förening (769600-0160)",
        f"{rows} line 2",
        "Järna Snickeri ekonomisk förening (769600-0152)",
    ]
    assert "3 inputs: 1 qualified, 1 not qualified, 0 undecided, 1 with errors" in page
    assert outline.tags.count("svg") == 2
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["anbud.jsonl", "rapport.html"]
