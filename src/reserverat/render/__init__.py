"""Renderers: a Result (or a batch of results and errors) as text, JSON or Markdown.

Text and Markdown share one view of a finding, built from the message catalogues,
so Swedish and English are two catalogues for one renderer, not two renderers.
Every renderer masks personal identity numbers in what it writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reserverat.declaration import Declaration
from reserverat.errors import ReserveratError
from reserverat.groups import GroupResult
from reserverat.identifiers import mask_personal_numbers
from reserverat.logic import Verdict
from reserverat.render.messages import (
    EVIDENCE,
    GROUP_WORDS,
    OUTCOME_LABELS,
    RISK_WORDS,
    VERDICT_LABELS,
    fmt_value,
    render_message,
)
from reserverat.result import Explanation, Finding, Result

__all__ = [
    "Entry",
    "render",
    "render_group",
    "render_json",
    "render_markdown",
    "render_text",
    "summary_line",
]

FORMATS = ("text", "json", "markdown")

_LABELS = {
    "sv": {
        "ruleset": "Regelverk",
        "as_of": "Bedömningsdag",
        "outcome": "Utfall",
        "source": "Källa",
        "gap": "Avstånd till kravet",
        "evidence": "Begär in",
        "facts": "Uppgifter",
        "params": "Parametrar",
        "note": "Obs",
        "authority": "myndighetens eget villkor, utöver lagen",
        "provenance": "Spårbarhet",
        "input": "indata",
        "criterion": "Kriterium",
        "verdict": "Bedömning",
        "reason": "Motivering",
        "error": "FEL",
        "warning": "Varning",
        "summary": "Sammanfattning",
        "guard": "Villkoret gäller när",
        "not_applicable": "Villkoret gäller inte denna leverantör, eftersom:",
        "why": "Varför det spelar roll",
    },
    "en": {
        "ruleset": "Rule set",
        "as_of": "Evaluation date",
        "outcome": "Outcome",
        "source": "Source",
        "gap": "Distance to passing",
        "evidence": "Ask for",
        "facts": "Facts",
        "params": "Parameters",
        "note": "Note",
        "authority": "authority-specific condition, beyond the statute",
        "provenance": "Provenance",
        "input": "input",
        "criterion": "Criterion",
        "verdict": "Verdict",
        "reason": "Reason",
        "error": "ERROR",
        "warning": "Warning",
        "summary": "Summary",
        "guard": "Applies when",
        "not_applicable": "The condition does not apply to this supplier, because:",
        "why": "Why it matters",
    },
}


@dataclass(frozen=True)
class Entry:
    """One input of a batch: its source, its Result or error, and the declaration if read."""

    source: str
    outcome: Result | ReserveratError
    declaration: Declaration | None = None


def _facts_text(node: Explanation, lang: str) -> str:
    return "; ".join(f"{f.path} = {fmt_value(f.value, lang)}" for f in node.facts)


def _params_text(node: Explanation, lang: str) -> str:
    return "; ".join(f"{f.path} = {fmt_value(f.value, lang)}" for f in node.parameters)


@dataclass(frozen=True)
class _Line:
    depth: int
    verdict: str
    text: str
    details: tuple[tuple[str, str], ...]


def _node_lines(node: Explanation, lang: str, depth: int, relevant: bool = True) -> list[_Line]:
    """Lines for a node and its children; evidence only where it could change the verdict."""
    labels = _LABELS[lang]
    details: list[tuple[str, str]] = []
    if node.gap is not None:
        details.append((labels["gap"], render_message(node.gap, lang)))
    for note in node.notes:
        details.append((labels["note"], render_message(note, lang)))
    if relevant and node.evidence and node.verdict is Verdict.UNDECIDED:
        details.append((labels["evidence"], "; ".join(EVIDENCE[lang][e] for e in node.evidence)))
    if node.facts:
        details.append((labels["facts"], _facts_text(node, lang)))
    if node.parameters:
        details.append((labels["params"], _params_text(node, lang)))
    lines = [_Line(depth, node.verdict.value, render_message(node.reason, lang), tuple(details))]
    # Once a combinator is decided, no missing fact below it can change it.
    below = relevant and node.verdict is Verdict.UNDECIDED
    for child in node.children:
        lines.extend(_node_lines(child, lang, depth + 1, below))
    return lines


def _finding_title(f: Finding, lang: str) -> str:
    title = f"{f.criterion}: {f.title.get(lang)}"
    if f.authority_specific:
        title += f" ({_LABELS[lang]['authority']})"
    return title


def _outcome_lines(result: Result, lang: str) -> list[str]:
    """The outcome, or for a risk assessment its level, what speaks against, and the caveat."""
    labels = _LABELS[lang]
    if result.risk is None:
        return [f"{labels['outcome']}: {OUTCOME_LABELS[lang][result.outcome.value]}"]
    words = RISK_WORDS[lang]
    r = result.risk
    total = len(result.findings)
    lines = [f"{words['label']}: {words[r.level]}"]
    if r.against:
        lines.append(
            "  " + words["against"].format(n=len(r.against), total=total, ids=", ".join(r.against))
        )
    else:
        lines.append("  " + words["none_against"].format(total=total))
    if r.upper != r.level:
        lines.append(
            "  "
            + words["upper"].format(
                upper=words[r.upper], n=len(r.unknown), ids=", ".join(r.unknown)
            )
        )
    lines.append(words["disclaimer"])
    return lines


def render_text(result: Result, lang: str = "sv") -> str:
    """The result as plain text for a terminal or a case file."""
    labels = _LABELS[lang]
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
        lines = _node_lines(f.explanation, lang, 0)
        for line in lines:
            pad = "    " + "  " * line.depth
            marker = f"[{VERDICT_LABELS[lang][line.verdict]}] " if line.depth else ""
            out.append(f"{pad}{marker}{line.text}")
            for label, text in line.details:
                out.append(f"{pad}  {label}: {text}")
        out.append(f"    {labels['source']}: {f.citation.short(lang)}")
    out.append("")
    out.append(
        f"{labels['provenance']}: {p.ruleset_id} {p.ruleset_version} {p.ruleset_hash}; "
        f"reserverat {p.library_version}; {labels['input']} {p.input_hash}"
    )
    return mask_personal_numbers("\n".join(out)) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(result: Result, lang: str = "sv") -> str:
    """The result as Markdown: a summary table, then each criterion in detail."""
    labels = _LABELS[lang]
    p = result.provenance
    sup = result.supplier
    out = [f"## {sup.name}" + (f" ({sup.identifier})" if sup.identifier else ""), ""]
    title = result.ruleset_title.get(lang)
    out.append(f"- **{labels['ruleset']}:** {p.ruleset_id} {p.ruleset_version}: {title}")
    out.append(f"- **{labels['as_of']}:** {p.as_of.isoformat()}")
    first, *rest = _outcome_lines(result, lang)
    label, _, value = first.partition(": ")
    out.append(f"- **{label}:** {value}")
    out.extend(f"- {line.strip()}" for line in rest)
    for w in result.warnings:
        out.append(f"- **{labels['warning']}:** {render_message(w, lang)}")
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
        out += ["", f"### {_finding_title(f, lang)}", ""]
        if f.description is not None:
            out += [f"*{labels['why']}:* {f.description.get(lang)}", ""]
        for line in _node_lines(f.explanation, lang, 0):
            pad = "  " * line.depth
            out.append(f"{pad}- **{VERDICT_LABELS[lang][line.verdict]}:** {line.text}")
            for label, text in line.details:
                out.append(f"{pad}  - *{label}:* {text}")
        url = f" <{f.citation.url}>" if f.citation.url else ""
        out.append(f"- *{labels['source']}:* {f.citation.short(lang)}{url}")
    out += [
        "",
        f"*{labels['provenance']}:* `{p.ruleset_id}` {p.ruleset_version} `{p.ruleset_hash}`, "
        f"reserverat {p.library_version}, {labels['input']} `{p.input_hash}`",
    ]
    return mask_personal_numbers("\n".join(out)) + "\n"


def _error_lines(error: ReserveratError, lang: str) -> list[str]:
    labels = _LABELS[lang]
    return [f"{labels['error']}: {problem}" for problem in error.problems]


def render_json(entries: Sequence[Entry]) -> str:
    """A batch as canonical JSON: one object per input, in input order."""
    items: list[dict[str, Any]] = []
    for e in entries:
        if isinstance(e.outcome, Result):
            items.append({"source": e.source, "result": e.outcome.to_dict()})
        else:
            items.append({"source": e.source, "errors": [p.to_dict() for p in e.outcome.problems]})
    text = json.dumps(items, sort_keys=True, ensure_ascii=False, indent=2)
    return mask_personal_numbers(text) + "\n"


def render(entries: Iterable[Entry], fmt: str = "text", lang: str = "sv") -> str:
    """Render a batch in ``fmt`` (text, json, markdown) and ``lang`` (sv, en)."""
    entries = list(entries)
    if fmt == "json":
        return render_json(entries)
    parts: list[str] = []
    for e in entries:
        if isinstance(e.outcome, Result):
            parts.append(
                render_text(e.outcome, lang) if fmt == "text" else render_markdown(e.outcome, lang)
            )
        else:
            lines = _error_lines(e.outcome, lang)
            if fmt == "markdown":
                lines = [f"## {e.source}", "", *(f"- {line}" for line in lines)]
            parts.append(mask_personal_numbers("\n".join(lines)) + "\n")
    sep = "\n" + ("-" * 72 if fmt == "text" else "---") + "\n\n"
    text = sep.join(parts)
    if len(entries) > 1:
        text += sep + summary_line(entries, lang) + "\n"
    return text


_SUMMARY = {
    "sv": "{label}: {n} underlag: {qualified} kvalificerade, {not_qualified} inte kvalificerade, "
    "{undecided} kan inte avgöras, {errors} med fel",
    "en": "{label}: {n} inputs: {qualified} qualified, {not_qualified} not qualified, "
    "{undecided} undecided, {errors} with errors",
}


def summary_line(entries: Sequence[Entry], lang: str = "sv") -> str:
    """One line counting a batch's outcomes and errors: every input is counted once."""
    counts = {"qualified": 0, "not_qualified": 0, "undecided": 0, "errors": 0}
    for e in entries:
        key = e.outcome.outcome.value if isinstance(e.outcome, Result) else "errors"
        counts[key] += 1
    return _SUMMARY[lang].format(label=_LABELS[lang]["summary"], n=len(entries), **counts)


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
