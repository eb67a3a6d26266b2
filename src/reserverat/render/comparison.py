"""Comparisons and sweeps for people: one view model, written as text, Markdown, HTML or JSON.

A policy writer reads who gains and who loses under a variant, which criterion flipped for
each of them with the numbers on both sides, and how many flipped per criterion; a sweep
adds who changes at each step. The view model holds every sentence in the reader's
language, so that text, Markdown and HTML say the same things, as the result renderers do;
the HTML page adds inline SVG charts and needs no other file.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reserverat.errors import Problem, place_words
from reserverat.identifiers import mask_personal_numbers
from reserverat.render import _md
from reserverat.render.messages import OUTCOME_LABELS, VERDICT_LABELS, fmt_param, render_message

if TYPE_CHECKING:
    from reserverat.compare import Comparison, ComparisonProvenance, Flip, Sweep
    from reserverat.rulediff import RuleDiff

__all__ = [
    "ChangedCriterion",
    "ChangedSupplier",
    "ComparisonView",
    "FlipCount",
    "SweepRow",
    "SweepView",
    "comparison_view",
    "render_comparison",
    "render_sweep",
    "sweep_view",
]

_OUTCOMES = ("qualified", "not_qualified", "undecided")
"""The order outcomes are listed and drawn in."""

_WORDS = {
    "sv": {
        "title": "Jämförelse av regelverk",
        "sweep_title": "Svep över en parameter",
        "outcome": "utfall",
        "summary": "{gain} vinner, {lose} förlorar (av {n} jämförda)",
        "listed": "(leverantörer med skäl: de {n} första som ändrades)",
        "gains": "Vinner",
        "losses": "Förlorar",
        "unchanged": "Oförändrade",
        "flips": "Kriterier som ändrades",
        "absent": "saknas",
        "skipped": "Hoppades över (fel i underlaget)",
        "changes": "Ändringar per steg",
        "no_change": "ingen ändrar utfall",
        "counts_chart": "Utfall under A och under B",
        "wl_chart": "Vinnare och förlorare",
        "flips_chart": "Antal leverantörer per kriterium som ändrade bedömning",
        "sweep_chart": "Utfall per värde",
        "changed_suppliers": "Leverantörer som ändrade utfall",
        "supplier": "Leverantör",
        "criterion": "Kriterium",
        "change": "Ändring",
        "count": "Antal",
        "value": "värde",
        "differences": "Skillnader mellan regelverken",
        "provenance": "Spårbarhet",
        "ruleset": "Regelverk",
        "as_of": "Bedömningsdag",
        "library": "Programversion",
        "procurement": "Upphandling",
        "parameter": "Parameter",
        "input_hash": "Indatans kontrollsumma",
    },
    "en": {
        "title": "Comparison of rule sets",
        "sweep_title": "Sweep over one parameter",
        "outcome": "outcome",
        "summary": "{gain} gained, {lose} lost (of {n} compared)",
        "listed": "(suppliers listed with reasons: the first {n} that changed)",
        "gains": "Gains",
        "losses": "Losses",
        "unchanged": "Unchanged",
        "flips": "Criteria that changed",
        "absent": "absent",
        "skipped": "Skipped (errors in the input)",
        "changes": "Changes per step",
        "no_change": "no outcome changes",
        "counts_chart": "Outcomes under A and under B",
        "wl_chart": "Winners and losers",
        "flips_chart": "Suppliers per criterion whose verdict changed",
        "sweep_chart": "Outcomes per value",
        "changed_suppliers": "Suppliers whose outcome changed",
        "supplier": "Supplier",
        "criterion": "Criterion",
        "change": "Change",
        "count": "Count",
        "value": "value",
        "differences": "Differences between the rule sets",
        "provenance": "Provenance",
        "ruleset": "Rule set",
        "as_of": "Evaluation date",
        "library": "Library version",
        "procurement": "Procurement",
        "parameter": "Parameter",
        "input_hash": "Input hash",
    },
}


@dataclass(frozen=True)
class ChangedCriterion:
    """A criterion that flipped for one supplier, in words, with both sides' reasons."""

    id: str
    name: str
    before: str
    after: str
    reason_a: str | None
    reason_b: str | None


@dataclass(frozen=True)
class ChangedSupplier:
    """A supplier whose outcome changed, and the criteria that changed with it."""

    supplier: str
    place: str
    before: str
    """The outcome's code under A (its label is ``before_label``)."""
    after: str
    before_label: str
    after_label: str
    criteria: tuple[ChangedCriterion, ...]


@dataclass(frozen=True)
class FlipCount:
    """How many suppliers' verdicts on one criterion moved, by kind of change."""

    id: str
    name: str
    changes: tuple[tuple[str, str, int], ...]
    """(verdict before, verdict after, count), the verdicts in words."""

    @property
    def total(self) -> int:
        """Suppliers whose verdict on this criterion changed at all."""
        return sum(n for _, _, n in self.changes)


@dataclass(frozen=True)
class ComparisonView:
    """Everything a comparison says, in one language."""

    lang: str
    a: str
    b: str
    counts: tuple[tuple[str, str, int, int], ...]
    """(outcome code, outcome in words, count under A, count under B)."""
    compared: int
    gain_count: int
    loss_count: int
    summary: str
    listed: str | None
    gains: tuple[ChangedSupplier, ...]
    losses: tuple[ChangedSupplier, ...]
    flips: tuple[FlipCount, ...]
    skipped: tuple[str, ...]
    preamble: tuple[tuple[str, tuple[str, ...]], ...]
    """The rule sets' differences (``rules diff``) as headed lists, when asked for."""
    provenance: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SweepRow:
    """One value of a sweep: its counts and who changed since the value before."""

    value: str
    counts: tuple[int, ...]
    """Counts in the order of :data:`_OUTCOMES`."""
    change: ComparisonView | None


@dataclass(frozen=True)
class SweepView:
    """Everything a sweep says, in one language."""

    lang: str
    parameter: str
    label: str
    rules: str
    outcome_labels: tuple[str, ...]
    rows: tuple[SweepRow, ...]
    skipped: tuple[str, ...]
    provenance: tuple[tuple[str, str], ...]


def _supplier(f: Flip, lang: str) -> ChangedSupplier:
    w = _WORDS[lang]
    outcomes = OUTCOME_LABELS[lang]
    verdicts = {**VERDICT_LABELS[lang], "absent": w["absent"]}
    criteria = []
    for k, (cid, before, after, _) in enumerate(f.criteria):
        titled = f.titles[k] if k < len(f.titles) else None
        reason_a, reason_b = f.reasons[k] if k < len(f.reasons) else (None, None)
        criteria.append(
            ChangedCriterion(
                cid,
                titled.get(lang) if titled is not None else cid,
                verdicts[before],
                verdicts[after],
                render_message(reason_a, lang) if reason_a is not None else None,
                render_message(reason_b, lang) if reason_b is not None else None,
            )
        )
    return ChangedSupplier(
        f.supplier,
        place_words(f.source, lang),
        f.before,
        f.after,
        outcomes[f.before],
        outcomes[f.after],
        tuple(criteria),
    )


def _provenance(p: ComparisonProvenance | None, lang: str) -> tuple[tuple[str, str], ...]:
    if p is None:
        return ()
    w = _WORDS[lang]
    out = [
        (f"{w['ruleset']} A", f"{p.a[0]} {p.a[1]} {p.a[2]}"),
        (f"{w['ruleset']} B", f"{p.b[0]} {p.b[1]} {p.b[2]}"),
        (w["as_of"], p.as_of.isoformat()),
        (w["library"], f"reserverat {p.library_version}"),
    ]
    if p.procurement:
        out.append((w["procurement"], p.procurement))
    if p.input_hash:
        out.append((w["input_hash"], p.input_hash))
    return tuple(out)


def comparison_view(
    c: Comparison,
    lang: str = "sv",
    skipped: Sequence[Problem] = (),
    diff: RuleDiff | None = None,
) -> ComparisonView:
    """The view of a comparison in ``lang``; ``diff`` (``rules diff``) becomes its preamble."""
    w = _WORDS[lang]
    outcomes = OUTCOME_LABELS[lang]
    verdicts = {**VERDICT_LABELS[lang], "absent": w["absent"]}
    flips = tuple(
        FlipCount(
            crit,
            c.titles[crit].get(lang) if crit in c.titles else crit,
            tuple((verdicts[b], verdicts[a], n) for (b, a), n in sorted(counter.items())),
        )
        for crit, counter in sorted(c.criterion_flips.items())
    )
    preamble: tuple[tuple[str, tuple[str, ...]], ...] = ()
    if diff is not None:
        from reserverat.rulediff import diff_sections

        preamble = tuple((head, tuple(lines)) for head, lines in diff_sections(diff, lang))
    return ComparisonView(
        lang=lang,
        a=c.a,
        b=c.b,
        counts=tuple(
            (k, outcomes[k], c.counts_a.get(k, 0), c.counts_b.get(k, 0)) for k in _OUTCOMES
        ),
        compared=c.compared,
        gain_count=c.gain_count,
        loss_count=c.loss_count,
        summary=w["summary"].format(gain=c.gain_count, lose=c.loss_count, n=c.compared),
        listed=(
            w["listed"].format(n=c.detailed) if c.detailed < c.gain_count + c.loss_count else None
        ),
        gains=tuple(_supplier(f, lang) for f in c.gains),
        losses=tuple(_supplier(f, lang) for f in c.losses),
        flips=flips,
        skipped=tuple(p.text(lang) for p in skipped),
        preamble=preamble,
        provenance=_provenance(c.provenance, lang),
    )


def sweep_view(s: Sweep, lang: str = "sv", skipped: Sequence[Problem] = ()) -> SweepView:
    """The view of a sweep in ``lang``: values in the parameter's unit."""
    from reserverat.labels import PARAMETERS

    sv, en, unit = PARAMETERS.get(s.ruleset, {}).get(s.parameter, (s.parameter, s.parameter, None))
    rows = []
    for step in s.steps:
        rows.append(
            SweepRow(
                fmt_param(step.value, unit, lang),
                tuple(step.counts.get(k, 0) for k in _OUTCOMES),
                comparison_view(step.change, lang) if step.change is not None else None,
            )
        )
    provenance = _provenance(s.provenance, lang)
    if provenance:  # the swept rule set, once: A and B differ only in the swept value
        w = _WORDS[lang]
        provenance = ((w["ruleset"], provenance[0][1]), *provenance[2:])
    return SweepView(
        lang=lang,
        parameter=s.parameter,
        label=sv if lang == "sv" else en,
        rules=" ".join(s.ruleset),
        outcome_labels=tuple(OUTCOME_LABELS[lang][k] for k in _OUTCOMES),
        rows=tuple(rows),
        skipped=tuple(p.text(lang) for p in skipped),
        provenance=provenance,
    )


# --- text and Markdown ----------------------------------------------------------------


def _supplier_lines(changes: Sequence[ChangedSupplier], md: bool, depth: int = 0) -> list[str]:
    pad = "  " * depth
    bullet, inner, innermost = ("- ", "  - ", "    - ") if md else ("  ", "    ", "      ")
    esc = _md if md else str
    lines = []
    for f in changes:
        lines.append(
            f"{pad}{bullet}{esc(f.supplier)} [{esc(f.place)}]: {f.before_label} → {f.after_label}"
        )
        for crit in f.criteria:
            # Markdown nests them as lists; text indents them.
            lines.append(f"{pad}{inner}{esc(crit.name)} ({crit.id}): {crit.before} → {crit.after}")
            for side, reason in (("A", crit.reason_a), ("B", crit.reason_b)):
                if reason is not None:
                    lines.append(f"{pad}{innermost}{side}: {esc(reason)}")
    return lines


def _body_lines(v: ComparisonView, md: bool) -> list[str]:
    """Who gained, who lost and the per-criterion counts (shared by compare and sweep)."""
    w = _WORDS[v.lang]
    bullet = "- " if md else "  "
    lines = [v.summary]
    if v.listed:
        lines.append(v.listed)
    for title, changes in ((w["gains"], v.gains), (w["losses"], v.losses)):
        if changes:
            lines += ["", f"{'### ' if md else ''}{title}:"]
            lines += _supplier_lines(changes, md)
    if v.flips:
        lines += ["", f"{'### ' if md else ''}{w['flips']}:"]
        for flip in v.flips:
            # (The reason codes behind each count are in the JSON.)
            moved = ", ".join(f"{b} → {a}: {n}" for b, a, n in flip.changes)
            lines.append(f"{bullet}{flip.id}: {moved}")
    return lines


def _comparison_text(v: ComparisonView, md: bool) -> str:
    w = _WORDS[v.lang]
    bullet = "- " if md else "  "
    esc = _md if md else str
    lines = [f"{'## ' if md else ''}A: {esc(v.a)}", f"{'## ' if md else ''}B: {esc(v.b)}", ""]
    for head, items in v.preamble:
        lines += [f"{'### ' if md else ''}{head}:"]
        lines += [f"{bullet}{esc(item.strip())}" for item in items] + [""]
    if md:
        lines += [f"| {w['outcome']} | A | B |", "|---|---|---|"]
        lines += [f"| {label} | {na} | {nb} |" for _, label, na, nb in v.counts]
    else:
        lines += [f"{w['outcome']:<20}{'A':>8}{'B':>8}"]
        lines += [f"{label:<20}{na:>8}{nb:>8}" for _, label, na, nb in v.counts]
    lines += ["", *_body_lines(v, md)]
    if v.skipped:
        lines += ["", f"{'### ' if md else ''}{w['skipped']}:"]
        lines += [f"{bullet}{esc(text)}" for text in v.skipped]
    return mask_personal_numbers("\n".join(lines)) + "\n"


def _sweep_text(v: SweepView, md: bool) -> str:
    w = _WORDS[v.lang]
    heads = v.outcome_labels
    if md:
        lines = [
            f"## {_md(v.rules)}: {_md(v.label)} ({v.parameter})",
            "",
            f"| {v.parameter} | " + " | ".join(heads) + " |",
            "|---|" + "---|" * len(heads),
        ]
        lines += [f"| {r.value} | " + " | ".join(map(str, r.counts)) + " |" for r in v.rows]
    else:
        width = max(20, *(len(h) + 2 for h in heads))
        lines = [f"{v.parameter:<16}" + "".join(f"{h:>{width}}" for h in heads)]
        lines += [f"{r.value:<16}" + "".join(f"{n:>{width}}" for n in r.counts) for r in v.rows]
    changed = [(prev, r) for prev, r in zip(v.rows, v.rows[1:], strict=False) if r.change]
    if any(r.change and (r.change.gain_count or r.change.loss_count) for _, r in changed):
        lines += ["", f"{'### ' if md else ''}{w['changes']}:"]
        for prev, r in changed:
            assert r.change is not None
            if not (r.change.gain_count or r.change.loss_count):
                continue
            lines += ["", f"{'#### ' if md else ''}{prev.value} → {r.value}: {r.change.summary}"]
            if r.change.listed:
                lines.append(r.change.listed)
            for title, changes in ((w["gains"], r.change.gains), (w["losses"], r.change.losses)):
                if changes:
                    lines.append(f"{'- ' if md else '  '}{title}:")
                    lines += _supplier_lines(changes, md, depth=1)
    if v.skipped:
        lines += ["", f"{'### ' if md else ''}{w['skipped']}:"]
        lines += [f"{'- ' if md else '  '}{_md(t) if md else t}" for t in v.skipped]
    return mask_personal_numbers("\n".join(lines)) + "\n"


# --- HTML -----------------------------------------------------------------------------

_CHART_CSS = """
figure.chart svg { border: none; }
svg text { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 11px;
  fill: #111; }
.bar-qualified, .bar-gains { fill: #1b7a33; } .bar-not_qualified, .bar-losses { fill: #b3261e; }
.bar-undecided { fill: #c18a00; } .bar-unchanged { fill: #9e9e9e; } .bar-flips { fill: #3559a8; }
.bar-a { fill: #7d8fb3; } .bar-b { fill: #23395d; }
table.changes td ul { margin: 0; padding-left: 4mm; }
col.c-who { width: 30%; } col.c-what { width: 70%; }
"""

_SERIES_WORDS = {"sv": {"a": "A", "b": "B"}, "en": {"a": "A", "b": "B"}}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _hbars(
    rows: Sequence[tuple[str, Sequence[tuple[str, str, int]]]], title: str, chart: str
) -> str:
    """Horizontal bars: per row a label and one bar per (series, name, value), to scale.

    Each bar is a ``rect.bar`` with its series, row and value as data attributes, so that a
    test can count them from the DOM of the rendered page.
    """
    top = max([1, *(v for _, bars in rows for _, _, v in bars)])
    label_w, bar_w, bar_h, gap = 250, 330, 14, 8
    height = sum(len(bars) * bar_h + gap for _, bars in rows) + gap
    parts = [
        f'<figure class="chart" data-chart="{_e(chart)}">',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 700 {height}" role="img" '
        f'aria-label="{_e(title)}">',
    ]
    y = gap
    for label, bars in rows:
        mid = y + len(bars) * bar_h / 2 + 4
        parts.append(
            f'<text x="{label_w - 6}" y="{mid:.1f}" text-anchor="end">{_e(_cut(label))}</text>'
        )
        for series, name, value in bars:
            w = bar_w * value / top
            parts.append(
                f'<rect class="bar bar-{_e(series)}" data-series="{_e(series)}" '
                f'data-row="{_e(label)}" data-value="{value}" x="{label_w}" y="{y}" '
                f'width="{w:.1f}" height="{bar_h - 2}">'
                f"<title>{_e(name or label)}: {value}</title></rect>"
            )
            shown = f"{name} {value}" if name else str(value)
            parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 4}">{_e(shown)}</text>')
            y += bar_h
        y += gap
    parts += ["</svg>", f"<figcaption>{_e(title)}</figcaption>", "</figure>"]
    return "\n".join(parts)


def _cut(text: str, width: int = 38) -> str:
    """A chart label short enough for its column; the table beside it has the whole text."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _columns(v: SweepView) -> str:
    """Stacked columns of the outcome counts against the parameter's value."""
    n = len(v.rows)
    top = max([1, *(sum(r.counts) for r in v.rows)])
    left, plot_w, plot_h, base = 40, 640, 220, 240
    step = plot_w / max(n, 1)
    width = max(step * 0.7, 1.0)
    parts = [
        '<figure class="chart" data-chart="sweep">',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 700 280" role="img" '
        f'aria-label="{_e(_WORDS[v.lang]["sweep_chart"])}">',
        f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#333"/>',
        f'<text x="{left - 4}" y="{base - plot_h + 4}" text-anchor="end">{top}</text>',
        f'<text x="{left - 4}" y="{base + 4}" text-anchor="end">0</text>',
    ]
    label_every = max(1, n // 12)
    for k, row in enumerate(v.rows):
        x = left + k * step + (step - width) / 2
        y = float(base)
        for key, label, count in zip(_OUTCOMES, v.outcome_labels, row.counts, strict=True):
            if not count:
                continue
            h = plot_h * count / top
            y -= h
            parts.append(
                f'<rect class="bar bar-{key}" data-series="{key}" data-row="{_e(row.value)}" '
                f'data-value="{count}" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
                f'height="{h:.1f}"><title>{_e(row.value)}: {_e(label)} {count}</title></rect>'
            )
        if k % label_every == 0:
            parts.append(
                f'<text x="{x + width / 2:.1f}" y="{base + 16}" text-anchor="middle">'
                f"{_e(row.value)}</text>"
            )
    legend_x = left
    for key, label in zip(_OUTCOMES, v.outcome_labels, strict=True):
        parts.append(
            f'<rect class="legend bar-{key}" x="{legend_x}" y="262" width="10" height="10"/>'
            f'<text x="{legend_x + 14}" y="271">{_e(label)}</text>'
        )
        legend_x += 200
    parts += [
        "</svg>",
        f"<figcaption>{_e(_WORDS[v.lang]['sweep_chart'])}: {_e(v.label)} "
        f"({_e(v.parameter)})</figcaption>",
        "</figure>",
    ]
    return "\n".join(parts)


def _changes_table(v: ComparisonView) -> str:
    w = _WORDS[v.lang]
    rows = []
    for f in (*v.gains, *v.losses):
        items = []
        for crit in f.criteria:
            reasons = "".join(
                f'<li class="detail"><b>{side}:</b> {_e(reason)}</li>'
                for side, reason in (("A", crit.reason_a), ("B", crit.reason_b))
                if reason is not None
            )
            items.append(
                f"<li>{_e(crit.name)}: {_e(crit.before)} → {_e(crit.after)}"
                f'<div class="crit-id"><code>{_e(crit.id)}</code></div><ul>{reasons}</ul></li>'
            )
        rows.append(
            f'<tr><td>{_e(f.supplier)}<div class="crit-id">{_e(f.place)}</div></td>'
            f'<td><span class="{_e(f.before)}">{_e(f.before_label)}</span> → '
            f'<span class="{_e(f.after)}">{_e(f.after_label)}</span><ul>{"".join(items)}</ul>'
            "</td></tr>"
        )
    if not rows:
        return ""
    return (
        '<table class="changes"><colgroup><col class="c-who"><col class="c-what"></colgroup>'
        f"<thead><tr><th>{_e(w['supplier'])}</th><th>{_e(w['change'])}</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _flips_table(v: ComparisonView) -> str:
    w = _WORDS[v.lang]
    rows = "".join(
        f'<tr><td>{_e(f.name)}<div class="crit-id"><code>{_e(f.id)}</code></div></td>'
        f"<td>{'<br>'.join(_e(f'{b} → {a}: {n}') for b, a, n in f.changes)}</td></tr>"
        for f in v.flips
    )
    return (
        f"<table><thead><tr><th>{_e(w['criterion'])}</th><th>{_e(w['change'])}</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )


def _dl(items: Sequence[tuple[str, str]], cls: str = "meta") -> str:
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items)
    return f'<dl class="{cls}">{rows}</dl>'


def _provenance_html(items: Sequence[tuple[str, str]], lang: str) -> str:
    if not items:
        return ""
    return (
        f'<footer class="provenance"><h2>{_e(_WORDS[lang]["provenance"])}</h2>{_dl(items)}</footer>'
    )


def _comparison_sections(v: ComparisonView, charts: bool = True, level: int = 2) -> list[str]:
    """The comparison's body: summary, charts and tables, headed at ``level``."""
    w = _WORDS[v.lang]
    h = f"h{level}"
    parts = [f'<p class="outcome">{_e(v.summary)}</p>']
    if v.listed:
        parts.append(f"<p>{_e(v.listed)}</p>")
    if charts:
        parts.append(
            _hbars(
                [(label, [("a", "A", na), ("b", "B", nb)]) for _, label, na, nb in v.counts],
                w["counts_chart"],
                "counts",
            )
        )
        unchanged = v.compared - v.gain_count - v.loss_count
        parts.append(
            _hbars(
                [
                    (w["gains"], [("gains", w["gains"], v.gain_count)]),
                    (w["losses"], [("losses", w["losses"], v.loss_count)]),
                    (w["unchanged"], [("unchanged", w["unchanged"], unchanged)]),
                ],
                w["wl_chart"],
                "winners-losers",
            )
        )
    if v.gains or v.losses:
        parts += [f"<{h}>{_e(w['changed_suppliers'])}</{h}>", _changes_table(v)]
    if v.flips:
        parts.append(f"<{h}>{_e(w['flips'])}</{h}>")
        if charts:
            parts.append(
                _hbars(
                    [(f.name, [("flips", "", f.total)]) for f in v.flips],
                    w["flips_chart"],
                    "criteria",
                )
            )
        parts.append(_flips_table(v))
    return parts


def _skipped_html(skipped: Sequence[str], lang: str) -> list[str]:
    if not skipped:
        return []
    items = "".join(f"<li>{_e(t)}</li>" for t in skipped)
    return [f"<h2>{_e(_WORDS[lang]['skipped'])}</h2>", f"<ul>{items}</ul>"]


def _page(lang: str, title: str, body: Sequence[str]) -> str:
    from reserverat.render.html import DOCUMENT_END, document_start

    start = document_start(lang, title=title).replace("</style>", _CHART_CSS + "</style>", 1)
    return mask_personal_numbers(
        "\n".join([start, '<section class="page">', f"<h1>{_e(title)}</h1>", *body, "</section>"])
        + "\n"
        + DOCUMENT_END
    )


def _comparison_html(v: ComparisonView) -> str:
    w = _WORDS[v.lang]
    body = [_dl([("A", v.a), ("B", v.b)])]
    for head, items in v.preamble:
        body += [
            f"<h2>{_e(head)}</h2>",
            "<ul>" + "".join(f"<li>{_e(i.strip())}</li>" for i in items) + "</ul>",
        ]
    table = "".join(
        f"<tr><td>{_e(label)}</td><td>{na}</td><td>{nb}</td></tr>" for _, label, na, nb in v.counts
    )
    body.append(
        f"<table><thead><tr><th>{_e(w['outcome'].capitalize())}</th><th>A</th><th>B</th></tr>"
        f"</thead><tbody>{table}</tbody></table>"
    )
    body += _comparison_sections(v)
    body += _skipped_html(v.skipped, v.lang)
    body.append(_provenance_html(v.provenance, v.lang))
    return _page(v.lang, w["title"], body)


def _sweep_html(v: SweepView) -> str:
    w = _WORDS[v.lang]
    body = [
        _dl([(w["ruleset"], v.rules), (w["parameter"], f"{v.label} ({v.parameter})")]),
        _columns(v),
    ]
    heads = "".join(f"<th>{_e(h)}</th>" for h in v.outcome_labels)
    rows = "".join(
        f"<tr><td>{_e(r.value)}</td>" + "".join(f"<td>{n}</td>" for n in r.counts) + "</tr>"
        for r in v.rows
    )
    body.append(
        f"<table><thead><tr><th>{_e(w['value'].capitalize())}</th>{heads}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
    steps = [(p, r) for p, r in zip(v.rows, v.rows[1:], strict=False) if r.change]
    if any(r.change and (r.change.gain_count or r.change.loss_count) for _, r in steps):
        body.append(f"<h2>{_e(w['changes'])}</h2>")
        for prev, r in steps:
            assert r.change is not None
            if r.change.gain_count or r.change.loss_count:
                body.append(f'<h3 class="step">{_e(prev.value)} → {_e(r.value)}</h3>')
                body += _comparison_sections(r.change, charts=False, level=4)
    body += _skipped_html(v.skipped, v.lang)
    body.append(_provenance_html(v.provenance, v.lang))
    return _page(v.lang, w["sweep_title"], body)


# --- entry points ---------------------------------------------------------------------


def render_comparison(
    c: Comparison,
    fmt: str = "text",
    lang: str = "sv",
    skipped: Sequence[Problem] = (),
    diff: RuleDiff | None = None,
) -> str:
    """A comparison as ``text``, ``markdown``, ``html`` or ``json``.

    The rows that could not be compared are listed, and ``diff`` (``rules diff``) is
    printed first.
    """
    if fmt == "json":
        data: dict[str, Any] = c.to_dict()
        data["skipped"] = [p.to_dict() for p in skipped]
        if diff is not None:
            from reserverat.rulediff import render_diff

            data["diff"] = json.loads(render_diff(diff, "json"))
        return mask_personal_numbers(
            json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        )
    view = comparison_view(c, lang, skipped, diff)
    if fmt == "html":
        return _comparison_html(view)
    return _comparison_text(view, fmt == "markdown")


def render_sweep(
    s: Sweep, fmt: str = "text", lang: str = "sv", skipped: Sequence[Problem] = ()
) -> str:
    """A sweep as ``text``, ``markdown``, ``html`` or ``json``.

    It gives the counts per value and who changes at each step.
    """
    if fmt == "json":
        data = s.to_dict()
        data["skipped"] = [p.to_dict() for p in skipped]
        return mask_personal_numbers(
            json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        )
    view = sweep_view(s, lang, skipped)
    if fmt == "html":
        return _sweep_html(view)
    return _sweep_text(view, fmt == "markdown")
