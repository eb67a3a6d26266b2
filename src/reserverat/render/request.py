"""Letters asking a supplier to supplement or clarify its tender, for undecided results.

Only a supplier whose outcome is *undecided* gets a letter: where some criterion is not
met, no supplement could make the supplier qualify, so nothing is asked. The letter
lists the evidence that would settle each undecided criterion (advisory criteria left
out: they do not change the outcome), says which criterion each item settles, gives the
date to answer by, and names the provision that allows the buyer to ask.

The provision: LOU 4 kap. 9 § (procurements above the thresholds, the chapter 4
reservations), LOU 19 kap. 15 § (procurements under chapter 19, among them welfare
services reserved under 19 kap. 25 and 25 a §§; before 2022-02-01 chapter 19 applied
4 kap. 9 § through 19 kap. 2 §), LUF 4 kap. 9 §. Both LOU provisions let
the buyer ask a supplier to correct, clarify or supplement what it submitted, on equal
terms for all suppliers (the second paragraph of 4 kap. 9 §; 19 kap. 15 § likewise).
For other instruments the letter names the principle, not a section (an open point).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from reserverat.declaration import Procurement
from reserverat.identifiers import mask_personal_numbers
from reserverat.logic import Verdict
from reserverat.render.messages import EVIDENCE
from reserverat.result import Outcome, Result
from reserverat.ruleset import RuleSet
from reserverat.sources import buyer_fetches

__all__ = ["Letter", "letters", "render_letters"]


@dataclass(frozen=True)
class Letter:
    """One supplier's request: who, what to send (each with the criteria it settles), by when."""

    supplier: str
    identifier: str | None
    items: tuple[tuple[str, tuple[str, ...]], ...]
    """Evidence code, and the titles of the criteria it settles."""
    fetched: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """What the buyer fetches itself instead of asking for it (:func:`fetch_provision`)."""
    decides: tuple[str, ...] = ()
    """Evidence that was shown to decide the outcome on its own, either way
    (:func:`reserverat.deciding.deciding_evidence`)."""


def letters(results: Sequence[Result], lang: str = "sv") -> list[Letter]:
    """The letters for the undecided results, in input order.

    None for the other results, nor where the buyer can fetch every missing piece itself.
    """
    out = []
    for result in results:
        if result.outcome is not Outcome.UNDECIDED:
            continue
        wanted: dict[str, list[str]] = {}
        for f in result.findings:
            if f.advisory or f.verdict is not Verdict.UNDECIDED:
                continue
            for code in f.evidence:
                wanted.setdefault(code, []).append(f.title.get(lang))
        fetch = buyer_fetches(result)
        pairs = [(code, tuple(dict.fromkeys(titles))) for code, titles in wanted.items()]
        if all(code in fetch for code, _ in pairs):
            continue  # nothing to ask the supplier: the report says what to fetch
        out.append(
            Letter(
                result.supplier.name,
                result.supplier.identifier,
                tuple(pair for pair in pairs if pair[0] not in fetch),
                tuple(pair for pair in pairs if pair[0] in fetch),
                _decides(result, fetch),
            )
        )
    return out


def provision(rules: RuleSet, lang: str = "sv") -> str | None:
    """The provision that lets the buyer ask for a supplement, for this rule set's law."""
    sv = lang == "sv"
    for basis in rules.legal_basis:
        instrument = basis.instrument
        if instrument.startswith("LOU"):
            if basis.chapter != 19:
                return "LOU (2016:1145) 4 kap. 9 §" if sv else "LOU (2016:1145) ch. 4 s. 9"
            if rules.valid_from is not None and rules.valid_from >= _NEW_CHAPTER_19:
                return "LOU (2016:1145) 19 kap. 15 §" if sv else "LOU (2016:1145) ch. 19 s. 15"
            # Before 2022-02-01 chapter 19 applied 4 kap. 9 § through 19 kap. 2 §.
            if sv:
                return "LOU (2016:1145) 4 kap. 9 § och 19 kap. 2 §"
            return "LOU (2016:1145) ch. 4 s. 9 and ch. 19 s. 2"
        if instrument.startswith("LUF"):
            return "LUF (2016:1146) 4 kap. 9 §" if sv else "LUF (2016:1146) ch. 4 s. 9"
    return None


def fetch_provision(rules: RuleSet, lang: str = "sv") -> str | None:
    """The provision sparing a supplier what the buyer can fetch itself, where one applies.

    LOU 15 kap. 5 § (directive 2014/24/EU art. 59.5), for procurements above the
    thresholds: a supplier that gave an ESPD need not send a supporting document the buyer
    already has or can take free, directly and electronically. For chapter 19, LUF and the
    other instruments the tool knows no such provision (an open point): the buyer fetching
    a public register itself is then its own choice, and the letter says so without one.
    As :func:`provision` does, it takes a rule set outside chapter 19 to be used above the
    thresholds: the tool knows no contract value (an open point).
    """
    for basis in rules.legal_basis:
        if basis.instrument.startswith("LOU") and basis.chapter != 19:
            return "LOU (2016:1145) 15 kap. 5 §" if lang == "sv" else "LOU (2016:1145) ch. 15 s. 5"
    return None


_NEW_CHAPTER_19 = date(2022, 2, 1)


_WORDS = {
    "sv": {
        "title": "Begäran om komplettering och förtydligande av anbud",
        "to": "Till",
        "from": "Från",
        "procurement": "Upphandling",
        "date": "Datum",
        "reply_by": "Svara senast",
        "intro": (
            "Vi har granskat ert anbud mot villkoren för reserverad upphandling ({rules}). "
            "För att kunna bedöma om villkoren är uppfyllda behöver vi följande från er:"
        ),
        "settles": "behövs för",
        "basis": (
            "Begäran görs med stöd av {provision}. Kompletteringen eller förtydligandet får "
            "inte ändra anbudet i sak, och samma möjlighet ges alla leverantörer."
        ),
        "basis_open": (
            "Begäran görs enligt principerna om likabehandling och öppenhet: kompletteringen "
            "får inte ändra anbudet i sak, och samma möjlighet ges alla leverantörer."
        ),
        "fetched": (
            "Följande behöver ni inte skicka: vi hämtar det själva ur offentliga "
            "register{basis}: {items}."
        ),
        "decides": "Detta avgör ensamt bedömningen, så skicka det först: {items}.",
        "none": "Inga leverantörer behöver komplettera: inget utfall är 'kan inte avgöras'.",
        "unknown": "(anges inte)",
    },
    "en": {
        "title": "Request to supplement and clarify a tender",
        "to": "To",
        "from": "From",
        "procurement": "Procurement",
        "date": "Date",
        "reply_by": "Reply by",
        "intro": (
            "We have reviewed your tender against the conditions of the reserved contract "
            "({rules}). To decide whether they are met, we need the following from you:"
        ),
        "settles": "needed for",
        "basis": (
            "This request is made under {provision}. The supplement or clarification may not "
            "change the substance of the tender, and every supplier is given the same chance."
        ),
        "basis_open": (
            "This request follows the principles of equal treatment and transparency: the "
            "supplement may not change the substance of the tender, and every supplier is "
            "given the same chance."
        ),
        "fetched": (
            "You need not send the following: we fetch it ourselves from public "
            "registers{basis}: {items}."
        ),
        "decides": "This alone decides the assessment, so please send it first: {items}.",
        "none": "No supplier needs to supplement its tender: no outcome is undecided.",
        "unknown": "(not given)",
    },
}


def render_letters(
    found: Sequence[Letter],
    rules: RuleSet,
    procurement: Procurement | None,
    *,
    today: date,
    reply_by: date | None,
    fmt: str = "text",
    lang: str = "sv",
) -> str:
    """The letters as text, Markdown or HTML (one printed page per letter)."""
    w = _WORDS[lang]
    where = provision(rules, lang)
    basis = w["basis"].format(provision=where) if where else w["basis_open"]
    spared = fetch_provision(rules, lang)
    fetch_basis = f" ({spared})" if spared else ""
    rules_name = f"{rules.title.get(lang)}, {rules.id} {rules.version}"
    head = [
        (w["from"], (procurement.authority if procurement else None) or w["unknown"]),
        (w["procurement"], _procurement_name(procurement) or w["unknown"]),
        (w["date"], today.isoformat()),
        (w["reply_by"], reply_by.isoformat() if reply_by else w["unknown"]),
    ]
    if not found:
        return w["none"] + "\n"
    pages = []
    for letter in found:
        to = letter.supplier + (f" ({letter.identifier})" if letter.identifier else "")
        items = [(EVIDENCE[lang][code], ", ".join(titles)) for code, titles in letter.items]
        fetched = (
            w["fetched"].format(
                basis=fetch_basis,
                items="; ".join(EVIDENCE[lang][c] for c, _ in letter.fetched),
            )
            if letter.fetched
            else None
        )
        decides = (
            w["decides"].format(items="; ".join(EVIDENCE[lang][c] for c in letter.decides))
            if letter.decides and len(letter.items) > 1
            else None
        )
        if fmt == "html":
            rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in head)
            asked = "".join(
                f"<li>{escape(what)} <em>({escape(w['settles'])}: {escape(why)})</em></li>"
                for what, why in items
            )
            pages.append(
                '<section class="letter">'
                f"<h1>{escape(w['title'])}</h1>"
                f"<table><tr><th>{escape(w['to'])}</th><td>{escape(to)}</td></tr>{rows}</table>"
                f"<p>{escape(w['intro'].format(rules=rules_name))}</p><ol>{asked}</ol>"
                + (f"<p>{escape(decides)}</p>" if decides else "")
                + (f"<p>{escape(fetched)}</p>" if fetched else "")
                + f"<p>{escape(basis)}</p></section>"
            )
            continue
        if fmt == "markdown":
            lines = [f"## {w['title']}", "", f"- **{w['to']}:** {to}"]
            lines += [f"- **{k}:** {v}" for k, v in head]
            lines += ["", w["intro"].format(rules=rules_name), ""]
            lines += [
                f"{i}. {what} ({w['settles']}: {why})" for i, (what, why) in enumerate(items, 1)
            ]
            lines += ["", decides] if decides else []
            lines += ["", fetched] if fetched else []
            lines += ["", basis]
        else:
            lines = [w["title"], "", f"{w['to']}: {to}"]
            lines += [f"{k}: {v}" for k, v in head]
            lines += ["", w["intro"].format(rules=rules_name), ""]
            lines += [
                f"  {i}. {what} ({w['settles']}: {why})" for i, (what, why) in enumerate(items, 1)
            ]
            lines += ["", decides] if decides else []
            lines += ["", fetched] if fetched else []
            lines += ["", basis]
        pages.append("\n".join(lines) + "\n")
    if fmt == "html":
        style = (
            "body{font-family:sans-serif;max-width:44em;margin:2em auto}"
            ".letter{break-after:page;margin-bottom:3em}th{text-align:left;padding-right:1em}"
        )
        body = "\n".join(pages)
        text = (
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{escape(w['title'])}</title><style>{style}</style></head>"
            f"<body>{body}</body></html>\n"
        )
    else:
        sep = "\n" + ("---" if fmt == "markdown" else "-" * 72) + "\n\n"
        text = sep.join(pages)
    return mask_personal_numbers(text)


def _decides(result: Result, fetch: frozenset[str]) -> tuple[str, ...]:
    """The evidence to ask for that decides the result alone, where the declaration is at hand."""
    if result.record is None:
        return ()
    from reserverat.deciding import deciding_evidence

    return tuple(c for c in deciding_evidence(result).decides_alone if c not in fetch)


def _procurement_name(procurement: Procurement | None) -> str | None:
    """The procurement as a letter names it: its title and reference, or either."""
    if procurement is None:
        return None
    if procurement.title and procurement.reference:
        return f"{procurement.title} ({procurement.reference})"
    return procurement.title or procurement.reference
