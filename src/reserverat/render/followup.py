"""A contract's follow-up as text, JSON or an HTML page with a timeline per supplier.

Text and HTML say the same sentences: both are built from one view (:func:`_supplier_view`)
in the reader's language, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from reserverat.errors import Problem, place_words
from reserverat.identifiers import mask_personal_numbers
from reserverat.render.comparison import _cut
from reserverat.render.html import _e
from reserverat.render.messages import (
    EVIDENCE,
    OUTCOME_LABELS,
    VERDICT_LABELS,
    render_message,
)
from reserverat.result import message_json

if TYPE_CHECKING:
    from reserverat.followup import Action, Change, FollowUp, Point, SupplierFollowUp
    from reserverat.result import Message
    from reserverat.ruleset import RuleSet

__all__ = ["follow_up_dict", "render_follow_up"]

_WORDS = {
    "sv": {
        "title": "Uppföljning av reserverat kontrakt",
        "contract": "Kontrakt",
        "awarded": "Tilldelat",
        "term": "Löptid",
        "open_end": "tills vidare",
        "cadence": "Ny försäkran",
        "as_of": "Uppföljningsdag",
        "basis": "Grund",
        "rules": "Regelverk",
        "at_award": "vid tilldelningen",
        "from": "från",
        "newer": "Jämförs med",
        "summary_some": "Behöver åtgärd nu: {n} av {total} leverantörer.",
        "summary_none": "Ingen leverantör behöver åtgärd nu ({total} följs upp).",
        "now": "Läge på uppföljningsdagen",
        "now_of": "senaste försäkran {on}, bedömd {as_of}",
        "none_yet": "ingen försäkran",
        "action": "Åtgärd",
        "no_action": "Ingen åtgärd behövs nu.",
        "points": "Försäkringar",
        "by_reference": "daterad efter arbetsstyrkans referensdag",
        "sent_twice": "samma försäkran även i",
        "criteria": "Per kriterium",
        "outcome_row": "Utfall",
        "stopped": "slutade gälla mellan {held} (uppfyllt) och {lapse}",
        "unproven": "kunde inte längre visas mellan {held} (uppfyllt) och {lapse}",
        "recovered": "uppfyllt igen {on}",
        "changes": "Ändringar",
        "no_changes": "Inga ändringar mellan försäkringarna.",
        "outcome_word": "utfallet",
        "before": "före",
        "after": "efter",
        "gaps": "Saknade perioder",
        "gap": "{start} – {end}: ingen försäkran under perioden",
        "gap_many": "{start} – {end}: ingen försäkran under {n} perioder i rad",
        "newer_head": "Med {rules} i stället",
        "newer_none": "Med {rules} i stället: ingen skillnad.",
        "errors": "Kunde inte användas",
        "warnings": "Varningar",
        "not_in_contract": "inte bland kontraktets leverantörer",
        "qualification": "kvalificering",
        "follow_up": "uppföljning",
        "cause_facts": "uppgifterna ändrades",
        "cause_rules": "regelverket ändrades",
        "cause_stage": "uppföljningen kräver mer än kvalificeringen",
        "followup.not_met": "villkoren uppfylls inte: {criteria}",
        "followup.not_met_since": "villkoren uppfylls inte: {criteria}; de slutade gälla "
        "senast {since}",
        "followup.undecided": "kan inte avgöras med det som finns: begär in {evidence}",
        "followup.fetch": "hämta själva (leverantören behöver inte skicka det): {evidence}",
        "followup.undecided_bare": "kan inte avgöras med det som finns",
        "followup.overdue": "ingen försäkran för perioden {start} – {end}; den skulle ha "
        "kommit senast {end}",
        "followup.conflict": "{n} försäkringar daterade {on} säger olika saker: be leverantören "
        "dra tillbaka den som inte gäller",
        "followup.no_declarations": "ingen försäkran har kommit in",
        "legend": "Förklaring",
        "gap_legend": "försäkran saknas",
        "today": "uppföljningsdagen",
        "amended": "ändring",
        "chart": "Tidslinje för {who}",
        "absent": "finns inte i regelverket",
    },
    "en": {
        "title": "Follow-up of a reserved contract",
        "contract": "Contract",
        "awarded": "Awarded",
        "term": "Term",
        "open_end": "until further notice",
        "cadence": "New declaration",
        "as_of": "Follow-up date",
        "basis": "Basis",
        "rules": "Rule set",
        "at_award": "at award",
        "from": "from",
        "newer": "Compared with",
        "summary_some": "Need action now: {n} of {total} suppliers.",
        "summary_none": "No supplier needs action now ({total} followed up).",
        "now": "On the follow-up date",
        "now_of": "latest declaration {on}, assessed {as_of}",
        "none_yet": "no declaration",
        "action": "Action",
        "no_action": "No action needed now.",
        "points": "Declarations",
        "by_reference": "dated by the workforce's reference date",
        "sent_twice": "the same declaration also in",
        "criteria": "By criterion",
        "outcome_row": "Outcome",
        "stopped": "stopped holding between {held} (met) and {lapse}",
        "unproven": "could no longer be shown between {held} (met) and {lapse}",
        "recovered": "met again {on}",
        "changes": "Changes",
        "no_changes": "No changes between the declarations.",
        "outcome_word": "the outcome",
        "before": "before",
        "after": "after",
        "gaps": "Missing periods",
        "gap": "{start} – {end}: no declaration in the period",
        "gap_many": "{start} – {end}: no declaration in {n} periods in a row",
        "newer_head": "With {rules} instead",
        "newer_none": "With {rules} instead: no difference.",
        "errors": "Could not be used",
        "warnings": "Warnings",
        "not_in_contract": "not among the contract's suppliers",
        "qualification": "qualification",
        "follow_up": "follow-up",
        "cause_facts": "the facts changed",
        "cause_rules": "the rule set changed",
        "cause_stage": "follow-up asks for more than qualification",
        "followup.not_met": "the conditions are not met: {criteria}",
        "followup.not_met_since": "the conditions are not met: {criteria}; they stopped "
        "holding by {since}",
        "followup.undecided": "cannot be decided on what is at hand: ask for {evidence}",
        "followup.fetch": "fetch yourselves (the supplier need not send it): {evidence}",
        "followup.undecided_bare": "cannot be decided on what is at hand",
        "followup.overdue": "no declaration for the period {start} – {end}; it was due by {end}",
        "followup.conflict": "{n} declarations dated {on} disagree: ask the supplier to "
        "withdraw the one that does not apply",
        "followup.no_declarations": "no declaration has come in",
        "legend": "Key",
        "gap_legend": "declaration missing",
        "today": "follow-up date",
        "amended": "amendment",
        "chart": "Timeline for {who}",
        "absent": "not in the rule set",
    },
}


def _cadence(months: int, lang: str) -> str:
    if lang == "sv":
        if months == 1:
            return "varje månad"
        suffix = ":a" if months % 10 in (1, 2) and months % 100 not in (11, 12) else ":e"
        return f"var {months}{suffix} månad"
    return "every month" if months == 1 else f"every {months} months"


def _verdict(code: str, lang: str) -> str:
    if code == "absent":
        return _WORDS[lang]["absent"]
    return VERDICT_LABELS[lang][code]


def _who(name: str, identifier: str | None) -> str:
    return f"{name} ({identifier})" if identifier else name


def _action_text(a: Action, fu: SupplierFollowUp, lang: str) -> str:
    w = _WORDS[lang]
    args = a.args
    if a.code == "followup.not_met":
        titles = {
            f.criterion: f.title.get(lang) for f in (fu.current.findings if fu.current else ())
        }
        criteria = "; ".join(titles.get(c, c) for c in args["criteria"])
        if args.get("since") is not None:
            return w["followup.not_met_since"].format(
                criteria=criteria, since=args["since"].isoformat()
            )
        return w["followup.not_met"].format(criteria=criteria)
    if a.code == "followup.undecided":

        def names(codes: Sequence[str]) -> str:
            return "; ".join(EVIDENCE[lang].get(e, e) for e in codes)

        said = [w["followup.undecided"].format(evidence=names(args["evidence"]))]
        if not args["evidence"]:
            said = [w["followup.undecided_bare"]]
        if args.get("fetch"):
            said.append(w["followup.fetch"].format(evidence=names(args["fetch"])))
        return "; ".join(said)
    if a.code == "followup.overdue":
        return w[a.code].format(start=args["start"].isoformat(), end=args["end"].isoformat())
    if a.code == "followup.conflict":
        return w[a.code].format(n=args["n"], on=args["on"].isoformat())
    return w[a.code]


def _runs(states: Sequence[tuple[date, str]], lang: str) -> str:
    """Verdicts over time, runs of the same verdict joined: "uppfyllt (2024-02-01 –
    2024-09-01), ej uppfyllt (2025-03-01)"."""
    runs: list[list[Any]] = []
    for day, verdict in states:
        if runs and runs[-1][0] == verdict:
            runs[-1][2] = day
        else:
            runs.append([verdict, day, day])
    out = []
    for verdict, first, last in runs:
        span = first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"
        out.append(f"{_verdict(verdict, lang)} ({span})")
    return ", ".join(out)


def _message(m: Message | None, lang: str) -> str:
    return render_message(m, lang) if m is not None else "–"


def _change_lines(c: Change, lang: str) -> list[str]:
    w = _WORDS[lang]
    if c.criterion is None:
        what = w["outcome_word"]
        before = OUTCOME_LABELS[lang][c.before]
        after = OUTCOME_LABELS[lang][c.after]
    else:
        what = c.title.get(lang) if c.title is not None else c.criterion
        before, after = _verdict(c.before, lang), _verdict(c.after, lang)
    head = (
        f"{c.before_on.isoformat()} → {c.on.isoformat()}, {what}: {before} → {after} "
        f"({w['cause_' + c.cause]})"
    )
    lines = [head]
    for a, b in c.reasons:
        lines.append(f"  {w['before']}: {_message(a, lang)}")
        lines.append(f"  {w['after']}: {_message(b, lang)}")
    return lines


def _point_line(p: Point, lang: str) -> str:
    w = _WORDS[lang]
    extra = [f"{p.requirement.label}, {w[p.stage]}"]
    if p.basis == "reference_date":
        extra.append(w["by_reference"])
    line = (
        f"{p.on.isoformat()}: {OUTCOME_LABELS[lang][p.result.outcome.value]} "
        f"({'; '.join(extra)}) [{place_words(p.source, lang)}]"
    )
    others = [s for s in p.sources if s != p.source]
    if others:
        line += f"; {w['sent_twice']} {', '.join(place_words(s, lang) for s in others)}"
    return line


@dataclass(frozen=True)
class _Section:
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class _SupplierView:
    who: str
    anchor: str
    needs_action: bool
    now: str
    actions: tuple[str, ...]
    sections: tuple[_Section, ...]


def _supplier_view(
    fu: SupplierFollowUp, n: int, lang: str, newer_label: str | None
) -> _SupplierView:
    w = _WORDS[lang]
    who = _who(fu.supplier, fu.identifier)
    if not fu.in_contract:
        who += f" ({w['not_in_contract']})"
    if fu.current is not None:
        last = fu.points[-1]
        of = w["now_of"].format(
            on=last.on.isoformat(), as_of=fu.current.provenance.as_of.isoformat()
        )
        now = f"{w['now']}: {OUTCOME_LABELS[lang][fu.current.outcome.value]} ({of})"
    else:
        now = f"{w['now']}: {w['none_yet']}"
    actions = tuple(_action_text(a, fu, lang) for a in fu.actions)
    sections = []
    if fu.points:
        sections.append(_Section(w["points"], tuple(_point_line(p, lang) for p in fu.points)))
        crit_lines = []
        for ln in fu.lines:
            crit_lines.append(f"{ln.title.get(lang)}: {_runs(ln.states, lang)}")
            if ln.first_lapse is not None and ln.last_held is not None:
                said = w["stopped" if ln.lapsed_to == "not_met" else "unproven"].format(
                    held=ln.last_held.isoformat(), lapse=ln.first_lapse.isoformat()
                )
                if ln.recovered is not None:
                    said += "; " + w["recovered"].format(on=ln.recovered.isoformat())
                crit_lines.append("  " + said)
        sections.append(_Section(w["criteria"], tuple(crit_lines)))
        if len(fu.points) > 1:
            changes = [line for c in fu.changes for line in _change_lines(c, lang)]
            sections.append(_Section(w["changes"], tuple(changes or [w["no_changes"]])))
    if fu.gaps:
        gap_lines = tuple(
            w["gap" if g.periods == 1 else "gap_many"].format(
                start=g.start.isoformat(), end=g.end.isoformat(), n=g.periods
            )
            for g in fu.gaps
        )
        sections.append(_Section(w["gaps"], gap_lines))
    if newer_label is not None and fu.points:
        if fu.newer:
            lines = []
            for nc in fu.newer:
                lines.append(
                    f"{nc.on.isoformat()}: {OUTCOME_LABELS[lang][nc.before]} → "
                    f"{OUTCOME_LABELS[lang][nc.after]}"
                )
                for _, title, va, vb, ra, rb in nc.criteria:
                    lines.append(
                        f"  {title.get(lang)}: {_verdict(va, lang)} → {_verdict(vb, lang)}"
                    )
                    lines.append(f"    {w['before']}: {_message(ra, lang)}")
                    lines.append(f"    {w['after']}: {_message(rb, lang)}")
            sections.append(_Section(w["newer_head"].format(rules=newer_label), tuple(lines)))
        else:
            sections.append(_Section(w["newer_none"].format(rules=newer_label), ()))
    return _SupplierView(who, f"s{n}", fu.needs_action, now, actions, tuple(sections))


def _head_items(f: FollowUp, lang: str) -> list[tuple[str, str]]:
    w = _WORDS[lang]
    c = f.contract
    items = [(w["contract"], f"{c.id}: {c.title}" if c.title else c.id)]
    items.append((w["awarded"], c.awarded.isoformat()))
    start = (c.start or c.awarded).isoformat()
    items.append((w["term"], f"{start} – {c.end.isoformat() if c.end else w['open_end']}"))
    if c.follow_up_every_months is not None:
        items.append((w["cadence"], _cadence(c.follow_up_every_months, lang)))
    items.append((w["as_of"], f.as_of.isoformat()))
    rules = []
    for i, r in enumerate(f.requirements):
        if i == 0:
            rules.append(f"{r.label} {w['at_award']} ({r.since.isoformat()})")
        else:
            note = f" ({r.note})" if r.note else ""
            rules.append(f"{w['from']} {r.since.isoformat()}: {r.label}{note}")
    items.append((w["rules"], "; ".join(rules)))
    if f.newer is not None:
        items.append((w["newer"], _label(f)))
    from reserverat.followup import CITATION

    items.append((w["basis"], CITATION.get(lang)))
    return items


def _label(f: FollowUp) -> str:
    assert f.newer is not None
    return f"{f.newer.id} {f.newer.version}".strip()


def _summary(f: FollowUp, lang: str) -> str:
    w = _WORDS[lang]
    n, total = len(f.needing_action), len(f.suppliers)
    return w["summary_some" if n else "summary_none"].format(n=n, total=total)


def _problem_lines(problems: Sequence[Problem], lang: str) -> list[str]:
    return [p.text(lang) for p in problems]


def _text(f: FollowUp, lang: str) -> str:
    w = _WORDS[lang]
    lines = [w["title"], ""]
    lines += [f"{k}: {v}" for k, v in _head_items(f, lang)]
    lines += ["", _summary(f, lang)]
    newer = _label(f) if f.newer is not None else None
    views = [_supplier_view(s, n, lang, newer) for n, s in enumerate(f.suppliers, start=1)]
    for v in views:
        if v.needs_action:
            lines.append(f"  - {v.who}: {'; '.join(v.actions)}")
    for v in views:
        lines += ["", f"== {v.who} ==", v.now]
        if v.actions:
            lines += [f"{w['action']}: {a}" for a in v.actions]
        else:
            lines.append(w["no_action"])
        for s in v.sections:
            lines.append(f"{s.heading}:" if s.lines else s.heading)
            lines += [f"  {line}" for line in s.lines]
    if f.errors:
        lines += ["", f"{w['errors']}:"] + [f"  {t}" for t in _problem_lines(f.errors, lang)]
    if f.warnings:
        lines += ["", f"{w['warnings']}:"] + [f"  {t}" for t in _problem_lines(f.warnings, lang)]
    return mask_personal_numbers("\n".join(lines)) + "\n"


# ---- JSON ----------------------------------------------------------------------------------


def _msg(m: Message | None, lang: str) -> dict[str, Any] | None:
    """A reason as a stored result writes it (its arguments tagged), with its sentence."""
    data = message_json(m)
    return None if data is None or m is None else {**data, "text": render_message(m, lang)}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool | int | str) or value is None:
        return value
    return str(value)


def _ruleset(rules: RuleSet) -> dict[str, str]:
    return {"id": rules.id, "version": rules.version, "hash": rules.content_hash}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def follow_up_dict(f: FollowUp, lang: str = "sv") -> dict[str, Any]:
    """The follow-up as JSON-ready data, with every sentence also in ``lang``."""
    from reserverat.followup import FOLLOW_UP_SCHEMA_ID, _verdicts

    def supplier(s: SupplierFollowUp) -> dict[str, Any]:
        return {
            "supplier": s.supplier,
            "identifier": s.identifier,
            "in_contract": s.in_contract,
            "needs_action": s.needs_action,
            "actions": [
                {"code": a.code, "args": _plain(a.args), "text": _action_text(a, s, lang)}
                for a in s.actions
            ],
            "current": None
            if s.current is None
            else {
                "as_of": s.current.provenance.as_of.isoformat(),
                "outcome": s.current.outcome.value,
                "criteria": _verdicts(s.current),
            },
            "points": [
                {
                    "on": p.on.isoformat(),
                    "dated_by": p.basis,
                    "source": p.source,
                    "sources": list(p.sources),
                    "stage": p.stage,
                    "ruleset": _ruleset(p.requirement.rules),
                    "input_hash": p.result.provenance.input_hash,
                    "outcome": p.result.outcome.value,
                    "criteria": _verdicts(p.result),
                }
                for p in s.points
            ],
            "criteria": [
                {
                    "id": ln.criterion,
                    "title": ln.title.get(lang),
                    "states": [{"on": d.isoformat(), "verdict": v} for d, v in ln.states],
                    "first_lapse": _iso(ln.first_lapse),
                    "last_held": _iso(ln.last_held),
                    "lapsed_to": ln.lapsed_to,
                    "recovered": _iso(ln.recovered),
                }
                for ln in s.lines
            ],
            "changes": [
                {
                    "from": c.before_on.isoformat(),
                    "to": c.on.isoformat(),
                    "criterion": c.criterion,
                    "before": c.before,
                    "after": c.after,
                    "cause": c.cause,
                    "reasons": [
                        {"before": _msg(a, lang), "after": _msg(b, lang)} for a, b in c.reasons
                    ],
                }
                for c in s.changes
            ],
            "gaps": [
                {
                    "start": g.start.isoformat(),
                    "end": g.end.isoformat(),
                    "periods": g.periods,
                    "open": g.open,
                }
                for g in s.gaps
            ],
            "conflicts": [
                {"on": c.on.isoformat(), "sources": list(c.sources)} for c in s.conflicts
            ],
            "newer": [
                {
                    "on": nc.on.isoformat(),
                    "before": nc.before,
                    "after": nc.after,
                    "criteria": [
                        {
                            "id": cid,
                            "before": va,
                            "after": vb,
                            "reason_before": _msg(ra, lang),
                            "reason_after": _msg(rb, lang),
                        }
                        for cid, _, va, vb, ra, rb in nc.criteria
                    ],
                }
                for nc in s.newer
            ],
        }

    c = f.contract
    return {
        "schema": FOLLOW_UP_SCHEMA_ID,
        "contract": {
            "id": c.id,
            "title": c.title,
            "awarded": c.awarded.isoformat(),
            "start": _iso(c.start),
            "end": _iso(c.end),
            "follow_up_every_months": c.follow_up_every_months,
        },
        "as_of": f.as_of.isoformat(),
        "requirements": [
            {
                "from": r.since.isoformat(),
                "ruleset": {
                    "id": r.rules.id,
                    "version": r.rules.version,
                    "hash": r.rules.content_hash,
                },
                "note": r.note,
            }
            for r in f.requirements
        ],
        "newer": None if f.newer is None else _ruleset(f.newer),
        "needing_action": len(f.needing_action),
        "suppliers": [supplier(s) for s in f.suppliers],
        "errors": [p.to_dict() for p in f.errors],
        "warnings": [p.to_dict() for p in f.warnings],
    }


# ---- HTML ----------------------------------------------------------------------------------

_CSS = """
figure.timeline { margin: 2mm 0 4mm; }
figure.timeline svg { width: 100%; height: auto; }
svg text { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 11px;
  fill: #111; }
.v-met, .v-qualified { fill: #1b7a33; } .v-not_met, .v-not_qualified { fill: #b3261e; }
.v-undecided { fill: #c18a00; } .v-not_applicable { fill: #9e9e9e; }
line.axis { stroke: #666; stroke-width: 1; } line.tick { stroke: #bbb; stroke-width: 1; }
line.today { stroke: #111; stroke-width: 1.5; stroke-dasharray: 4 2; }
line.amended { stroke: #3559a8; stroke-width: 1.5; stroke-dasharray: 2 2; }
circle.point { fill: #fff; stroke: #111; stroke-width: 1.2; }
ul.actions li { font-weight: bold; }
section.supplier.action h2 { color: #b3261e; }
"""


def _timeline(f: FollowUp, s: SupplierFollowUp, n: int, lang: str) -> str:
    """An inline SVG: a row for the outcome and one per criterion, a bar per declaration up
    to the next (or the follow-up date), hatching where a declaration is missing.

    Each bar is a ``rect.seg`` with its row, verdict and days as data attributes, so that a
    test can read them from the DOM of the rendered page.
    """
    w = _WORDS[lang]
    c = f.contract
    points = s.points
    first = min([c.start or c.awarded, *(p.on for p in points), *(x.on for x in s.conflicts)])
    last = max([f.as_of, *(p.on for p in points)])
    span = max((last - first).days, 1)
    label_w, x1, row_h, gap, top = 235, 690, 16, 6, 22
    width = x1 - label_w

    def x(day: date) -> float:
        return label_w + width * (day - first).days / span

    rows: list[tuple[str, str, list[tuple[date, str]]]] = [
        ("outcome", w["outcome_row"], [(p.on, p.result.outcome.value) for p in points])
    ]
    rows += [(ln.criterion, ln.title.get(lang), list(ln.states)) for ln in s.lines]
    height = top + len(rows) * (row_h + gap) + 44
    who = _who(s.supplier, s.identifier)
    parts = [
        f'<figure class="timeline" data-supplier="{n}">',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 700 {height}" role="img" '
        f'aria-label="{_e(w["chart"].format(who=who))}">',
        f'<defs><pattern id="hatch-{n}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3f3f3"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#999" stroke-width="2"/></pattern></defs>',
    ]
    bottom = top + len(rows) * (row_h + gap)
    for year in range(first.year + 1, last.year + 1):
        tx = x(date(year, 1, 1))
        parts.append(
            f'<line class="tick" x1="{tx:.1f}" y1="{top - 4}" x2="{tx:.1f}" y2="{bottom}"/>'
            f'<text x="{tx:.1f}" y="{bottom + 14}" text-anchor="middle">{year}</text>'
        )
    for g in s.gaps:
        gx0, gx1 = x(g.start), x(min(g.end + timedelta(days=1), last))
        parts.append(
            f'<rect class="gap" data-start="{g.start.isoformat()}" '
            f'data-end="{g.end.isoformat()}" x="{gx0:.1f}" y="{top - 4}" '
            f'width="{max(gx1 - gx0, 1):.1f}" height="{bottom - top + 4}" fill="url(#hatch-{n})">'
            f"<title>{_e(w['gap_legend'])}</title></rect>"
        )
    for i, (row, label, states) in enumerate(rows):
        y = top + i * (row_h + gap)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + row_h - 4}" text-anchor="end">'
            f"<title>{_e(label)}</title>{_e(_cut(label, 34))}</text>"
        )
        for k, (day, verdict) in enumerate(states):
            # A bar runs to the next declaration, or to where one went missing: what held
            # in a missing period is not known.
            end = min(
                [states[k + 1][0] if k + 1 < len(states) else f.as_of]
                + [g.start for g in s.gaps if g.start > day]
            )
            sx0, sx1 = x(day), x(end)
            words = OUTCOME_LABELS[lang][verdict] if row == "outcome" else _verdict(verdict, lang)
            parts.append(
                f'<rect class="seg v-{_e(verdict)}" data-row="{_e(row)}" '
                f'data-verdict="{_e(verdict)}" data-from="{day.isoformat()}" '
                f'data-to="{end.isoformat()}" x="{sx0:.1f}" y="{y}" '
                f'width="{max(sx1 - sx0, 2):.1f}" height="{row_h}">'
                f"<title>{_e(label)}: {_e(words)} ({day.isoformat()} – {end.isoformat()})"
                "</title></rect>"
            )
            parts.append(f'<circle class="point" cx="{sx0:.1f}" cy="{y + row_h / 2}" r="2.5"/>')
    for r in f.requirements[1:]:
        if first <= r.since <= last:
            ax = x(r.since)
            parts.append(
                f'<line class="amended" x1="{ax:.1f}" y1="{top - 8}" x2="{ax:.1f}" y2="{bottom}">'
                f"<title>{_e(w['amended'])} {r.since.isoformat()}: {_e(r.label)}</title></line>"
            )
    tx = x(f.as_of)
    parts.append(
        f'<line class="today" x1="{tx:.1f}" y1="{top - 8}" x2="{tx:.1f}" y2="{bottom}">'
        f"<title>{_e(w['today'])} {f.as_of.isoformat()}</title></line>"
        f'<line class="axis" x1="{label_w}" y1="{bottom}" x2="{x1}" y2="{bottom}"/>'
        f'<text x="{label_w}" y="{top - 10}">{first.isoformat()}</text>'
        f'<text x="{x1}" y="{top - 10}" text-anchor="end">{_e(w["today"])} '
        f"{f.as_of.isoformat()}</text>"
    )
    legend = [("met", _verdict("met", lang)), ("not_met", _verdict("not_met", lang))]
    legend.append(("undecided", _verdict("undecided", lang)))
    lx = label_w
    ly = bottom + 34
    for code, words in legend:
        parts.append(
            f'<rect class="v-{code}" x="{lx}" y="{ly - 9}" width="10" height="10"/>'
            f'<text x="{lx + 14}" y="{ly}">{_e(words)}</text>'
        )
        lx += 24 + 7 * len(words)
    parts.append(
        f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="url(#hatch-{n})"/>'
        f'<text x="{lx + 14}" y="{ly}">{_e(w["gap_legend"])}</text>'
    )
    parts += ["</svg>", f"<figcaption>{_e(w['chart'].format(who=who))}</figcaption>", "</figure>"]
    return "\n".join(parts)


def _html(f: FollowUp, lang: str) -> str:
    from reserverat.render.html import DOCUMENT_END, document_start

    w = _WORDS[lang]
    title = f"{w['title']}: {f.contract.id}"
    start = document_start(lang, title=title).replace("</style>", _CSS + "</style>", 1)
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in _head_items(f, lang))
    body = [
        start,
        '<section class="page">',
        f"<h1>{_e(w['title'])}</h1>",
        f'<dl class="meta">{rows}</dl>',
        f'<p class="outcome">{_e(_summary(f, lang))}</p>',
    ]
    newer = _label(f) if f.newer is not None else None
    views = [_supplier_view(s, n, lang, newer) for n, s in enumerate(f.suppliers, start=1)]
    acting = [v for v in views if v.needs_action]
    if acting:
        items = "".join(
            f'<li><a href="#{v.anchor}">{_e(v.who)}</a>: {_e("; ".join(v.actions))}</li>'
            for v in acting
        )
        body.append(f'<ul class="actions">{items}</ul>')
    for p in ("errors", "warnings"):
        problems = getattr(f, p)
        if problems:
            items = "".join(f"<li>{_e(t)}</li>" for t in _problem_lines(problems, lang))
            body.append(f"<h2>{_e(w[p])}</h2><ul>{items}</ul>")
    body.append("</section>")
    for n, (v, s) in enumerate(zip(views, f.suppliers, strict=True), start=1):
        cls = "page supplier action" if v.needs_action else "page supplier"
        body += [f'<section class="{cls}" id="{v.anchor}">', f"<h1>{_e(v.who)}</h1>"]
        body.append(f'<p class="outcome">{_e(v.now)}</p>')
        if v.actions:
            items = "".join(f"<li>{_e(a)}</li>" for a in v.actions)
            body.append(f'<h2>{_e(w["action"])}</h2><ul class="actions">{items}</ul>')
        else:
            body.append(f"<p>{_e(w['no_action'])}</p>")
        if s.points:
            body.append(_timeline(f, s, n, lang))
        for sec in v.sections:
            body.append(f"<h2>{_e(sec.heading)}</h2>")
            if sec.lines:
                body.append(_nested(sec.lines))
        body.append("</section>")
    return mask_personal_numbers("\n".join(body) + "\n" + DOCUMENT_END)


def _nested(lines: Sequence[str]) -> str:
    """Lines indented by two spaces a level as nested lists, each under the line before."""
    out: list[str] = []
    depth = -1
    for line in lines:
        level = (len(line) - len(line.lstrip(" "))) // 2
        level = min(level, depth + 1)  # never deeper than one below the line before
        if level > depth:
            out.append("<ul>" * (level - depth))
        else:
            out.append("</li>" + "</ul></li>" * (depth - level))
        out.append(f"<li>{_e(line.strip())}")
        depth = level
    out.append("</li>" + "</ul></li>" * depth + "</ul>")
    return "".join(out)


def render_follow_up(f: FollowUp, fmt: str = "text", lang: str = "sv") -> str:
    """A follow-up as ``text``, ``json`` or ``html`` in ``lang``."""
    if fmt == "json":
        return f.to_json(lang)
    if fmt == "html":
        return _html(f, lang)
    return _text(f, lang)
