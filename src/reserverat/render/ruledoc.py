"""A rule set as a document for people: the page a policy writer attaches to a proposal and
a buyer to its procurement documents.

Each criterion is shown with its title, its test in words (the check tree, every value as
it is in force on the document's date), its citation and marks; then the parameters with
their values, dates and basis marks, the open points, and the versions of the rule set with
their dates. One view model is written as Markdown or as a self-contained HTML page.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reserverat.checks import Param
from reserverat.identifiers import mask_personal_numbers
from reserverat.labels import CHOICE_WORDS, cpv_name, fact_label
from reserverat.render import _md, _md_cell
from reserverat.render.messages import BASIS_WORDS, fmt_param
from reserverat.ruleset import Citation, Criterion, Parameter, RuleSet

__all__ = ["CriterionDoc", "RuleSetDoc", "Words", "render_ruleset", "ruleset_doc"]

_WORDS = {
    "sv": {
        "id": "Id",
        "version": "Version",
        "validity": "Gäller",
        "until_further": "tills vidare",
        "extends": "Bygger på",
        "aliases": "Andra namn",
        "hash": "Kontrollsumma",
        "groups": "Anbud från grupper",
        "each_member": "varje medlem som åberopas prövas för sig",
        "combined_workforce": "andelskriterier prövas på medlemmarnas sammanlagda personal",
        "codes": "eForms-koder vid reservation",
        "no_codes": "inga (regelverket är ingen grund för att reservera)",
        "none_exist": "ingen kod finns",
        "values_on": "Värden som gäller",
        "basis": "Rättslig grund",
        "criteria": "Kriterier",
        "test": "Prövning",
        "applies_when": "Gäller bara när",
        "otherwise": "annars",
        "source": "Källa",
        "criterion_id": "Kriteriets id",
        "earlier_ids": "tidigare",
        "authority": "Myndighetens eget villkor, utöver lagen",
        "advisory": "Vägledande: påverkar inte utfallet",
        "parameters": "Parametrar",
        "parameter": "Parameter",
        "value": "Värde",
        "mark": "Grund",
        "note": "Anmärkning",
        "from": "från",
        "open_points": "Öppna punkter och verktygets val",
        "versions": "Versioner",
        "valid_from": "Gäller från",
        "valid_to": "Gäller till",
        "this_one": "(detta dokument)",
        "made": "Dokumentet skapat",
        "risk": "Riskbedömning",
        "no_limit": "utan tidsgräns",
        "until": "fram till",
        "title": "Regelverk",
        "notes": "Källornas anmärkningar",
        "notes_en": "finns på engelska, i dokumentets engelska version",
    },
    "en": {
        "id": "Id",
        "version": "Version",
        "validity": "In force",
        "until_further": "until further notice",
        "extends": "Extends",
        "aliases": "Other names",
        "hash": "Hash",
        "groups": "Tenders from groups",
        "each_member": "every member relied on is assessed on its own",
        "combined_workforce": "share criteria are assessed on the members' combined workforce",
        "codes": "eForms codes when reserving",
        "no_codes": "none (the rule set is not a basis for reserving)",
        "none_exist": "no code exists",
        "values_on": "Values in force on",
        "basis": "Legal basis",
        "criteria": "Criteria",
        "test": "Test",
        "applies_when": "Applies only when",
        "otherwise": "otherwise",
        "source": "Source",
        "criterion_id": "Criterion id",
        "earlier_ids": "earlier",
        "authority": "The authority's own condition, beyond the statute",
        "advisory": "Advisory: does not change the outcome",
        "parameters": "Parameters",
        "parameter": "Parameter",
        "value": "Value",
        "mark": "Basis",
        "note": "Note",
        "from": "from",
        "open_points": "Open points and the tool's choices",
        "versions": "Versions",
        "valid_from": "In force from",
        "valid_to": "In force until",
        "this_one": "(this document)",
        "made": "Document made",
        "risk": "Risk assessment",
        "no_limit": "no time limit",
        "until": "until",
        "title": "Rule set",
        "notes": "Notes on the sources",
        "notes_en": "beside each source",
    },
}

# The words of each check kind. A template gets the node's fields in words (``w``: a field
# formatted in its unit) and the language; combinators list their children below.
_TestWords = Callable[["Words"], str]


class Words:
    """A check node's fields in words, for one language and the values on one date."""

    def __init__(self, node: Any, rules: RuleSet, params: dict[str, Any], lang: str) -> None:
        self.node, self.rules, self.params, self.lang = node, rules, params, lang

    def raw(self, name: str) -> Any:
        """The field's value, a parameter resolved to the value in force."""
        value = getattr(self.node, name)
        return self.params.get(value.param) if isinstance(value, Param) else value

    def __call__(self, name: str, unit: str | None = None) -> str:
        """The field in words: in its parameter's unit where it is a parameter."""
        value = getattr(self.node, name)
        if isinstance(value, Param):
            p = self.rules.parameters.get(value.param)
            unit = p.unit if p is not None else unit
            value = self.params.get(value.param)
        if value is None:
            return "?"
        return fmt_param(value, unit, self.lang)

    def number(self, name: str) -> str:
        """The field as a bare number, for a sentence that names its unit itself."""
        value = self.raw(name)
        return "?" if value is None else fmt_param(value, None, self.lang)

    def years(self) -> str:
        """ "de senaste 3 räkenskapsåren", "det senaste räkenskapsåret" (and in English)."""
        n = self.raw("years")
        if self.lang == "sv":
            return (
                "det senaste räkenskapsåret"
                if n == 1
                else f"de senaste {self.number('years')} räkenskapsåren"
            )
        return (
            "the last financial year"
            if n == 1
            else f"the last {self.number('years')} financial years"
        )

    def fact(self) -> str:
        """The node's fact path as the reports name it."""
        label = fact_label(str(self.node.path), self.lang)
        # "Syfte › skyddad verkstad (ja/nej): ja" says the choice twice.
        return label.removesuffix(" (ja/nej)").removesuffix(" (yes/no)")

    def choice(self, field: str, values: Sequence[Any]) -> str:
        """Coded values in words (a legal form, a transfer's recipient)."""
        words = CHOICE_WORDS.get(field, {})
        k = 0 if self.lang == "sv" else 1
        out = [words[str(v)][k] if str(v) in words else str(v) for v in values]
        return _join(out, self.lang)


def _join(items: Sequence[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    last = " eller " if lang == "sv" else " or "
    return ", ".join(items[:-1]) + last + items[-1]


def _code_word(code: str, lang: str, recipient: bool = False) -> str:
    """A code in words: a field's label, or a transfer's recipient ("ägare/medlemmar")
    taken from its "överfört till …" label."""
    from reserverat.labels import WORDS

    k = 0 if lang == "sv" else 1
    if not recipient and code in WORDS:
        return WORDS[code][k]
    label = WORDS.get(f"to_{code}")
    if label is None:
        return code
    # "överfört till ägare/medlemmar (kr)": the recipient alone.
    text = label[k].split(" till ", 1)[-1].split(" to ", 1)[-1]
    return text.removesuffix(" (kr)").removesuffix(" (SEK)")


def _recipients(w: Words, values: Sequence[Any]) -> str:
    return _join([_code_word(str(v), w.lang, recipient=True) for v in values], w.lang)


_SV: dict[str, _TestWords] = {
    "fact_is_true": lambda w: f"{w.fact()}: ja",
    "value_in": lambda w: f"{w.fact()} är {w.choice(str(w.node.path), w.raw('values'))}",
    "number_at_least": lambda w: f"{w.fact()} är minst {w('minimum')}",
    "number_at_most": lambda w: f"{w.fact()} är högst {w('maximum')}",
    "share_at_least": lambda w: (
        f"minst {w('threshold', 'share')} av de sysselsatta tillhör målgrupperna"
        + (" (räknat i heltidsekvivalenter)" if w.raw("basis") == "fte" else "")
        + (" (räknat i personer)" if w.raw("basis") == "headcount" else "")
        + (" i programmet" if w.node.workforce == "programme" else "")
    ),
    "no_public_owner": lambda w: (
        "ingen ägare är stat, region, kommun eller ett offentligt ägt bolag (ett namn som "
        f"liknar ett offentligt organs godtas som dess från {w('accept')} poäng, "
        f"osäkert från {w('grey')})"
    ),
    "public_share_at_most": lambda w: (
        f"offentliga ägares andel av {'rösterna' if w.raw('of') == 'votes' else 'kapitalet'} "
        f"är högst {w('maximum', 'share')}"
    ),
    "profits_mainly_reinvested": lambda w: (
        f"minst {w('share', 'share')} av vinsten {w.years()} har stannat i verksamheten "
        "(inte delats ut till "
        f"{_recipients(w, w.raw('distributed_to'))}); det senaste året ska ha slutat inom "
        f"{w('accounts_within_months', 'months')}"
    ),
    "transfers_only_to": lambda w: (
        f"vinst har {w.years()} bara förts över till "
        f"{_recipients(w, w.raw('allowed'))}; det senaste året ska ha slutat inom "
        f"{w('accounts_within_months', 'months')}"
    ),
    "salary_ratio_at_most": lambda w: f"den högsta lönen är högst {w('ratio')} gånger den lägsta",
    "not_older_than": lambda w: f"{w.fact()} ligger högst {w('months', 'months')} bakåt",
    "whole_legal_person": lambda w: (
        "uppgifterna avser hela den juridiska personen (uppgifter för en enhet: "
        f"{'ej uppfyllt' if w.raw('unit_data') == 'not_met' else 'kan inte avgöras'})"
    ),
    "no_controlling_influence": lambda w: (
        "staten, en region eller en kommun har inget rättsligt bestämmande inflytande: "
        f"offentliga ägare har inte mer än {w('votes_above', 'share')} av rösterna"
        + (" tillsammans" if w.raw("aggregate") else "")
        + ", rätt att utse styrelsens majoritet eller annat bestämmande inflytande"
    ),
    "registered_in": lambda w: f"organisationen finns i registret {w.node.register_id}",
    "within_km": lambda w: (
        f"{'alla platser' if w.raw('sites') == 'all' else 'en plats'} där uppdraget utförs "
        f"ligger inom {w('radius_km', 'km')} från {_centres(w)}"
    ),
    "in_zone": lambda w: (
        f"{'alla platser' if w.raw('sites') == 'all' else 'en plats'} där uppdraget utförs "
        f"ligger i {w.node.name}"
    ),
    "in_municipality": lambda w: (
        f"{'alla platser' if w.raw('sites') == 'all' else 'en plats'} där uppdraget utförs "
        f"ligger i kommun {_join(list(w.node.codes), 'sv')}"
    ),
    "cpv_in": lambda w: f"kontraktets huvudsakliga CPV-kod är en av {_cpv(w)}",
    "no_prior_award_within": lambda w: (
        f"leverantören har inte de senaste {w('years', 'years')} fått ett kontrakt för samma "
        f"tjänst (de första {w('same_service_digits')} siffrorna i CPV-koden) från samma "
        "myndighet" + (" enligt samma bestämmelse" if w.node.basis == "lou-19-25" else "")
    ),
}

_EN: dict[str, _TestWords] = {
    "fact_is_true": lambda w: f"{w.fact()}: yes",
    "value_in": lambda w: f"{w.fact()} is {w.choice(str(w.node.path), w.raw('values'))}",
    "number_at_least": lambda w: f"{w.fact()} is at least {w('minimum')}",
    "number_at_most": lambda w: f"{w.fact()} is at most {w('maximum')}",
    "share_at_least": lambda w: (
        f"at least {w('threshold', 'share')} of the persons occupied belong to the target groups"
        + (" (in full-time equivalents)" if w.raw("basis") == "fte" else "")
        + (" (by headcount)" if w.raw("basis") == "headcount" else "")
        + (" in the programme" if w.node.workforce == "programme" else "")
    ),
    "no_public_owner": lambda w: (
        "no owner is the state, a region, a municipality or a publicly owned company (a name "
        f"like a public body's counts as its from a score of {w('accept')}, undecided from "
        f"{w('grey')})"
    ),
    "public_share_at_most": lambda w: (
        f"public owners hold at most {w('maximum', 'share')} of the "
        f"{'votes' if w.raw('of') == 'votes' else 'capital'}"
    ),
    "profits_mainly_reinvested": lambda w: (
        f"at least {w('share', 'share')} of the profit of {w.years()} stayed in the business "
        "(not paid to "
        f"{_recipients(w, w.raw('distributed_to'))}); the latest year must have ended within "
        f"{w('accounts_within_months', 'months')}"
    ),
    "transfers_only_to": lambda w: (
        f"over {w.years()}, profit went only to "
        f"{_recipients(w, w.raw('allowed'))}; the latest year must have ended within "
        f"{w('accounts_within_months', 'months')}"
    ),
    "salary_ratio_at_most": lambda w: (
        f"the highest salary is at most {w('ratio')} times the lowest"
    ),
    "not_older_than": lambda w: f"{w.fact()} is at most {w('months', 'months')} old",
    "whole_legal_person": lambda w: (
        "the figures describe the whole legal person (figures for a unit: "
        f"{'not met' if w.raw('unit_data') == 'not_met' else 'undecided'})"
    ),
    "no_controlling_influence": lambda w: (
        "the state, a region or a municipality has no legally controlling influence: public "
        f"owners hold no more than {w('votes_above', 'share')} of the votes"
        + (" together" if w.raw("aggregate") else "")
        + ", no right to appoint the board's majority and no other controlling influence"
    ),
    "registered_in": lambda w: f"the organisation is in the register {w.node.register_id}",
    "within_km": lambda w: (
        f"{'every site' if w.raw('sites') == 'all' else 'a site'} performing the contract is "
        f"within {w('radius_km', 'km')} of {_centres(w)}"
    ),
    "in_zone": lambda w: (
        f"{'every site' if w.raw('sites') == 'all' else 'a site'} performing the contract is "
        f"in {w.node.name}"
    ),
    "in_municipality": lambda w: (
        f"{'every site' if w.raw('sites') == 'all' else 'a site'} performing the contract is "
        f"in municipality {_join(list(w.node.codes), 'en')}"
    ),
    "cpv_in": lambda w: f"the contract's main CPV code is one of {_cpv(w)}",
    "no_prior_award_within": lambda w: (
        f"the supplier has not, in the last {w('years', 'years')}, been awarded a contract for "
        f"the same service (the first {w('same_service_digits')} digits of the CPV code) by "
        "the same authority" + (" under the same provision" if w.node.basis == "lou-19-25" else "")
    ),
}

_COMBINATORS = {
    "sv": {
        "all_of": "alla av:",
        "any_of": "minst ett av:",
        "not": "inte:",
        "at_least": "minst {n} av:",
    },
    "en": {
        "all_of": "all of:",
        "any_of": "at least one of:",
        "not": "not:",
        "at_least": "at least {n} of:",
    },
}


def _centres(w: Words) -> str:
    centres = w.raw("of") or ()
    names = [str(getattr(c, "name", None) or getattr(c, "municipality", "?")) for c in centres]
    return _join(names, w.lang)


def _cpv(w: Words) -> str:
    # Every code: the document is what a buyer attaches, and a code left out is a question.
    shown = []
    for code in w.node.codes:
        name = cpv_name(code, w.lang)
        shown.append(f"{code} {name}" if name else code)
    return "; ".join(shown + [f"{a}–{b}" for a, b in w.node.ranges])


@dataclass(frozen=True)
class Line:
    """One line of a test in words, with the lines below it."""

    text: str
    children: tuple[Line, ...] = ()


def _test(node: Any, rules: RuleSet, params: dict[str, Any], lang: str) -> Line:
    kind = node.kind
    if kind in _COMBINATORS[lang]:
        children = node.of if isinstance(node.of, tuple) else (node.of,)
        head = _COMBINATORS[lang][kind].format(n=getattr(node, "n", ""))
        return Line(head.capitalize(), tuple(_test(c, rules, params, lang) for c in children))
    words = (_SV if lang == "sv" else _EN).get(kind)
    if words is None:  # a check kind added without words: its name, never nothing
        return Line(kind)
    text = words(Words(node, rules, params, lang))
    return Line(text[0].upper() + text[1:])


@dataclass(frozen=True)
class CriterionDoc:
    """One criterion as the document shows it."""

    number: int
    id: str
    aliases: tuple[str, ...]
    title: str
    description: str | None
    marks: tuple[str, ...]
    test: Line
    when: Line | None
    when_text: str | None
    citation: str


@dataclass(frozen=True)
class RuleSetDoc:
    """The whole rule set as the document shows it, in one language."""

    lang: str
    title: str
    description: str | None
    meta: tuple[tuple[str, str], ...]
    basis: tuple[str, ...]
    criteria: tuple[CriterionDoc, ...]
    parameters: tuple[tuple[str, str, str, str], ...]
    """(label with name, values with dates, basis mark, note)."""
    open_points: tuple[str, ...]
    versions: tuple[tuple[str, str, str, bool], ...]
    """(version, in force from, in force until, whether it is this one)."""


def _validity(valid_from: date | None, valid_to: date | None, lang: str) -> str:
    w = _WORDS[lang]
    if valid_from is None and valid_to is None:
        return w["no_limit"]
    if valid_from is None:
        return f"{w['until']} {valid_to}"
    return f"{valid_from} – {valid_to.isoformat() if valid_to else w['until_further']}"


def _risk(rules: RuleSet, lang: str) -> str:
    risk = rules.risk
    assert risk is not None

    def n_criteria(n: int) -> str:
        if lang == "sv":
            return (
                "ett kriterium inte är uppfyllt" if n == 1 else f"{n} kriterier inte är uppfyllda"
            )
        return "one criterion is not met" if n == 1 else f"{n} criteria are not met"

    # The criteria by their numbers in this document, not by their ids.
    numbers = [str(k) for k, c in enumerate(rules.criteria, 1) if c.id in risk.high_if_not_met]
    if lang == "sv":
        text = (
            f"förhöjd risk när {n_criteria(risk.elevated_from)}, "
            f"hög när {n_criteria(risk.high_from)}"
        )
        if numbers:
            text += f", och hög när kriterium {_join(numbers, lang)} inte är uppfyllt"
        return text
    text = (
        f"elevated risk when {n_criteria(risk.elevated_from)}, "
        f"high when {n_criteria(risk.high_from)}"
    )
    if numbers:
        text += f", and high when criterion {_join(numbers, lang)} is not met"
    return text


def _citation(c: Citation, lang: str) -> str:
    # A citation's note is written in English in the rule files: a Swedish page leaves it
    # out rather than mix languages, and says where the notes are.
    return c.short(lang) + (f" ({c.note})" if c.note and lang == "en" else "")


def _marks(c: Criterion, lang: str) -> tuple[str, ...]:
    w = _WORDS[lang]
    out = []
    if c.authority_specific:
        out.append(w["authority"])
    if c.basis:
        mark = BASIS_WORDS[lang][c.basis]
        note = f": {c.basis_note.get(lang)}" if c.basis_note else ""
        out.append(f"{w['mark']}: {mark}{note}")
    if c.severity == "advisory":
        out.append(w["advisory"])
    return tuple(out)


def _values(p: Parameter, lang: str) -> str:
    w = _WORDS[lang]
    shown = []
    for dv in p.values:
        text = _value_text(dv.value, p.unit, lang)
        shown.append(f"{text} {w['from']} {dv.since.isoformat()}" if dv.since else text)
    return "; ".join(shown)


def _value_text(value: Any, unit: str | None, lang: str) -> str:
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], dict):
        return _join([str(v.get("name") or v.get("municipality") or v) for v in value], lang)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return _code_words(value, lang)
    return fmt_param(value, unit, lang)


def _code_words(codes: Sequence[str], lang: str) -> str:
    """Codes in a list parameter (forms of occupation, recipients) in words."""
    return ", ".join(_code_word(code, lang) for code in codes)


def ruleset_doc(
    rules: RuleSet,
    lang: str = "sv",
    as_of: date | None = None,
    versions: Sequence[tuple[str, date | None, date | None]] = (),
) -> RuleSetDoc:
    """The document's view of ``rules`` in ``lang``.

    Values are those in force on ``as_of`` (default: today, or the rule set's last day in
    force when it has ended); ``versions`` lists every version.
    """
    from reserverat.engine import filled

    w = _WORDS[lang]
    # Today's values, unless the rule set is not in force today: then its last day's.
    when = as_of or min(max(date.today(), rules.valid_from or date.min), rules.valid_to or date.max)
    params = rules.params_at(when)
    meta = [
        (w["id"], rules.id),
        (w["version"], rules.version),
        (w["validity"], _validity(rules.valid_from, rules.valid_to, lang)),
    ]
    if rules.extends:
        meta.append((w["extends"], rules.extends))
    if rules.aliases:
        meta.append((w["aliases"], ", ".join(rules.aliases)))
    meta.append((w["groups"], w[rules.group_policy]))
    if rules.reservation_codes is None:
        meta.append((w["codes"], w["no_codes"]))
    else:
        meta.append((w["codes"], ", ".join(rules.reservation_codes) or w["none_exist"]))
    if rules.risk is not None:
        meta.append((w["risk"], _risk(rules, lang)))
    meta += [(w["values_on"], when.isoformat()), (w["hash"], rules.content_hash)]
    cited = [*rules.legal_basis, *(c.citation for c in rules.criteria)]
    if lang == "sv" and any(c.note for c in cited):
        meta.append((w["notes"], w["notes_en"]))
    criteria = []
    for n, c in enumerate(rules.criteria, start=1):
        criteria.append(
            CriterionDoc(
                number=n,
                id=c.id,
                aliases=c.aliases,
                title=filled(c.title, rules, params).get(lang),
                description=filled(c.description, rules, params).get(lang)
                if c.description
                else None,
                marks=_marks(c, lang),
                test=_test(c.check, rules, params, lang),
                when=_test(c.when, rules, params, lang) if c.when is not None else None,
                when_text=filled(c.when_text, rules, params).get(lang) if c.when_text else None,
                citation=_citation(c.citation, lang),
            )
        )
    parameters = tuple(
        (
            f"{p.display_label(lang, name)} ({name})",
            _values(p, lang),
            BASIS_WORDS[lang][p.basis] if p.basis else "",
            (p.note.get(lang) if p.note else "")
            or (p.description.get(lang) if p.description else ""),
        )
        for name, p in rules.parameters.items()
    )
    words = BASIS_WORDS[lang]
    open_points = tuple(
        f"[{words[point.basis]}] {point.text.get(lang)}"  # the subject is a code: left out
        for point in rules.open_points
    )
    # A version's file may inherit its dates (extends): this version's are the loaded ones.
    listed = [
        (v, _iso(rules.valid_from), _iso(rules.valid_to), True)
        if v == rules.version
        else (v, _iso(f), _iso(t), False)
        for v, f, t in versions
    ] or [(rules.version, _iso(rules.valid_from), _iso(rules.valid_to), True)]
    return RuleSetDoc(
        lang=lang,
        title=rules.title.get(lang),
        description=filled(rules.description, rules, params).get(lang)
        if rules.description
        else None,
        meta=tuple(meta),
        basis=tuple(_citation(c, lang) for c in rules.legal_basis),
        criteria=tuple(criteria),
        parameters=parameters,
        open_points=open_points,
        versions=tuple(
            (v, f or "–", t or _WORDS[lang]["until_further"], this) for v, f, t, this in listed
        ),
    )


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


# --- Markdown ---------------------------------------------------------------------------


def _md_lines(line: Line, depth: int = 0) -> list[str]:
    out = [f"{'  ' * depth}- {_md(line.text)}"]
    for child in line.children:
        out += _md_lines(child, depth + 1)
    return out


def _markdown(d: RuleSetDoc) -> str:
    w = _WORDS[d.lang]
    out = [f"# {_md(d.title)}", ""]
    if d.description:
        out += [_md(d.description), ""]
    out += ["| | |", "|---|---|"]
    out += [f"| {_md_cell(k)} | {_md_cell(v)} |" for k, v in d.meta]
    out += ["", f"## {w['basis']}", ""]
    out += [f"- {_md(b)}" for b in d.basis]
    out += ["", f"## {w['criteria']}"]
    for c in d.criteria:
        out += ["", f"### {c.number}. {_md(c.title)}", ""]
        if c.description:
            out += [_md(c.description), ""]
        out += [f"*{_md(m)}*  " for m in c.marks]
        out += [f"**{w['test']}:**", ""]
        out += _md_lines(c.test)
        if c.when is not None:
            out += ["", f"**{w['applies_when']}:**", ""]
            out += _md_lines(c.when)
            if c.when_text:
                out += ["", f"{w['otherwise'].capitalize()}: {_md(c.when_text)}"]
        out += ["", f"**{w['source']}:** {_md(c.citation)}  "]
        earlier = f" ({w['earlier_ids']}: {', '.join(c.aliases)})" if c.aliases else ""
        out.append(f"{w['criterion_id']}: `{c.id}`{earlier}")
    if d.parameters:
        out += ["", f"## {w['parameters']}", ""]
        out += [f"| {w['parameter']} | {w['value']} | {w['mark']} | {w['note']} |"]
        out += ["|---|---|---|---|"]
        out += [
            f"| {_md_cell(a)} | {_md_cell(b)} | {_md_cell(c)} | {_md_cell(n)} |"
            for a, b, c, n in d.parameters
        ]
    if d.open_points:
        out += ["", f"## {w['open_points']}", ""]
        out += [f"- {_md(p)}" for p in d.open_points]
    out += ["", f"## {w['versions']}", ""]
    out += [f"| {w['version']} | {w['valid_from']} | {w['valid_to']} |", "|---|---|---|"]
    out += [
        f"| {v}{' ' + w['this_one'] if this else ''} | {f} | {t} |" for v, f, t, this in d.versions
    ]
    return mask_personal_numbers("\n".join(out)) + "\n"


# --- HTML -------------------------------------------------------------------------------

_DOC_CSS = """
section.criterion { break-inside: avoid; page-break-inside: avoid; margin: 0 0 4mm; }
section.criterion h3 { font-size: 11pt; margin: 4mm 0 1mm; }
p.mark { margin: 0.5mm 0; font-style: italic; color: #333; }
ul.test { margin: 1mm 0; padding-left: 5mm; }
table.params col.c-param { width: 28%; } table.params col.c-value { width: 22%; }
table.params col.c-mark { width: 16%; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_lines(line: Line) -> str:
    inner = "".join(_html_lines(c) for c in line.children)
    return f"<li>{_e(line.text)}" + (f'<ul class="test">{inner}</ul>' if inner else "") + "</li>"


def _html(d: RuleSetDoc) -> str:
    from reserverat.render.html import DOCUMENT_END, document_start

    w = _WORDS[d.lang]
    start = document_start(d.lang, title=f"{w['title']}: {d.title}").replace(
        "</style>", _DOC_CSS + "</style>", 1
    )
    body = [start, '<section class="page">', f"<h1>{_e(d.title)}</h1>"]
    if d.description:
        body.append(f"<p>{_e(d.description)}</p>")
    body.append(
        '<dl class="meta">'
        + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in d.meta)
        + "</dl>"
    )
    body += [
        f"<h2>{_e(w['basis'])}</h2>",
        "<ul>" + "".join(f"<li>{_e(b)}</li>" for b in d.basis) + "</ul>",
    ]
    body.append(f"<h2>{_e(w['criteria'])}</h2>")
    for c in d.criteria:
        parts = [
            f'<section class="criterion" id="{_e(c.id)}">',
            f"<h3>{c.number}. {_e(c.title)}</h3>",
        ]
        if c.description:
            parts.append(f"<p>{_e(c.description)}</p>")
        parts += [f'<p class="mark">{_e(m)}</p>' for m in c.marks]
        parts.append(f'<p><b>{_e(w["test"])}:</b></p><ul class="test">{_html_lines(c.test)}</ul>')
        if c.when is not None:
            parts.append(
                f'<p><b>{_e(w["applies_when"])}:</b></p><ul class="test">{_html_lines(c.when)}</ul>'
            )
            if c.when_text:
                parts.append(f"<p>{_e(w['otherwise'].capitalize())}: {_e(c.when_text)}</p>")
        earlier = f" ({w['earlier_ids']}: {', '.join(c.aliases)})" if c.aliases else ""
        parts += [
            f"<p><b>{_e(w['source'])}:</b> {_e(c.citation)}</p>",
            f'<div class="crit-id">{_e(w["criterion_id"])}: <code>{_e(c.id)}</code>'
            f"{_e(earlier)}</div>",
            "</section>",
        ]
        body.append("".join(parts))
    if d.parameters:
        rows = "".join(
            f"<tr><td>{_e(a)}</td><td>{_e(b)}</td><td>{_e(c)}</td><td>{_e(n)}</td></tr>"
            for a, b, c, n in d.parameters
        )
        body += [
            f"<h2>{_e(w['parameters'])}</h2>",
            '<table class="params"><colgroup><col class="c-param"><col class="c-value">'
            '<col class="c-mark"><col></colgroup>'
            f"<thead><tr><th>{_e(w['parameter'])}</th><th>{_e(w['value'])}</th>"
            f"<th>{_e(w['mark'])}</th><th>{_e(w['note'])}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>",
        ]
    if d.open_points:
        body += [
            f"<h2>{_e(w['open_points'])}</h2>",
            "<ul>" + "".join(f"<li>{_e(p)}</li>" for p in d.open_points) + "</ul>",
        ]
    rows = "".join(
        f"<tr><td>{_e(v)}{' ' + _e(w['this_one']) if this else ''}</td><td>{_e(f)}</td>"
        f"<td>{_e(t)}</td></tr>"
        for v, f, t, this in d.versions
    )
    body += [
        f"<h2>{_e(w['versions'])}</h2>",
        f"<table><thead><tr><th>{_e(w['version'])}</th><th>{_e(w['valid_from'])}</th>"
        f"<th>{_e(w['valid_to'])}</th></tr></thead><tbody>{rows}</tbody></table>",
        "</section>",
    ]
    return mask_personal_numbers("\n".join(body) + "\n" + DOCUMENT_END)


def render_ruleset(
    rules: RuleSet,
    fmt: str = "markdown",
    lang: str = "sv",
    as_of: date | None = None,
    versions: Sequence[tuple[str, date | None, date | None]] = (),
) -> str:
    """The rule set as a document: ``markdown`` or ``html``."""
    doc = ruleset_doc(rules, lang, as_of, versions)
    return _html(doc) if fmt == "html" else _markdown(doc)
