"""What differs between two rule sets or two versions of one: ``reserverat rules diff A B``.

Criteria added, removed or changed (which of their parts, with the citations), parameters
added, removed or changed (values old → new, with their basis marks), the validity and the
legal basis. Text and Markdown in Swedish (default) or English, and JSON for programs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from reserverat.ruleset import Citation, Criterion, Parameter, RuleSet, same_criteria

__all__ = ["RuleDiff", "diff_rulesets", "diff_sections", "render_diff"]

_PARTS = ("id", "title", "check", "when", "citation", "authority_specific", "basis", "severity")
"""The parts of a criterion a change can touch, in the order they are reported."""


@dataclass(frozen=True)
class CriterionChange:
    """A criterion both rule sets have (by id or alias), and which of its parts differ."""

    id: str
    """Its id in ``b``; ``before.id`` differs where it was renamed."""
    parts: tuple[str, ...]
    before: Criterion
    after: Criterion


@dataclass(frozen=True)
class ParameterChange:
    """A parameter both have whose values, unit or basis mark differ."""

    name: str
    before: Parameter
    after: Parameter


@dataclass(frozen=True)
class RuleDiff:
    """The differences from rule set ``a`` to rule set ``b``."""

    a: RuleSet
    b: RuleSet
    added: tuple[Criterion, ...] = ()
    removed: tuple[Criterion, ...] = ()
    changed: tuple[CriterionChange, ...] = ()
    parameters_added: tuple[tuple[str, Parameter], ...] = ()
    parameters_removed: tuple[tuple[str, Parameter], ...] = ()
    parameters_changed: tuple[ParameterChange, ...] = ()
    validity: bool = False
    """Whether the dates of validity differ."""
    legal_basis: tuple[tuple[Citation, ...], tuple[Citation, ...]] = field(default=((), ()))
    """The legal-basis citations only in ``a``, and only in ``b``."""

    @property
    def empty(self) -> bool:
        """Whether the two rule sets decide and cite alike."""
        return not (
            self.added
            or self.removed
            or self.changed
            or self.parameters_added
            or self.parameters_removed
            or self.parameters_changed
            or self.validity
            or any(self.legal_basis)
        )


def _dump(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def diff_rulesets(a: RuleSet, b: RuleSet) -> RuleDiff:
    """The differences from ``a`` to ``b``, criteria matched by id, parameters by name."""
    ids_a = {c.id: c for c in a.criteria}
    same = same_criteria(a, b)
    changed = []
    for c in b.criteria:
        if c.id not in same:
            continue
        old = ids_a[same[c.id]]
        parts = tuple(p for p in _PARTS if _dump(getattr(old, p)) != _dump(getattr(c, p)))
        if parts:
            changed.append(CriterionChange(c.id, parts, old, c))
    params_changed = [
        ParameterChange(name, a.parameters[name], p)
        for name, p in b.parameters.items()
        if name in a.parameters
        and (
            _dump(a.parameters[name].values) != _dump(p.values)
            or a.parameters[name].unit != p.unit
            or a.parameters[name].basis != p.basis
        )
    ]
    basis_a = [_dump(c) for c in a.legal_basis]
    basis_b = [_dump(c) for c in b.legal_basis]
    return RuleDiff(
        a,
        b,
        added=tuple(c for c in b.criteria if c.id not in same),
        removed=tuple(c for c in a.criteria if c.id not in set(same.values())),
        changed=tuple(changed),
        parameters_added=tuple((n, p) for n, p in b.parameters.items() if n not in a.parameters),
        parameters_removed=tuple((n, p) for n, p in a.parameters.items() if n not in b.parameters),
        parameters_changed=tuple(params_changed),
        validity=(a.valid_from, a.valid_to) != (b.valid_from, b.valid_to),
        legal_basis=(
            tuple(c for c, x in zip(a.legal_basis, basis_a, strict=True) if x not in basis_b),
            tuple(c for c, x in zip(b.legal_basis, basis_b, strict=True) if x not in basis_a),
        ),
    )


_WORDS = {
    "sv": {
        "title": "Skillnader",
        "from": "från",
        "to": "till",
        "none": "Inga skillnader: regelverken bedömer och hänvisar lika.",
        "added": "Nya kriterier",
        "removed": "Borttagna kriterier",
        "changed": "Ändrade kriterier",
        "p_added": "Nya parametrar",
        "p_removed": "Borttagna parametrar",
        "p_changed": "Ändrade parametrar",
        "validity": "Giltighet",
        "basis": "Rättslig grund",
        "only_a": "bara i",
        "only_b": "bara i",
        "open": "tills vidare",
        "unmarked": "ingen märkning",
        "since": "från",
    },
    "en": {
        "title": "Differences",
        "from": "from",
        "to": "to",
        "none": "No differences: the rule sets decide and cite alike.",
        "added": "Criteria added",
        "removed": "Criteria removed",
        "changed": "Criteria changed",
        "p_added": "Parameters added",
        "p_removed": "Parameters removed",
        "p_changed": "Parameters changed",
        "validity": "Validity",
        "basis": "Legal basis",
        "only_a": "only in",
        "only_b": "only in",
        "open": "until further notice",
        "unmarked": "no mark",
        "since": "from",
    },
}


_PART_WORDS = {
    "sv": {
        "id": "id",
        "title": "titel",
        "check": "prövning",
        "when": "villkor för när kriteriet gäller",
        "citation": "källa",
        "authority_specific": "myndighetens eget villkor",
        "basis": "grund",
        "severity": "tyngd",
    },
    "en": {
        "id": "id",
        "title": "title",
        "check": "test",
        "when": "when it applies",
        "citation": "source",
        "authority_specific": "authority-specific",
        "basis": "mark",
        "severity": "weight",
    },
}


def _values(p: Parameter, lang: str) -> str:
    from reserverat.render.messages import fmt_param

    w = _WORDS[lang]
    shown = []
    for dv in p.values:
        if isinstance(dv.value, tuple) and all(isinstance(v, dict) for v in dv.value):
            text = ", ".join(str(v.get("name", v)) for v in dv.value)  # centres by name
        else:
            text = fmt_param(dv.value, p.unit, lang)
        shown.append(text + (f" ({w['since']} {dv.since.isoformat()})" if dv.since else ""))
    return ", ".join(shown)


def _mark(p: Parameter, lang: str) -> str:
    from reserverat.render.messages import BASIS_WORDS

    return (
        BASIS_WORDS[lang].get(str(p.basis), str(p.basis)) if p.basis else _WORDS[lang]["unmarked"]
    )


def _title(c: Criterion, r: RuleSet, lang: str) -> str:
    """The criterion's title with its rule set's values (on its first day in force)."""
    from datetime import date

    from reserverat.engine import filled

    return filled(c.title, r, r.params_at(r.valid_from or date.today())).get(lang)


def _label(r: RuleSet) -> str:
    return f"{r.id} {r.version}"


def _validity(r: RuleSet, lang: str) -> str:
    w = _WORDS[lang]
    start = r.valid_from.isoformat() if r.valid_from else "–"
    end = r.valid_to.isoformat() if r.valid_to else w["open"]
    return f"{start} – {end}"


def diff_sections(d: RuleDiff, lang: str) -> list[tuple[str, list[str]]]:
    """The diff as headed lists of lines in ``lang``: shared by text, Markdown and the
    preamble of a comparison."""
    w = _WORDS[lang]
    out: list[tuple[str, list[str]]] = []
    if d.added:
        out.append(
            (
                w["added"],
                [f"{c.id}: {_title(c, d.b, lang)} ({c.citation.short(lang)})" for c in d.added],
            )
        )
    if d.removed:
        out.append(
            (
                w["removed"],
                [f"{c.id}: {_title(c, d.a, lang)} ({c.citation.short(lang)})" for c in d.removed],
            )
        )
    if d.changed:
        lines = []
        for ch in d.changed:
            parts = ", ".join(_PART_WORDS[lang][p] for p in ch.parts)
            lines.append(f"{ch.id}: {_title(ch.after, d.b, lang)} ({parts})")
            if "id" in ch.parts:
                lines.append(f"  {ch.before.id} → {ch.after.id}")
            if "citation" in ch.parts:
                lines.append(
                    f"  {ch.before.citation.short(lang)} → {ch.after.citation.short(lang)}"
                )
            if "title" in ch.parts:
                lines.append(f"  {_title(ch.before, d.a, lang)} → {_title(ch.after, d.b, lang)}")
        out.append((w["changed"], lines))
    if d.parameters_added:
        out.append(
            (
                w["p_added"],
                [f"{n} = {_values(p, lang)} [{_mark(p, lang)}]" for n, p in d.parameters_added],
            )
        )
    if d.parameters_removed:
        out.append(
            (
                w["p_removed"],
                [f"{n} = {_values(p, lang)} [{_mark(p, lang)}]" for n, p in d.parameters_removed],
            )
        )
    if d.parameters_changed:
        out.append(
            (
                w["p_changed"],
                [
                    f"{ch.name}: {_values(ch.before, lang)} [{_mark(ch.before, lang)}] → "
                    f"{_values(ch.after, lang)} [{_mark(ch.after, lang)}]"
                    for ch in d.parameters_changed
                ],
            )
        )
    if d.validity:
        out.append((w["validity"], [f"{_validity(d.a, lang)} → {_validity(d.b, lang)}"]))
    only_a, only_b = d.legal_basis
    if only_a or only_b:
        out.append(
            (
                w["basis"],
                [f"{w['only_a']} {_label(d.a)}: {c.short(lang)}" for c in only_a]
                + [f"{w['only_b']} {_label(d.b)}: {c.short(lang)}" for c in only_b],
            )
        )
    return out


def _json(d: RuleDiff) -> str:
    def crit(c: Criterion) -> dict[str, Any]:
        return {"id": c.id, "title": _dump(c.title), "citation": _dump(c.citation)}

    data = {
        "a": {"id": d.a.id, "version": d.a.version, "hash": d.a.content_hash},
        "b": {"id": d.b.id, "version": d.b.version, "hash": d.b.content_hash},
        "criteria": {
            "added": [crit(c) for c in d.added],
            "removed": [crit(c) for c in d.removed],
            "changed": [
                {
                    "id": ch.id,
                    "parts": list(ch.parts),
                    "before": crit(ch.before),
                    "after": crit(ch.after),
                }
                for ch in d.changed
            ],
        },
        "parameters": {
            "added": {n: _dump(p) for n, p in d.parameters_added},
            "removed": {n: _dump(p) for n, p in d.parameters_removed},
            "changed": {
                ch.name: {"before": _dump(ch.before), "after": _dump(ch.after)}
                for ch in d.parameters_changed
            },
        },
        "validity": {
            "before": [_iso(d.a.valid_from), _iso(d.a.valid_to)],
            "after": [_iso(d.b.valid_from), _iso(d.b.valid_to)],
            "changed": d.validity,
        },
        "legal_basis": {
            "only_before": [_dump(c) for c in d.legal_basis[0]],
            "only_after": [_dump(c) for c in d.legal_basis[1]],
        },
    }
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def render_diff(d: RuleDiff, fmt: str = "text", lang: str = "sv") -> str:
    """The diff as ``text``, ``markdown`` or ``json`` (JSON is the same in both languages)."""
    if fmt == "json":
        return _json(d)
    w = _WORDS[lang]
    head = f"{w['title']} {w['from']} {_label(d.a)} {w['to']} {_label(d.b)}"
    sections = diff_sections(d, lang)
    md = fmt == "markdown"
    out = [f"# {head}" if md else head]
    if not sections:
        out += ["", w["none"]]
    for title, lines in sections:
        out += ["", f"## {title}", ""] if md else ["", f"{title}:"]
        for line in lines:
            if md:
                out.append(f"{'  ' if line.startswith('  ') else ''}- {line.strip()}")
            else:
                out.append(f"  {line}")
    return "\n".join(out) + "\n"
