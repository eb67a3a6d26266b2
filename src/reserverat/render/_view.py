"""The view of a result that every renderer shares: labels, lines, titles, outcome lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from reserverat.labels import PARAMETERS, fact_label
from reserverat.logic import Verdict
from reserverat.render.messages import (
    EVIDENCE,
    FACT_WORDS,
    OUTCOME_LABELS,
    RISK_WORDS,
    fmt_as,
    fmt_param,
    fmt_value,
    render_message,
)
from reserverat.result import Explanation, Finding, Result

_LABELS = {
    "sv": {
        "ruleset": "Regelverk",
        "as_of": "Bedömningsdag",
        "outcome": "Utfall",
        "source": "Källa",
        "gap": "Avstånd till kravet",
        "evidence": "Begär in",
        "fetch": "Hämta själva ur offentliga register i stället för att begära in",
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
        "marks": "Grund",
        "sources": "Underlag",
        "advisory": "rådgivande, avgör inte utfallet",
    },
    "en": {
        "ruleset": "Rule set",
        "as_of": "Evaluation date",
        "outcome": "Outcome",
        "source": "Source",
        "gap": "Distance to passing",
        "evidence": "Ask for",
        "fetch": "Fetch yourselves from public registers instead of asking",
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
        "marks": "Basis",
        "sources": "Facts rest on",
        "advisory": "advisory, does not decide the outcome",
    },
}


def _facts_text(node: Explanation, lang: str) -> str:
    """Facts as labelled values in words: "Sysselsatta › anställda › antal personer: 8"."""
    parts = []
    for f in node.facts:
        value = f.value
        if isinstance(value, str):
            shown = FACT_WORDS[lang].get(value) or fmt_as(value, "word", lang)
        else:
            shown = fmt_value(value, lang)
        parts.append(f"{fact_label(f.path, lang)}: {shown}")
    return "; ".join(parts)


_ParamLabels = Mapping[str, tuple[str, str, str | None]]


def parameter_labels(result: Result) -> _ParamLabels:
    """The labels and units of the parameters of the result's own rule set (id and version):
    from the rule set if it was built in this process or is built in, else {}."""
    key = (result.provenance.ruleset_id, result.provenance.ruleset_version)
    if key not in PARAMETERS:
        from reserverat.errors import ReserveratError
        from reserverat.loading import load_ruleset

        try:
            load_ruleset(f"{key[0]}@{key[1]}")  # its validator records its labels
        except ReserveratError:
            return {}
    return PARAMETERS.get(key, {})


def _params_text(node: Explanation, lang: str, params: _ParamLabels) -> str:
    """Parameters by their labels, in their units: "lägsta andel i målgrupperna: 30 %"."""
    parts = []
    for f in node.parameters:
        known = params.get(f.path) or _param_catalogue().get(f.path)
        label_sv, label_en, unit = known or (f.path, f.path, None)
        shown = fmt_param(f.value, unit, lang)
        parts.append(f"{label_sv if lang == 'sv' else label_en}: {shown}")
    return "; ".join(parts)


@cache
def _param_catalogue() -> dict[str, tuple[str, str, str | None]]:
    """Every built-in rule set's parameters by name: their labels and units.

    Only for a result whose rule set is neither built in nor built in this process (read
    from JSON): a built-in rule set's label for the same name serves it (a name no built-in
    rule set has is shown as itself). Loading them all takes a moment.
    """
    from reserverat.loading import list_rulesets, load_ruleset

    out: dict[str, tuple[str, str, str | None]] = {}
    for info in list_rulesets():
        rules = load_ruleset(f"{info.id}@{info.version}")
        for name, p in rules.parameters.items():
            out.setdefault(name, (p.display_label("sv", name), p.display_label("en", name), p.unit))
    return out


@dataclass(frozen=True)
class _Line:
    depth: int
    verdict: str
    text: str
    details: tuple[tuple[str, str], ...]


def _node_lines(
    node: Explanation,
    lang: str,
    depth: int,
    relevant: bool = True,
    params: _ParamLabels | None = None,
    fetch: frozenset[str] = frozenset(),
) -> list[_Line]:
    """Lines for a node and its children; evidence only where it could change the verdict.

    ``params`` are the labels of the rule set's parameters (:func:`parameter_labels`);
    ``fetch`` the evidence the buyer can fetch itself, said apart from what to ask for."""
    labels = _LABELS[lang]
    details: list[tuple[str, str]] = []
    if node.gap is not None:
        details.append((labels["gap"], render_message(node.gap, lang)))
    for note in node.notes:
        details.append((labels["note"], render_message(note, lang)))
    if relevant and node.evidence and node.verdict is Verdict.UNDECIDED:
        ask = [EVIDENCE[lang][e] for e in node.evidence if e not in fetch]
        own = [EVIDENCE[lang][e] for e in node.evidence if e in fetch]
        if ask:
            details.append((labels["evidence"], "; ".join(ask)))
        if own:
            details.append((labels["fetch"], "; ".join(own)))
    if node.facts:
        details.append((labels["facts"], _facts_text(node, lang)))
    if node.parameters:
        details.append((labels["params"], _params_text(node, lang, params or {})))
    lines = [_Line(depth, node.verdict.value, render_message(node.reason, lang), tuple(details))]
    # Once a combinator is decided, no missing fact below it can change it.
    below = relevant and node.verdict is Verdict.UNDECIDED
    for child in node.children:
        lines.extend(_node_lines(child, lang, depth + 1, below, params, fetch))
    return lines


def _finding_title(f: Finding, lang: str) -> str:
    return f"{f.criterion}: {_finding_name(f, lang)}"


def _finding_name(f: Finding, lang: str) -> str:
    """The criterion's title in words, with what kind of condition it is; no id."""
    title = f.title.get(lang)
    if f.authority_specific:
        title += f" ({_LABELS[lang]['authority']})"
    if f.advisory:
        title += f" ({_LABELS[lang]['advisory']})"
    return title


def _source_line(f: Finding, lang: str) -> str | None:
    """What the finding's facts rest on, weakest first, where any source was named or asked
    for: "enligt egen försäkran; personalförteckning …, daterad 2024-02-01"."""
    if not f.sources:
        return None
    from reserverat.sources import source_words

    return "; ".join(source_words(u, lang) for u in f.sources)


def _mark_lines(f: Finding, lang: str) -> list[str]:
    """The finding's marks as sentences: where the rule or a value is not the law's own."""
    return [render_message(m, lang) for m in f.marks]


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
