"""Renderers: a Result (or a batch of results and errors) as text, JSON or Markdown.

Text and Markdown share one view of a finding, built from the message catalogues,
so Swedish and English are two catalogues for one renderer, not two renderers.
Every renderer masks personal identity numbers in what it writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape as html_escape
from typing import Any

from reserverat.declaration import Declaration
from reserverat.errors import ReserveratError, place_words
from reserverat.evaluate import MapLayer
from reserverat.formats import FORMATS
from reserverat.groups import GroupResult
from reserverat.identifiers import mask_personal_numbers
from reserverat.logic import Verdict
from reserverat.render._view import (
    _LABELS,
    _finding_title,
    _mark_lines,
    _node_lines,
    _outcome_lines,
    _source_line,
    parameter_labels,
)
from reserverat.render.messages import (
    GROUP_WORDS,
    OUTCOME_LABELS,
    VERDICT_LABELS,
    render_message,
)
from reserverat.result import Result
from reserverat.sources import buyer_fetches

__all__ = [
    "FORMATS",
    "Entry",
    "map_layers",
    "render",
    "render_group",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "summary_line",
]


@dataclass(frozen=True)
class Entry:
    """One input of a batch: its source, its Result or error, the declaration if read, and
    the geographic layers to draw (HTML only)."""

    source: str
    outcome: Result | ReserveratError
    declaration: Declaration | None = None
    layers: tuple[MapLayer, ...] = ()
    name: str | None = None
    """The supplier's name as its row gives it, shown also where the row is an error."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", mask_personal_numbers(self.source))
        if self.name is not None:
            object.__setattr__(self, "name", mask_personal_numbers(self.name))


def render_html(
    results: Result | Entry | Iterable[Result | Entry],
    lang: str = "sv",
    heading: Any = None,
    *,
    maps: bool = True,
) -> str:
    """One self-contained HTML document, printable on A4, for one result or several.

    The heading (a :class:`reserverat.render.html.ReportHeading`, optional), a summary page
    when there are several, then a page each; a result that came from
    :func:`reserverat.evaluate` gets the maps of its geographic checks, drawn from the
    positions the evaluation used (``maps=False`` leaves them out).
    """
    from reserverat.render import html as pages

    items = [results] if isinstance(results, Result | Entry) else list(results)
    entries = [
        item if isinstance(item, Entry) else _entry(item, n, maps)
        for n, item in enumerate(items, start=1)
    ]
    return pages.render_html(entries, lang, heading)


def _entry(result: Result, n: int, maps: bool) -> Entry:
    record = result.record
    layers = map_layers(result) if maps else ()
    return Entry(f"#{n}", result, record.decl if record is not None else None, layers)


def map_layers(result: Result) -> tuple[MapLayer, ...]:
    """The maps of what a result's geographic checks used, under the rule set, date and
    context it was decided with (none for a result read back from JSON)."""
    record = result.record
    if record is None:
        return ()
    from reserverat.evaluate import geography

    plan = record.plan
    return geography(
        record.decl,
        plan.rules,
        as_of=plan.as_of,
        context=plan.context,
        procurement=plan.procurement,
    )


def render_text(result: Result, lang: str = "sv") -> str:
    """The result as plain text for a terminal or a case file."""
    labels = _LABELS[lang]
    params = parameter_labels(result)
    fetch = buyer_fetches(result)
    out: list[str] = []
    sup = result.supplier
    out.append(sup.name + (f" ({sup.identifier})" if sup.identifier else ""))
    p = result.provenance
    out.append(
        f"{labels['ruleset']}: {p.ruleset_id} {p.ruleset_version}: {result.ruleset_title.get(lang)}"
    )
    out.append(f"{labels['as_of']}: {p.as_of.isoformat()}")
    out.extend(_outcome_lines(result, lang))
    for w in result.warnings:
        out.append(f"{labels['warning']}: {render_message(w, lang)}")
    for f in result.findings:
        out.append("")
        out.append(f"[{VERDICT_LABELS[lang][f.verdict.value]}] {_finding_title(f, lang)}")
        if f.description is not None:
            out.append(f"    {labels['why']}: {f.description.get(lang)}")
        if f.verdict is Verdict.NOT_APPLICABLE:
            out.append(f"    {labels['not_applicable']}")
        elif f.guard is not None:
            out.append(f"    {labels['guard']}: {render_message(f.guard.reason, lang)}")
        lines = _node_lines(f.explanation, lang, 0, params=params, fetch=fetch)
        for line in lines:
            pad = "    " + "  " * line.depth
            marker = f"[{VERDICT_LABELS[lang][line.verdict]}] " if line.depth else ""
            out.append(f"{pad}{marker}{line.text}")
            for label, text in line.details:
                out.append(f"{pad}  {label}: {text}")
        out.extend(f"    {labels['marks']}: {text}" for text in _mark_lines(f, lang))
        if (basis := _source_line(f, lang)) is not None:
            out.append(f"    {labels['sources']}: {basis}")
        out.append(f"    {labels['source']}: {f.citation.short(lang)}")
    out.append("")
    out.append(
        f"{labels['provenance']}: {p.ruleset_id} {p.ruleset_version} {p.ruleset_hash}; "
        f"reserverat {p.library_version}; {labels['input']} {p.input_hash}"
    )
    return mask_personal_numbers("\n".join(out)) + "\n"


def _md(text: str) -> str:
    """Text from a declaration or a rule file, safe in Markdown: HTML in it stays text."""
    return html_escape(text, quote=False)


def _md_cell(text: str) -> str:
    return _md(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(result: Result, lang: str = "sv") -> str:
    """The result as Markdown: a summary table, then each criterion in detail."""
    labels = _LABELS[lang]
    params = parameter_labels(result)
    fetch = buyer_fetches(result)
    p = result.provenance
    sup = result.supplier
    out = [f"## {_md(sup.name)}" + (f" ({sup.identifier})" if sup.identifier else ""), ""]
    title = _md(result.ruleset_title.get(lang))
    out.append(f"- **{labels['ruleset']}:** {p.ruleset_id} {p.ruleset_version}: {title}")
    out.append(f"- **{labels['as_of']}:** {p.as_of.isoformat()}")
    first, *rest = _outcome_lines(result, lang)
    label, _, value = first.partition(": ")
    out.append(f"- **{label}:** {value}")
    out.extend(f"- {line.strip()}" for line in rest)
    for w in result.warnings:
        out.append(f"- **{labels['warning']}:** {_md(render_message(w, lang))}")
    out += [
        "",
        "| " + " | ".join(labels[k] for k in ("criterion", "verdict", "reason", "source")) + " |",
        "|---|---|---|---|",
    ]
    for f in result.findings:
        cells = (
            _finding_title(f, lang),
            VERDICT_LABELS[lang][f.verdict.value],
            render_message(f.explanation.reason, lang),
            f.citation.short(lang),
        )
        out.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    for f in result.findings:
        out += ["", f"### {_md(_finding_title(f, lang))}", ""]
        if f.description is not None:
            out += [f"*{labels['why']}:* {_md(f.description.get(lang))}", ""]
        for line in _node_lines(f.explanation, lang, 0, params=params, fetch=fetch):
            pad = "  " * line.depth
            out.append(f"{pad}- **{VERDICT_LABELS[lang][line.verdict]}:** {_md(line.text)}")
            for label, text in line.details:
                out.append(f"{pad}  - *{label}:* {_md(text)}")
        out.extend(f"- *{labels['marks']}:* {_md(text)}" for text in _mark_lines(f, lang))
        if (basis := _source_line(f, lang)) is not None:
            out.append(f"- *{labels['sources']}:* {_md(basis)}")
        url = f" <{f.citation.url}>" if f.citation.url else ""
        out.append(f"- *{labels['source']}:* {_md(f.citation.short(lang))}{url}")
    out += [
        "",
        f"*{labels['provenance']}:* `{p.ruleset_id}` {p.ruleset_version} `{p.ruleset_hash}`, "
        f"reserverat {p.library_version}, {labels['input']} `{p.input_hash}`",
    ]
    return mask_personal_numbers("\n".join(out)) + "\n"


def _error_lines(error: ReserveratError, lang: str, name: str | None = None) -> list[str]:
    labels = _LABELS[lang]
    head = [name] if name else []
    return head + [f"{labels['error']}: {problem.text(lang)}" for problem in error.problems]


def render_json(entries: Sequence[Entry]) -> str:
    """A batch as canonical JSON: one object per input, in input order."""
    items: list[dict[str, Any]] = []
    for e in entries:
        if isinstance(e.outcome, Result):
            items.append({"source": e.source, "result": e.outcome.to_dict()})
        else:
            item: dict[str, Any] = {"source": e.source}
            item["errors"] = [p.to_dict() for p in e.outcome.problems]
            if e.name is not None:
                item["supplier"] = e.name
            items.append(item)
    # No mask over the text: it would corrupt numbers that look like birth dates.
    # Identity numbers were masked where they entered (declarations, sources, problems).
    return json.dumps(items, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def render(
    entries: Iterable[Entry], fmt: str = "text", lang: str = "sv", heading: Any = None
) -> str:
    """Render a batch in ``fmt`` (text, json, markdown, html) and ``lang`` (sv, en).

    ``heading`` (a :class:`reserverat.render.html.ReportHeading`) heads the HTML report.
    """
    entries = list(entries)
    if fmt == "json":
        return render_json(entries)
    if fmt == "html":
        from reserverat.render.html import render_html

        return render_html(entries, lang, heading)
    parts: list[str] = []
    for e in entries:
        if isinstance(e.outcome, Result):
            parts.append(
                render_text(e.outcome, lang) if fmt == "text" else render_markdown(e.outcome, lang)
            )
        else:
            lines = _error_lines(e.outcome, lang, e.name)
            if fmt == "markdown":
                where = place_words(e.source, lang)
                title = f"{e.name} ({where})" if e.name else where
                body = lines[1:] if e.name else lines
                lines = [f"## {_md(title)}", "", *(f"- {_md(line)}" for line in body)]
            parts.append(mask_personal_numbers("\n".join(lines)) + "\n")
    sep = "\n" + ("-" * 72 if fmt == "text" else "---") + "\n\n"
    text = sep.join(parts)
    if len(entries) > 1:
        text += sep + summary_line(entries, lang) + "\n"
    return text


_SUMMARY_WORDS = {
    # (one, many) for each count; Swedish adjectives agree in number.
    "sv": {
        "n": ("underlag", "underlag"),
        "qualified": ("kvalificerad", "kvalificerade"),
        "not_qualified": ("inte kvalificerad", "inte kvalificerade"),
        "undecided": ("kan inte avgöras", "kan inte avgöras"),
        "errors": ("med fel", "med fel"),
    },
    "en": {
        "n": ("input", "inputs"),
        "qualified": ("qualified", "qualified"),
        "not_qualified": ("not qualified", "not qualified"),
        "undecided": ("undecided", "undecided"),
        "errors": ("with errors", "with errors"),
    },
}


def count_line(counts: dict[str, int], lang: str = "sv") -> str:
    """``3 underlag: 1 kvalificerad, 2 inte kvalificerade, …``: counts in the right number.

    ``counts`` holds qualified, not_qualified, undecided and errors.
    """
    words = _SUMMARY_WORDS[lang]

    def count(key: str, n: int) -> str:
        return f"{n} {words[key][0 if n == 1 else 1]}"

    keys = ("qualified", "not_qualified", "undecided", "errors")
    parts = ", ".join(count(k, counts[k]) for k in keys)
    return f"{count('n', sum(counts.values()))}: {parts}"


def summary_line(entries: Sequence[Entry], lang: str = "sv") -> str:
    """One line counting a batch's outcomes and errors: every input is counted once."""
    counts = {"qualified": 0, "not_qualified": 0, "undecided": 0, "errors": 0}
    for e in entries:
        key = e.outcome.outcome.value if isinstance(e.outcome, Result) else "errors"
        counts[key] += 1
    return f"{_LABELS[lang]['summary']}: {count_line(counts, lang)}"


def render_group(result: GroupResult, lang: str = "sv") -> str:
    """A group tender's outcome, the policy used, its per-criterion verdicts and each party."""
    words = GROUP_WORDS[lang]
    out = [
        f"{words['group']}: {result.name}",
        f"{_LABELS[lang]['outcome']}: {OUTCOME_LABELS[lang][result.outcome.value]}",
        f"{words['policy']}: {result.policy} ({words[result.policy]})",
        "",
    ]
    for f in result.findings:
        source = words["combined"] if f.source == "combined" else words["each_member"]
        out.append(f"[{VERDICT_LABELS[lang][f.verdict.value]}] {f.criterion}: {source}")
    for m in result.members:
        out += [
            "",
            "-" * 72,
            f"{words[m.role]}: {words['counts'] if m.counts else words['not_counts']}",
            "",
        ]
        out.append(render_text(m.result, lang).rstrip("\n"))
    if result.combined is not None:
        out += [
            "",
            "-" * 72,
            f"{words['combined']}:",
            "",
            render_text(result.combined, lang).rstrip("\n"),
        ]
    return mask_personal_numbers("\n".join(out)) + "\n"
