"""The HTML report: one self-contained page per supplier, printable on A4.

No external assets and no scripts: styles are inline in the head, maps are inline SVG
drawn from the same positions the evaluation used (:func:`reserverat.evaluate.geography`).
The report is meant for the procurement file, so it states the outcome, every
criterion with its reason, facts, source and the evidence to ask for, and the
provenance needed to reproduce the decision.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from reserverat.errors import ReserveratError, place_words
from reserverat.evaluate import MapLayer, MapPoint
from reserverat.identifiers import mask_personal_numbers
from reserverat.labels import cpv_name
from reserverat.logic import Verdict
from reserverat.render._view import (
    _LABELS,
    _finding_name,
    _mark_lines,
    _node_lines,
    _outcome_lines,
    _source_line,
    parameter_labels,
)
from reserverat.render.messages import EVIDENCE, OUTCOME_LABELS, VERDICT_LABELS, render_message
from reserverat.result import Result
from reserverat.sources import buyer_fetches

__all__ = [
    "DOCUMENT_END",
    "ReportHeading",
    "SummaryRow",
    "document_start",
    "page",
    "render_html",
    "summary_page",
    "summary_row",
    "svg_map",
]

_WORDS = {
    "sv": {
        "title": "Bedömning av reserverat kontrakt",
        "criteria": "Kriterier",
        "map": "Karta",
        "ask": "Att begära in",
        "nothing_to_ask": "Inget: alla kriterier är avgjorda.",
        "supplier": "Leverantör",
        "errors": "Fel i underlaget",
        "centre": "centrum",
        "radius": "radie",
        "site": "plats",
        "zone": "zon",
        "unplaced": "Kunde inte placeras",
        "map_note": "Punkterna är de positioner bedömningen använde; ingen bakgrundskarta. "
        "Kommunhuvudorter från GeoNames (CC BY 4.0).",
        "ruleset_hash": "Regelverkets kontrollsumma",
        "library": "Programversion",
        "input_hash": "Indatans kontrollsumma",
        "procurement": "Upphandling",
        "authority": "Upphandlande organisation",
        "reference": "Diarienummer eller referens",
        "lot": "Delområde",
        "cpv": "Huvudsaklig CPV-kod",
        "assessor": "Bedömd av",
        "made": "Rapporten skapad",
        "page": "Sida",
        "of": "av",
        "settles": "avgör",
        "error_ask": "Rätta felen i underlaget (se leverantörens sida)",
        "criterion_id": "Kriteriets id",
    },
    "en": {
        "title": "Reserved-contract assessment",
        "criteria": "Criteria",
        "map": "Map",
        "ask": "Evidence to ask for",
        "nothing_to_ask": "None: every criterion is decided.",
        "supplier": "Supplier",
        "errors": "Errors in the input",
        "centre": "centre",
        "radius": "radius",
        "site": "site",
        "zone": "zone",
        "unplaced": "Could not be placed",
        "map_note": "The points are the positions the assessment used; no background map. "
        "Municipal seats from GeoNames (CC BY 4.0).",
        "ruleset_hash": "Rule set hash",
        "library": "Library version",
        "input_hash": "Input hash",
        "procurement": "Procurement",
        "authority": "Contracting authority",
        "reference": "Reference number",
        "lot": "Lot",
        "cpv": "Main CPV code",
        "assessor": "Assessed by",
        "made": "Report made",
        "page": "Page",
        "of": "of",
        "settles": "settles",
        "error_ask": "Correct the errors in the input (see the supplier's page)",
        "criterion_id": "Criterion id",
    },
}

_CSS = """
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt;
  color: #111; line-height: 1.35; }
body { margin: 0 auto; max-width: 186mm; padding: 6mm 0; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 0.3mm solid #999; }
section.page + section.page { break-before: page; page-break-before: always; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.5mm 4mm; margin: 0; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
p.outcome { font-size: 13pt; font-weight: bold; padding: 2mm 3mm; margin: 3mm 0;
  border: 0.5mm solid; }
.qualified { color: #1b7a33; } .not_qualified { color: #b3261e; } .undecided { color: #8a5a00; }
@media screen { section.page + section.page { margin-top: 14mm; padding-top: 6mm;
  border-top: 0.6mm dashed #999; } }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 0.2mm solid #bbb; padding: 1.2mm 1.6mm; vertical-align: top; text-align: left;
  overflow-wrap: anywhere; }
th { background: #eee; }
tr { break-inside: avoid; page-break-inside: avoid; }
col.c-crit { width: 23%; } col.c-verdict { width: 15%; } col.c-reason { width: 44%; }
col.c-source { width: 18%; }
.verdict { font-weight: bold; white-space: nowrap; }
.v-met { color: #1b7a33; } .v-not_met { color: #b3261e; } .v-undecided { color: #8a5a00; }
.v-not_applicable { color: #555; }
ul.tree { margin: 1mm 0 0; padding-left: 4mm; }
ul.tree li { margin: 0.6mm 0; }
.detail { color: #333; font-size: 9pt; }
.detail b { font-weight: 600; }
figure { margin: 2mm 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; border: 0.2mm solid #bbb; }
figcaption { font-size: 8.5pt; color: #333; }
footer.provenance { margin-top: 5mm; font-size: 8.5pt; color: #333; }
header.report { margin: 0 0 5mm; padding: 0 0 3mm; border-bottom: 0.6mm solid #333; }
header.report p.report-title { font-size: 18pt; font-weight: bold; margin: 0 0 2mm; }
.crit-id { color: #555; font-size: 7.5pt; margin-top: 0.8mm; }
.crit-id code { font-size: 7.5pt; }
table.summary td ul { margin: 0; padding-left: 4mm; }
col.c-supplier { width: 38%; } col.c-outcome { width: 20%; }
"""

_PAGE_CSS = """
@page {{ size: A4; margin: 14mm 12mm 18mm 12mm;
  @bottom-left {{ content: {left}; font-size: 8pt; color: #333; }}
  @bottom-right {{ content: {right}; font-size: 8pt; color: #333; }} }}
"""
# Printed pages carry the procurement and their number in the page margins (CSS paged
# media; Chromium prints these margin boxes).


@dataclass(frozen=True)
class ReportHeading:
    """What the report's header names: the procurement, the date, the assessor.

    Also when the report was made. Every field is optional.
    """

    authority: str | None = None
    title: str | None = None
    reference: str | None = None
    lot: str | None = None
    main_cpv: str | None = None
    as_of: date | None = None
    assessor: str | None = None
    made: datetime | None = None

    @classmethod
    def of(
        cls,
        procurement: Any = None,
        *,
        as_of: date | None = None,
        assessor: str | None = None,
        made: datetime | None = None,
    ) -> ReportHeading:
        """The heading for a :class:`reserverat.Procurement` (or None)."""

        def get(name: str) -> str | None:
            value = getattr(procurement, name, None)
            return None if value is None else str(value)

        return cls(
            authority=get("authority"),
            title=get("title"),
            reference=get("reference"),
            lot=get("lot"),
            main_cpv=get("main_cpv"),
            as_of=as_of,
            assessor=assessor,
            made=made,
        )

    def items(self, lang: str) -> list[tuple[str, str]]:
        """The heading's labelled values, in reading order, for what is known."""
        words = _WORDS[lang]
        out: list[tuple[str, str]] = []
        if self.authority:
            out.append((words["authority"], self.authority))
        if self.title:
            out.append((words["procurement"], self.title))
        if self.reference:
            out.append((words["reference"], self.reference))
        if self.lot:
            out.append((words["lot"], self.lot))
        if self.main_cpv:
            name = cpv_name(self.main_cpv, lang)
            out.append((words["cpv"], f"{self.main_cpv} {name}" if name else self.main_cpv))
        if self.as_of:
            out.append((_LABELS[lang]["as_of"], self.as_of.isoformat()))
        if self.assessor:
            out.append((words["assessor"], self.assessor))
        if self.made:
            out.append((words["made"], self.made.strftime("%Y-%m-%d %H:%M")))
        return out

    def footer(self, lang: str) -> str:
        """What each printed page names at its foot: the reference, else the title."""
        return self.reference or self.title or _WORDS[lang]["title"]


def _css_string(text: str) -> str:
    """``text`` as a CSS string: quotes, backslashes and line breaks escaped, and ``<``
    written as an escape so that no input can close the style element."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _page_css(heading: ReportHeading | None, lang: str) -> str:
    words = _WORDS[lang]
    left = _css_string((heading or ReportHeading()).footer(lang))
    right = f'"{words["page"]} " counter(page) " {words["of"]} " counter(pages)'
    return _PAGE_CSS.format(left=left, right=right)


def _heading(heading: ReportHeading, lang: str) -> str:
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in heading.items(lang))
    return (
        f'<header class="report"><p class="report-title">{_e(_WORDS[lang]["title"])}</p>'
        f'<dl class="meta">{rows}</dl></header>'
    )


class SummaryRow(NamedTuple):
    """A supplier's line on the summary page."""

    name: str
    outcome: str | None
    """The outcome's value, or None for an input with errors."""
    asks: tuple[str, ...] = ()
    """The evidence to request, in words."""
    anchor: str | None = None
    """The id of the supplier's page in the document."""
    fetch: tuple[str, ...] = ()
    """The evidence the buyer can fetch itself, apart from what to request."""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def document_start(
    lang: str = "sv", heading: ReportHeading | None = None, *, title: str | None = None
) -> str:
    """The document up to and including ``<body>`` and the report's header: metadata, the
    inline styles, and (with ``heading``) the procurement, assessor and report date.
    ``title`` names another kind of document (a comparison) in the window's title."""
    title = title or _WORDS[lang]["title"]
    if heading is not None and (heading.title or heading.reference):
        title += f": {heading.title or heading.reference}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_page_css(heading, lang)}{_CSS}</style>",
        "</head>",
        "<body>",
    ]
    if heading is not None:
        parts.append(_heading(heading, lang))
    parts.append("")
    return mask_personal_numbers("\n".join(parts))


DOCUMENT_END = "</body>\n</html>\n"
"""What closes a document begun with :func:`document_start`."""


def render_html(
    entries: Iterable[Any], lang: str = "sv", heading: ReportHeading | None = None
) -> str:
    """A whole HTML document: the header (with ``heading``), a summary page when there are
    several entries, then a page each.

    ``entries`` are :class:`reserverat.render.Entry` values; their ``layers`` (from
    :func:`reserverat.evaluate.geography`) become maps.
    """
    items = list(entries)
    parts = [document_start(lang, heading)]
    if len(items) > 1:
        rows = [
            summary_row(e.source, e.outcome, getattr(e, "name", None), lang, n)
            for n, e in enumerate(items, start=1)
        ]
        parts.append(summary_page(rows, lang))
    for n, entry in enumerate(items, start=1):
        layers = getattr(entry, "layers", ())
        name = getattr(entry, "name", None)
        parts.append(page(entry.source, entry.outcome, layers, lang, name, _anchor(n)))
    parts.append(DOCUMENT_END)
    return mask_personal_numbers("\n".join(parts))


def _anchor(n: int) -> str:
    return f"leverantor-{n}"


def summary_row(
    source: str,
    outcome: Result | ReserveratError,
    name: str | None = None,
    lang: str = "sv",
    number: int | None = None,
) -> SummaryRow:
    """A supplier's line on the summary page: its name, outcome (None for an error), the
    evidence to request, and (with ``number``, its place in the report) a link to its page."""
    anchor = _anchor(number) if number is not None else None
    if isinstance(outcome, Result):
        sup = outcome.supplier
        label = sup.name + (f" ({sup.identifier})" if sup.identifier else "")
        wanted = [code for code, _ in _evidence_requests(outcome)]
        own = buyer_fetches(outcome)
        asks = tuple(c for c in wanted if c not in own)
        fetch = tuple(c for c in wanted if c in own)
        return SummaryRow(label, outcome.outcome.value, asks, anchor, fetch)
    where = place_words(source, lang)
    return SummaryRow(f"{name} ({where})" if name else where, None, (), anchor)


def summary_page(rows: Sequence[SummaryRow], lang: str = "sv") -> str:
    """The first page of a batch: counts, and each supplier's outcome and what to request,
    with a link to its page."""
    from reserverat.render import count_line

    labels, words = _LABELS[lang], _WORDS[lang]
    counts = {"qualified": 0, "not_qualified": 0, "undecided": 0, "errors": 0}
    cells = []
    for row in rows:
        counts[row.outcome or "errors"] += 1
        name = _e(row.name)
        if row.anchor:
            name = f'<a href="#{_e(row.anchor)}">{name}</a>'
        if row.outcome is None:
            cell = f"<td>{_e(labels['error'])}</td>"
            asks = _e(words["error_ask"])
        else:
            cell = f'<td class="{row.outcome}">{_e(OUTCOME_LABELS[lang][row.outcome])}</td>'
            asks = (
                "<ul>" + "".join(f"<li>{_e(EVIDENCE[lang][c])}</li>" for c in row.asks) + "</ul>"
                if row.asks
                else ("" if row.fetch else "–")
            )
            if row.fetch:
                own = "; ".join(EVIDENCE[lang][c] for c in row.fetch)
                asks += f'<p class="fetch">{_e(labels["fetch"])}: {_e(own)}</p>'
        cells.append(f"<tr><td>{name}</td>{cell}<td>{asks}</td></tr>")
    line = count_line(counts, lang)
    return mask_personal_numbers(
        "\n".join(
            [
                '<section class="page summary">',
                f"<h1>{_e(labels['summary'])}</h1>",
                f"<p>{_e(line)}</p>",
                '<table class="summary">',
                '<colgroup><col class="c-supplier"><col class="c-outcome"><col></colgroup>',
                f"<thead><tr><th>{_e(words['supplier'])}</th><th>{_e(labels['outcome'])}</th>"
                f"<th>{_e(words['ask'])}</th></tr></thead>",
                "<tbody>",
                *cells,
                "</tbody>",
                "</table>",
                "</section>",
            ]
        )
    )


def page(
    source: str,
    outcome: Result | ReserveratError,
    layers: Sequence[MapLayer] = (),
    lang: str = "sv",
    name: str | None = None,
    anchor: str | None = None,
) -> str:
    """One supplier's page (its result, with maps from ``layers``), or its errors;
    ``anchor`` is the page's id, for the summary's link."""
    if isinstance(outcome, Result):
        text = _result_page(outcome, layers, lang, anchor)
    else:
        text = _error_page(source, outcome, lang, name, anchor)
    return mask_personal_numbers(text)


def _section(kind: str, anchor: str | None) -> str:
    ident = f' id="{_e(anchor)}"' if anchor else ""
    return f'<section class="page {kind}"{ident}>'


def _error_page(
    source: str, error: ReserveratError, lang: str, name: str | None, anchor: str | None
) -> str:
    items = "".join(f"<li>{_e(p.text(lang))}</li>" for p in error.problems)
    where = place_words(source, lang)
    title = f"<h1>{_e(name)}</h1><p>{_e(where)}</p>" if name else f"<h1>{_e(where)}</h1>"
    return (
        f"{_section('error', anchor)}{title}"
        f"<h2>{_e(_WORDS[lang]['errors'])}</h2><ul>{items}</ul></section>"
    )


def _tree(result_node: Any, lang: str, params: Any, fetch: frozenset[str]) -> str:
    lines = _node_lines(result_node, lang, 0, params=params, fetch=fetch)
    out = []
    depth = 0
    out.append(f"<p>{_e(lines[0].text)}</p>")
    out.extend(_details(lines[0].details))
    for line in lines[1:]:
        while depth < line.depth:
            out.append('<ul class="tree">')
            depth += 1
        while depth > line.depth:
            out.append("</ul>")
            depth -= 1
        verdict = VERDICT_LABELS[lang][line.verdict]
        out.append(
            f'<li><span class="verdict v-{line.verdict}">[{_e(verdict)}]</span> {_e(line.text)}'
            + "".join(_details(line.details))
            + "</li>"
        )
    out.extend("</ul>" for _ in range(depth))
    return "".join(out)


def _details(details: Sequence[tuple[str, str]]) -> list[str]:
    return [f'<div class="detail"><b>{_e(k)}:</b> {_e(v)}</div>' for k, v in details]


def _result_page(
    result: Result, layers: Sequence[MapLayer], lang: str, anchor: str | None = None
) -> str:
    labels, words = _LABELS[lang], _WORDS[lang]
    params = parameter_labels(result)
    fetch = buyer_fetches(result)
    p = result.provenance
    sup = result.supplier
    name = sup.name + (f" ({sup.identifier})" if sup.identifier else "")
    first, *rest = _outcome_lines(result, lang)
    out = [
        _section("result", anchor),
        f"<h1>{_e(name)}</h1>",
        '<dl class="meta">',
        f"<dt>{_e(labels['ruleset'])}</dt><dd>{_e(result.ruleset_title.get(lang))} "
        f'<span class="crit-id">({_e(p.ruleset_id)} {_e(p.ruleset_version)})</span></dd>',
        f"<dt>{_e(labels['as_of'])}</dt><dd>{_e(p.as_of.isoformat())}</dd>",
    ]
    if p.procurement:
        out.append(f"<dt>{_e(words['procurement'])}</dt><dd>{_e(p.procurement)}</dd>")
    out.append("</dl>")
    out.append(f'<p class="outcome {result.outcome.value}">{_e(first)}</p>')
    out.extend(f"<p>{_e(line.strip())}</p>" for line in rest)
    for w in result.warnings:
        out.append(f"<p><b>{_e(labels['warning'])}:</b> {_e(render_message(w, lang))}</p>")
    out += [
        f"<h2>{_e(words['criteria'])}</h2>",
        "<table class='criteria'>",
        '<colgroup><col class="c-crit"><col class="c-verdict"><col class="c-reason">'
        '<col class="c-source"></colgroup>',
        "<thead><tr>"
        + "".join(f"<th>{_e(labels[k])}</th>" for k in ("criterion", "verdict", "reason", "source"))
        + "</tr></thead>",
        "<tbody>",
    ]
    for f in result.findings:
        verdict = f.verdict.value
        why = (
            f'<div class="detail"><b>{_e(labels["why"])}:</b> {_e(f.description.get(lang))}</div>'
            if f.description is not None
            else ""
        )
        source = _e(f.citation.short(lang))
        if f.citation.url:
            source += f'<div class="detail">{_e(f.citation.url)}</div>'
        marks = "".join(
            f'<div class="detail"><b>{_e(labels["marks"])}:</b> {_e(text)}</div>'
            for text in _mark_lines(f, lang)
        )
        if (basis := _source_line(f, lang)) is not None:
            label = _e(labels["sources"])
            marks += f'<div class="detail sources"><b>{label}:</b> {_e(basis)}</div>'

        out.append(
            f'<tr id="criterion-{_e(f.criterion)}"><td>{_e(_finding_name(f, lang))}'
            f'<div class="crit-id">{_e(words["criterion_id"])}: <code>{_e(f.criterion)}</code>'
            f"</div>{why}</td>"
            f'<td class="verdict v-{verdict}">{_e(VERDICT_LABELS[lang][verdict])}</td>'
            f"<td>{_tree(f.explanation, lang, params, fetch)}{marks}</td><td>{source}</td></tr>"
        )
    out += ["</tbody>", "</table>"]
    if layers:
        out.append(f"<h2>{_e(words['map'])}</h2>")
        for layer in layers:
            out.append(_figure(layer, result, lang))
    out.append(f"<h2>{_e(words['ask'])}</h2>")
    asks = _evidence_requests(result)
    titles = {f.criterion: f.title.get(lang) for f in result.findings}

    def items(chosen: list[tuple[str, list[str]]]) -> str:
        return (
            "<ul>"
            + "".join(
                f"<li>{_e(EVIDENCE[lang][code])} ({_e(words['settles'])}: "
                f"{_e('; '.join(titles[c] for c in ids))})</li>"
                for code, ids in chosen
            )
            + "</ul>"
        )

    ask = [(c, ids) for c, ids in asks if c not in fetch]
    own = [(c, ids) for c, ids in asks if c in fetch]
    if ask:
        out.append(items(ask))
    elif not own:
        out.append(f"<p>{_e(words['nothing_to_ask'])}</p>")
    if own:
        out.append(f'<h3 class="fetch">{_e(labels["fetch"])}</h3>')
        out.append(items(own))
    out += [
        '<footer class="provenance">',
        f"<h2>{_e(labels['provenance'])}</h2>",
        '<dl class="meta">',
        f"<dt>{_e(labels['ruleset'])}</dt><dd>{_e(p.ruleset_id)} {_e(p.ruleset_version)}</dd>",
        f"<dt>{_e(words['ruleset_hash'])}</dt><dd><code>{_e(p.ruleset_hash)}</code></dd>",
        f"<dt>{_e(words['library'])}</dt><dd>reserverat {_e(p.library_version)}</dd>",
        f"<dt>{_e(words['input_hash'])}</dt><dd><code>{_e(p.input_hash)}</code></dd>",
        f"<dt>{_e(labels['as_of'])}</dt><dd>{_e(p.as_of.isoformat())}</dd>",
        "</dl>",
        "</footer>",
        "</section>",
    ]
    return "\n".join(out)


def _evidence_requests(result: Result) -> list[tuple[str, list[str]]]:
    """Evidence that could change an undecided verdict, each once, in criterion order, with
    the criteria it settles."""
    seen: dict[str, list[str]] = {}
    for f in result.findings:
        if f.verdict is not Verdict.UNDECIDED:
            continue
        for code in f.explanation.requests():
            seen.setdefault(code, []).append(f.criterion)
    return list(seen.items())


def _figure(layer: MapLayer, result: Result, lang: str) -> str:
    words = _WORDS[lang]
    try:
        title = _finding_name(result.finding(layer.criterion), lang)
    except KeyError:  # layers from another rule set than the result's
        title = layer.criterion
    caption = [_e(title)]
    if layer.unplaced:
        caption.append(f"{_e(words['unplaced'])}: {_e(', '.join(layer.unplaced))}.")
    caption.append(_e(words["map_note"]))
    return f"<figure>{svg_map(layer, lang)}<figcaption>{' '.join(caption)}</figcaption></figure>"


# ---- the map -------------------------------------------------------------------------------

_W = 640.0


class _Projection:
    """A local plane in metres around the points (equirectangular), then SVG units."""

    def __init__(self, layer: MapLayer) -> None:
        points = [*layer.centres, *layer.sites]
        lats = [p.lat for p in points]
        lons = [p.lon for p in points]
        if layer.zone is not None:
            minx, miny, maxx, maxy = layer.zone.bounds
            lons += [minx, maxx]
            lats += [miny, maxy]
        self.lat0 = (min(lats) + max(lats)) / 2 if lats else 59.0
        self.lon0 = (min(lons) + max(lons)) / 2 if lons else 18.0
        self.kx = 111_320.0 * math.cos(math.radians(self.lat0))
        self.ky = 110_574.0
        xs: list[float] = []
        ys: list[float] = []
        radius_m = (layer.radius_km or 0) * 1000
        for p in layer.centres:
            x, y = self.metres(p.lat, p.lon)
            xs += [x - radius_m, x + radius_m]
            ys += [y - radius_m, y + radius_m]
        for p in layer.sites:
            x, y = self.metres(p.lat, p.lon)
            xs += [x - p.uncertainty_m, x + p.uncertainty_m]
            ys += [y - p.uncertainty_m, y + p.uncertainty_m]
        if layer.zone is not None:
            for lon, lat in ((lons[-2], lats[-2]), (lons[-1], lats[-1])):
                x, y = self.metres(lat, lon)
                xs.append(x)
                ys.append(y)
        if not xs:
            xs, ys = [-1000.0, 1000.0], [-1000.0, 1000.0]
        span_x = max(max(xs) - min(xs), 1000.0)
        span_y = max(max(ys) - min(ys), 1000.0)
        # Keep the plot between 2.2:1 and 10:7 (landscape) by widening the short side, so
        # that it fills the A4 text width without being shrunk to fit the page height.
        span_y = max(span_y, span_x / 2.2)
        span_x = max(span_x, span_y / 0.7)
        cx = (max(xs) + min(xs)) / 2
        cy = (max(ys) + min(ys)) / 2
        pad = 1.12
        self.scale = _W / (span_x * pad)
        self.height = span_y * pad * self.scale
        self.x0 = cx - span_x * pad / 2
        self.y1 = cy + span_y * pad / 2

    def metres(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky

    def svg(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = self.metres(lat, lon)
        return (x - self.x0) * self.scale, (self.y1 - y) * self.scale


def _polygon_path(geometry: Any, proj: _Projection) -> str:
    polygons = getattr(geometry, "geoms", [geometry])
    parts = []
    for poly in polygons:
        for ring in (poly.exterior, *poly.interiors):
            coords = [proj.svg(lat, lon) for lon, lat, *_ in ring.coords]
            parts.append("M " + " L ".join(f"{x:.1f} {y:.1f}" for x, y in coords) + " Z")
    return " ".join(parts)


_BAND = 30.0  # the strip under the plot that holds the scale bar and the legend


def _scale_bar(proj: _Projection) -> str:
    target = _W / 5 / proj.scale
    nice = 10 ** math.floor(math.log10(target))
    for step in (1, 2, 5, 10):
        if nice * step >= target:
            nice *= step
            break
    length = nice * proj.scale
    label = f"{nice / 1000:g} km" if nice >= 1000 else f"{nice:g} m"
    y = proj.height + _BAND - 9
    return (
        f'<g class="scale"><line x1="12" y1="{y:.1f}" x2="{12 + length:.1f}" y2="{y:.1f}" '
        'stroke="#111" stroke-width="2"/>'
        f'<text x="12" y="{y - 4:.1f}" font-size="11">{_e(label)}</text></g>'
    )


class _Labels:
    """Places point labels greedily where they overlap no label placed before."""

    _TRIES: tuple[tuple[int, int, str], ...] = (
        (7, -5, "start"),
        (-7, -5, "end"),
        (7, 15, "start"),
        (-7, 15, "end"),
    )

    def __init__(self) -> None:
        self.boxes: list[tuple[float, float, float, float]] = []

    def place(self, x: float, y: float, text: str, colour: str, below: bool = False) -> str:
        width = 6.8 * len(text)
        near = self._TRIES[2:] + self._TRIES[:2] if below else self._TRIES
        # Then further out, in steps of a line, before giving up and overlapping.
        tries = near + tuple(
            (dx, dy + (-14 if dy < 0 else 14) * k, a) for k in (1, 2) for dx, dy, a in near
        )
        chosen = tries[0]
        for dx, dy, anchor in tries:
            box = self._box(x + dx, y + dy, width, anchor)
            if box[0] >= 0 and box[2] <= _W and not any(_overlap(box, b) for b in self.boxes):
                chosen = (dx, dy, anchor)
                break
        dx, dy, anchor = chosen
        self.boxes.append(self._box(x + dx, y + dy, width, anchor))
        return (
            f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" font-size="12" fill="{colour}" '
            f'text-anchor="{anchor}">{_e(text)}</text>'
        )

    @staticmethod
    def _box(x: float, y: float, width: float, anchor: str) -> tuple[float, float, float, float]:
        left = x - width if anchor == "end" else x
        return left, y - 11, left + width, y + 3


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def svg_map(layer: MapLayer, lang: str = "sv") -> str:
    """An inline SVG of one geographic check: radius circles or the zone, centres and sites."""
    words = _WORDS[lang]
    proj = _Projection(layer)
    h = proj.height
    body: list[str] = []
    labels = _Labels()
    if layer.zone is not None:
        body.append(
            f'<path d="{_polygon_path(layer.zone, proj)}" fill="#2f6fb3" fill-opacity="0.12" '
            'stroke="#2f6fb3" stroke-width="1.5" fill-rule="evenodd"/>'
        )
        minx, _, _, maxy = layer.zone.bounds
        zx, zy = proj.svg(maxy, minx)
        body.append(labels.place(zx, zy, f"{words['zone']}: {layer.zone_name}", "#2f6fb3", True))
    for c in layer.centres:
        x, y = proj.svg(c.lat, c.lon)
        if layer.radius_km:
            r = layer.radius_km * 1000 * proj.scale
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#2f6fb3" '
                'fill-opacity="0.08" stroke="#2f6fb3" stroke-width="1.2" '
                'stroke-dasharray="6 4"/>'
            )
        body.append(_uncertainty(x, y, c, proj))
        body.append(
            f'<path d="M {x - 5:.1f} {y:.1f} H {x + 5:.1f} M {x:.1f} {y - 5:.1f} V {y + 5:.1f}" '
            'stroke="#111" stroke-width="2"/>'
        )
        body.append(labels.place(x, y, c.label, "#111"))
    for s in layer.sites:
        x, y = proj.svg(s.lat, s.lon)
        body.append(_uncertainty(x, y, s, proj))
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="#c2410c" stroke="#fff" '
            'stroke-width="1.2"/>'
        )
        body.append(labels.place(x, y, s.label, "#9a3412", below=True))
    radius = (
        f"{words['radius']} {layer.radius_km:g} km"
        if layer.radius_km
        else f"{words['zone']} {layer.zone_name}"
    )
    top = h + 8
    legend = (
        f'<g class="legend" font-size="12">'
        f'<path d="M {_W - 300} {top + 8} H {_W - 290} M {_W - 295} {top + 3} V {top + 13}" '
        'stroke="#111" stroke-width="2"/>'
        f'<text x="{_W - 282}" y="{top + 12}">{_e(words["centre"])} ({_e(radius)})</text>'
        f'<circle cx="{_W - 95}" cy="{top + 8}" r="4.5" fill="#c2410c"/>'
        f'<text x="{_W - 85}" y="{top + 12}">{_e(words["site"])}</text></g>'
    )
    title = f"{words['map']}: {layer.criterion}"
    total = h + _BAND
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W:.0f} {total:.0f}" role="img" '
        f'aria-label="{_e(title)}"><title>{_e(title)}</title>'
        f'<rect width="{_W:.0f}" height="{h:.0f}" fill="#fafafa"/>'
        f'<line x1="0" y1="{h:.1f}" x2="{_W:.0f}" y2="{h:.1f}" stroke="#bbb"/>'
        + "".join(body)
        + legend
        + _scale_bar(proj)
        + "</svg>"
    )


def _uncertainty(x: float, y: float, point: MapPoint, proj: _Projection) -> str:
    r = point.uncertainty_m * proj.scale
    if r < 2:
        return ""
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="none" stroke="#777" '
        'stroke-width="0.8" stroke-dasharray="2 2"/>'
    )
