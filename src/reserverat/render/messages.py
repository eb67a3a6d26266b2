"""Message catalogues (Swedish and English) and number formatting for each language.

Templates name their arguments with a format spec that says what the number is:
``{share:pct}`` a share shown as a percentage, ``{points:pp}`` percentage points,
``{n:num}`` a count or quantity, ``{amount:sek}`` money, ``{d:date}`` a date.
"""

from __future__ import annotations

import re
import string
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from reserverat.labels import fact_label
from reserverat.result import Message

__all__ = [
    "CATALOGUES",
    "EVIDENCE",
    "LANGS",
    "VERDICT_LABELS",
    "fmt_number",
    "fmt_param",
    "fmt_share",
    "message_arguments",
    "render_message",
]

LANGS = ("sv", "en")

NBSP = "\u00a0"


def _group(digits: str, sep: str) -> str:
    out: list[str] = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return sep.join(out)


def fmt_number(value: Any, lang: str, decimals: int | None = None) -> str:
    """A number in the language's style: ``10 000,5`` in Swedish, ``10,000.5`` in English.

    >>> fmt_number(Decimal("12345.5"), "sv"), fmt_number(12345, "en")
    ('12\\xa0345,5', '12,345')
    """
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, int):
        value = Decimal(value)
    if not isinstance(value, Decimal):
        return str(value)
    if decimals is not None:
        value = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    negative = value < 0
    text = f"{abs(value):f}"
    whole, _, frac = text.partition(".")
    if decimals is None:
        frac = frac.rstrip("0")
    thousands, point = (NBSP, ",") if lang == "sv" else (",", ".")
    out = _group(whole, thousands) + (point + frac if frac else "")
    return ("-" if negative else "") + out


def _percent_text(value: Fraction, lang: str) -> str:
    pct = value * 100
    # Never let rounding show a whole number the value is not (29,99 % must not read 30,0 %).
    for decimals in (1, 2, 3, 4):
        rounded = round(pct, decimals)
        if rounded == pct or rounded != round(rounded):
            break
    text = fmt_number(Fraction(rounded), lang)
    if "," not in text and "." not in text and rounded != pct:
        text = fmt_number(Fraction(rounded), lang, decimals)
    return text


def fmt_share(value: Any, lang: str) -> str:
    """A share in [0, 1] as a percentage: ``29,6 %`` in Swedish, ``29.6%`` in English.

    >>> fmt_share(Fraction(2999, 10000), "sv"), fmt_share(Fraction(3, 10), "en")
    ('29,99\\xa0%', '30%')
    """
    text = _percent_text(Fraction(value), lang)
    return f"{text}{NBSP}%" if lang == "sv" else f"{text}%"


def fmt_points(value: Any, lang: str) -> str:
    """Percentage points: ``5,8 procentenheter`` / ``5.8 percentage points``."""
    text = _percent_text(Fraction(value), lang)
    return f"{text} procentenheter" if lang == "sv" else f"{text} percentage points"


def fmt_sek(value: Any, lang: str) -> str:
    """Money: ``125 000 kr`` / ``SEK 125,000``."""
    dec = (
        Decimal(value)
        if not isinstance(value, Fraction)
        else Decimal(value.numerator) / value.denominator
    )
    decimals = 0 if dec == dec.to_integral_value() else 2
    text = fmt_number(dec, lang, decimals)
    return f"{text}{NBSP}kr" if lang == "sv" else f"SEK {text}"


def fmt_value(value: Any, lang: str) -> str:
    """A fact's value as shown in text: numbers in the language's style, yes/no words."""
    if value is None:
        return "uppgift saknas" if lang == "sv" else "not stated"
    if isinstance(value, bool):
        return ("ja" if value else "nej") if lang == "sv" else ("yes" if value else "no")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | Decimal | Fraction | float):
        return fmt_number(value, lang)
    return str(value)


_UNITS = {
    "sv": {"months": ("månad", "månader"), "years": ("år", "år")},
    "en": {"months": ("month", "months"), "years": ("year", "years")},
}


def fmt_count(value: Any, unit: str, lang: str) -> str:
    """A count with its unit in the right number: ``1 månad``, ``12 månader``, ``3 years``."""
    one, many = _UNITS[lang][unit]
    word = one if value == 1 else many
    return f"{fmt_number(value, lang)}{NBSP if lang == 'sv' else ' '}{word}"


def fmt_words(codes: str, words: dict[str, str], lang: str) -> str:
    """Codes joined by ", " as words joined the way the language lists them.

    >>> fmt_words("owners, research", {"owners": "ägare", "research": "forskning"}, "sv")
    'ägare och forskning'
    """
    items = [words.get(c, c) for c in codes.split(", ") if c and c != "-"]
    if not items:
        return "inga" if lang == "sv" else "none"
    if len(items) == 1:
        return items[0]
    last = " och " if lang == "sv" else " and "
    return ", ".join(items[:-1]) + last + items[-1]


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "pct":
            return fmt_share(value, self.lang)
        if format_spec == "pp":
            return fmt_points(value, self.lang)
        if format_spec == "sek":
            return fmt_sek(value, self.lang)
        if format_spec == "km":
            # To the metre, without trailing zeros: 5,786 km, 9 km (never "9,000 km").
            exact = Decimal(value).quantize(Decimal("0.001")).normalize()
            return fmt_number(exact, self.lang) + (f"{NBSP}km" if self.lang == "sv" else " km")
        if format_spec == "m":
            return fmt_number(value, self.lang) + (f"{NBSP}m" if self.lang == "sv" else " m")
        if format_spec in ("months", "years"):
            return fmt_count(value, format_spec, self.lang)
        if format_spec == "word":
            return VALUE_WORDS[self.lang].get(str(value), str(value))
        if format_spec == "words":
            return fmt_words(str(value), VALUE_WORDS[self.lang], self.lang)
        if format_spec in ("num", "date", ""):
            return fmt_value(value, self.lang)
        return str(super().format_field(value, format_spec))


_FORMATTERS = {lang: _Formatter(lang) for lang in LANGS}

# Messages whose "missing" argument lists field paths (elsewhere only "path" is one).
_PATH_ARGS = {
    "share.missing_counts": ("path", "missing"),
    "share.unknown_targets": ("path", "missing"),
    "money.missing": ("path", "missing"),
}


def param_spec(value: Any, unit: str | None) -> str:
    """How a parameter's value is written, by its unit: a share as a percentage, km, months,
    years, a list in words, a code as a word, else a number."""
    if unit in ("share", "km", "months", "years"):
        return {"share": "pct"}.get(unit, unit)
    if unit == "list":
        return "words"
    if isinstance(value, str):
        return "word"
    return "num"


def fmt_param(value: Any, unit: str | None, lang: str) -> str:
    """A parameter's value as people read it, in its unit (:func:`param_spec`)."""
    return fmt_as(value, param_spec(value, unit), lang)


def fmt_as(value: Any, spec: str, lang: str) -> str:
    """A value formatted as a message argument would be with ``spec`` (pct, km, word, ...)."""
    return _FORMATTERS[lang].format_field(value, spec)


def render_message(message: Message, lang: str) -> str:
    """The message's text in ``lang``.

    Raises:
        KeyError: the catalogue has no entry for the code (a test prevents this).
    """
    code = message.code
    variant = _PATH_UNITS.get(str(message.args.get("path"))) if code in _NUMBER_CODES else None
    if code in ("value.in", "value.not_in") and ", " not in str(message.args.get("values")):
        variant = "one"  # "ekonomisk förening är inte enskild firma", not "… av värdena (x)"
    template = CATALOGUES[lang][f"{code}.{variant}" if variant else code]
    args = dict(message.args)
    # Field paths are said in words: "(sysselsatta › anställda › antal personer)".
    for key in ("path", "missing"):
        value = args.get(key)
        if isinstance(value, str) and value and key in _PATH_ARGS.get(code, ("path",)):
            args[key] = ", ".join(fact_label(part, lang) for part in value.split(", "))
    for key, words in WORDS[lang].items():
        if key in args and args[key] in words:
            args[key] = words[args[key]]
    for key, vocabulary in LIST_ARGS.items():
        if key in ("value", "values") and not message.code.startswith("value."):
            continue  # elsewhere a value is a number or a parameter's own choice
        if isinstance(args.get(key), str):
            args[key] = fmt_words(args[key], vocabulary[lang], lang)
    return _FORMATTERS[lang].vformat(template, (), args).rstrip()


VERDICT_LABELS = {
    "sv": {
        "met": "uppfyllt",
        "not_met": "ej uppfyllt",
        "undecided": "kan inte avgöras",
        "not_applicable": "ej tillämpligt",
    },
    "en": {
        "met": "met",
        "not_met": "not met",
        "undecided": "undecided",
        "not_applicable": "not applicable",
    },
}

OUTCOME_LABELS = {
    "sv": {
        "qualified": "KVALIFICERAD",
        "not_qualified": "INTE KVALIFICERAD",
        "undecided": "KAN INTE AVGÖRAS",
    },
    "en": {"qualified": "QUALIFIED", "not_qualified": "NOT QUALIFIED", "undecided": "UNDECIDED"},
}

EVIDENCE = {
    "sv": {
        "staff_list": "anonymiserad förteckning över sysselsatta per anställningsform och målgruppskategori på referensdagen",
        "statutes": "stadgar eller bolagsordning med verksamhetens syfte",
        "annual_report": "årsredovisningar eller verksamhetsberättelser för de senaste räkenskapsåren",
        "ownership_register": "aktiebok eller ägarförteckning med ägarnas organisationsnummer",
        "participation_documents": "underlag som visar hur de anställda deltar i beslut (ägande, avtal e.d.)",
        "salary_statement": "uppgift om lägsta och högsta månadslön (heltid)",
        "registration_certificate": "registreringsbevis",
        "legal_person_figures": "uppgifter för hela den juridiska person som lämnar anbud, inte en enhet",
        "truth_declaration": "en undertecknad och daterad sanningsförsäkran",
        "supplementary_declaration": "en kompletterande försäkran",
        "basis_decision": "beslut om beräkningsgrund (personer eller heltidsekvivalenter) för upphandlingen",
        "register_extract": "utdrag ur registret eller leverantörens organisationsnummer",
        "site_location": "koordinater eller postnummer för de platser där uppdraget utförs",
        "procurement_facts": "upphandlingens uppgifter (myndighet, CPV-kod, avtalstid)",
        "prior_awards_statement": "en försäkran om tidigare kontrakt enligt denna grund (myndighet, CPV-kod, datum)",
        "support_decision": "underlag som visar varje räknad persons behov av stöd (t.ex. beslut från Arbetsförmedlingen eller kommunen)",
        "buyer_centre": "myndighetens egen punkt (koordinater) för centrumet, i stället för ortsregistrets centralort",
        "cpv_list_check": "en kontroll av CPV-koden mot bestämmelsens egen lista i författningstexten",
    },
    "en": {
        "staff_list": "an anonymised list of the persons occupied, by form of occupation and target-group category, on the reference date",
        "statutes": "the statutes or articles of association stating the purpose",
        "annual_report": "annual reports for the most recent financial years",
        "ownership_register": "the share register or list of owners with their organisation numbers",
        "participation_documents": "documents showing how workers take part in decisions (ownership, agreement, etc.)",
        "salary_statement": "the lowest and highest monthly full-time salary",
        "registration_certificate": "a certificate of registration",
        "legal_person_figures": "figures for the whole tendering legal person, not a unit of it",
        "truth_declaration": "a signed and dated truth declaration",
        "supplementary_declaration": "a supplementary declaration",
        "basis_decision": "a decision on the basis (headcount or full-time equivalents) for this procurement",
        "register_extract": "an extract from the register, or the supplier's organisation number",
        "site_location": "coordinates or postal codes of the sites where the contract is performed",
        "procurement_facts": "the tender's facts (authority, CPV code, duration)",
        "prior_awards_statement": "a statement of earlier contracts on this basis (authority, CPV code, date)",
        "support_decision": "documents showing each counted person's need of support (e.g. a decision by Arbetsförmedlingen or the municipality)",
        "buyer_centre": "the buyer's own point (coordinates) for the centre, instead of the gazetteer's municipal seat",
        "cpv_list_check": "a check of the CPV code against the provision's own list in the statute",
    },
}

_SV: dict[str, str] = {
    "all_of.met": "Alla delvillkor är uppfyllda.",
    "all_of.not_met": "Minst ett delvillkor är inte uppfyllt.",
    "all_of.undecided": "Inget delvillkor är underkänt, men minst ett kan inte avgöras.",
    "all_of.not_applicable": "Inget delvillkor är tillämpligt.",
    "any_of.met": "Minst ett av alternativen är uppfyllt.",
    "any_of.not_met": "Inget av alternativen är uppfyllt.",
    "any_of.undecided": "Inget alternativ är uppfyllt ännu, men minst ett kan inte avgöras.",
    "any_of.not_applicable": "Inget alternativ är tillämpligt.",
    "not.met": "Villkoret ska inte vara uppfyllt, och det är det inte.",
    "not.not_met": "Villkoret ska inte vara uppfyllt, men det är det.",
    "not.undecided": "Det kan inte avgöras om villkoret är uppfyllt.",
    "not.not_applicable": "Villkoret är inte tillämpligt.",
    "at_least.met": "Minst {n:num} av villkoren ska vara uppfyllda; {met:num} är det.",
    "at_least.not_met": "Minst {n:num} av villkoren ska vara uppfyllda; bara {met:num} är det, och resten är underkända.",
    "at_least.undecided": "Minst {n:num} av villkoren ska vara uppfyllda; {met:num} är det och fler kan inte avgöras.",
    "at_least.not_applicable": "Inget av villkoren är tillämpligt.",
    "fact.true": "Ja enligt försäkran ({path}).",
    "fact.false": "Nej enligt försäkran ({path}).",
    "fact.unknown": "Uppgiften saknas ({path}).",
    "value.in": "{value} är ett av de godtagna värdena ({values}).",
    "value.not_in": "{value} är inte ett av de godtagna värdena ({values}).",
    "value.unknown": "Uppgiften saknas ({path}).",
    "number.at_least": "{value:num} är minst {minimum:num} ({path}).",
    "number.below": "{value:num} är mindre än {minimum:num} ({path}).",
    "number.unknown": "Uppgiften saknas ({path}).",
    "scope.legal_person": "Uppgifterna avser hela den juridiska person som lämnar anbud.",
    "scope.unit": "Uppgifterna avser bara en enhet ({unit}), inte hela den juridiska personen; det är den juridiska personen som helhet som ska uppfylla villkoren.",
    "scope.unknown": "Det framgår inte om uppgifterna avser hela den juridiska personen eller bara en enhet.",
    "age.fresh": "Uppgiften är daterad {date:date}, inte tidigare än {cutoff:date} ({months:months} före {as_of:date}).",
    "age.stale": "Uppgiften är daterad {date:date}, mer än {months:months} före bedömningsdagen {as_of:date}; den säger inget säkert om förhållandena nu. Begär aktuella uppgifter.",
    "age.unknown": "Datum saknas ({path}).",
    "age.after_as_of": "Uppgiften är daterad {date:date}, efter bedömningsdagen {as_of:date}; den visar inte förhållandena den dagen. Begär uppgifter per anbudsdagen.",
    "share.met": "{target:num} av {occupied:num} sysselsatta ({share:pct}, räknat i {basis}) tillhör målgrupperna; kravet är minst {threshold:pct}.",
    "share.met_at_least": "Minst {target:num} av {occupied:num} sysselsatta ({share:pct}, räknat i {basis}) tillhör målgrupperna, även om de som saknar uppgift inte räknas; kravet är minst {threshold:pct}.",
    "share.below": "{target:num} av {occupied:num} sysselsatta ({share:pct}, räknat i {basis}) tillhör målgrupperna; kravet är minst {threshold:pct}.",
    "share.below_even_if": "Även om alla utan uppgift tillhörde målgrupperna vore det högst {target_high:num} av {occupied:num} ({share_high:pct}, räknat i {basis}); kravet är minst {threshold:pct}.",
    "share.unknown_targets": "Mellan {target:num} och {target_high:num} av {occupied:num} sysselsatta ({share:pct}–{share_high:pct}) tillhör målgrupperna; kravet {threshold:pct} ligger inom spannet. Uppgift saknas: {missing}.",
    "share.missing_counts": "Antalet sysselsatta saknas för: {missing}. Begär antal för alla anställningsformer, med 0 där det inte finns några.",
    "share.no_occupied": "Inga sysselsatta personer är angivna ({basis}); andelen kan inte beräknas.",
    "share.no_workforce": "Uppgifter om de sysselsatta saknas ({path}).",
    "share.declared_met": "Leverantören har försäkrat att {share:pct} tillhör målgrupperna (uppgiven andel, inga antal); kravet är minst {threshold:pct}.",
    "share.declared_below": "Leverantören har försäkrat att {share:pct} tillhör målgrupperna (uppgiven andel, inga antal); kravet är minst {threshold:pct}.",
    "share.declared_not_accepted": "Bara en uppgiven andel ({share:pct}) finns, utan antal och referensdag; regelverket godtar inte det. Begär antal per kategori på anbudsdagen.",
    "share.basis_ambiguous": "Räknat i personer och i heltidsekvivalenter hamnar andelen på olika sidor om {threshold:pct}, och regelverket anger ingen beräkningsgrund.",
    "share.other_basis": "Räknat i {basis} är andelen {share:pct} ({target:num} av {occupied:num}).",
    "share.declared_mismatch": "Den uppgivna andelen {declared:pct} stämmer inte med de angivna antalen ({share:pct}).",
    "share.espd_claim_below": "ESPD-svaret är ja (leverantören uppger att den är en skyddad verkstad eller ett socialt företag), men den uppgivna andelen är bara {share:pct}: svaret motsäger sig självt.",
    "share.espd_ambiguous": "ESPD-filen (version 1) anger procentsatsen {raw}; verktyg för version 1 skrev antingen andelar eller procentenheter, så den kan betyda {as_fraction:pct} eller {as_points:pct}. Den används inte: fråga leverantören.",
    "owners.unknown": "Uppgift om ägare saknas.",
    "owners.kind_unknown": "Det framgår inte vilken sorts ägare detta är: {owners}.",
    "owners.public": "Offentlig ägare: {owners}.",
    "owners.none": "Leverantören har inga ägare (t.ex. en förening eller stiftelse).",
    "owners.none_public": "Ingen av de {count:num} ägarna är offentlig.",
    "owners.public_share_above": "Offentliga ägare har {share:pct} ({of}); högst {maximum:pct} är tillåtet.",
    "owners.public_share_within": "Offentliga ägare har {share:pct} ({of}); högst {maximum:pct} är tillåtet.",
    "owner.declared": "{owner}: {kind} enligt försäkran.",
    "owner.declared_contradicted": "{owner}: uppgiven som {declared}, men namnet är {matched} (poäng {score:num}); räknas som offentlig ägare.",
    "owner.matched": "{owner}: namnet stämmer med {matched} (poäng {score:num}).",
    "owner.look_alike": "{owner}: inte offentlig: {why_sv}.",
    "owner.company_named": "{owner}: bolag med samma namn som {matched} (poäng {score:num}); räknas som offentligt ägt bolag.",
    "owner.municipal_company": "{owner}: namnet är ett kommunalt bostads- eller fastighetsbolags ({matched}).",
    "owner.maybe_municipal_company": "{owner}: kan vara ett kommunalt bolag ({matched}); begär bolagets ägare och organisationsnummer.",
    "owner.company": "{owner}: bolag utan offentligt namn.",
    "owner.near": "{owner}: namnet liknar {matched} (poäng {score:num}) men inte nog för att avgöra; begär ägarens organisationsnummer.",
    "owner.bare_municipality": "{owner}: bara ett kommunnamn ({matched}); begär besked om ägaren är kommunen.",
    "owner.no_match": "{owner}: inget offentligt organ har ett liknande namn.",
    "owner.group_2": "{owner}: organisationsnumret hör till grupp 2 (staten, regioner, kommuner, men också församlingar); begär besked om vilken sorts ägare det är.",
    "control.board": "Offentlig part ({owner}) utser majoriteten av styrelsen: rättsligt bestämmande inflytande.",
    "control.other": "Offentlig part ({owner}) har annat rättsligt bestämmande inflytande.",
    "control.majority": "Offentliga ägare ({owners}) har {share:pct} av rösterna, mer än {limit:pct}.",
    "control.none": "Offentliga ägare ({owners}) har {share:pct} av rösterna, inte mer än {limit:pct}, och utser inte styrelsens majoritet: inget bestämmande inflytande.",
    "control.no_public_owners": "Ingen offentlig ägare och ingen offentlig rätt att utse styrelsen: inget bestämmande inflytande.",
    "control.public_unstated": "Det framgår inte om stat, region eller kommun utser styrelsens majoritet eller på annat sätt har rättsligt bestämmande inflytande (det kan finnas utan ägande, till exempel i en stiftelse som en kommun har bildat).",
    "control.board_unknown": "Det framgår inte om {owners} utser styrelsens majoritet.",
    "control.board_assumed": "Det framgår inte om {owners} utser styrelsen; antas följa rösterna (aktiebolagslagens huvudregel).",
    "register.not_supplied": "Registret {register} har inte lämnats till bedömningen.",
    "register.number": "Finns i registret {register} med organisationsnummer {number} ({name}, rad {row:num}).",
    "register.name": "Finns i registret {register} under samma namn ({name}, rad {row:num}); inget organisationsnummer att jämföra.",
    "register.near": "Namnet liknar {name} i registret {register} (poäng {score:num}, rad {row:num}) men organisationsnumret bekräftar det inte.",
    "register.absent": "Finns inte i registret {register} ({size:num} poster).",
    "sources.insufficient": "Uppgifterna räcker i sak, men de vilar på {found} och regeln kräver {required} {stage}.",
    "sources.stale": "Underlaget från {dated:date} är för gammalt: {source_sv} (högst {days:num} dagar gammalt godtas; inaktuellt sedan {since:date}).",
    "sources.undated": "Underlagets datum är okänt: {source_sv}; regeln godtar högst {days:num} dagar gammalt underlag.",
    "geo.within": "{site} ligger {distance:km} från {centre} ({centre_source}); inom {radius:km} även med osäkerheten ±{uncertainty:m} (position: {source}).",
    "geo.outside": "{site} ligger {distance:km} från närmaste centrum, {centre} ({centre_source}); utanför {radius:km} även med osäkerheten ±{uncertainty:m} (position: {source}).",
    "geo.uncertain": "{site} ligger {distance:km} från {centre} ({centre_source}), men osäkerheten ±{uncertainty:m} gör att gränsen {radius:km} inte kan avgöras (position: {source}). Begär platsens koordinater.",
    "geo.no_sites": "Inga platser där uppdraget utförs är angivna.",
    "zone.inside": "{site} ligger inom {zone}, {boundary:km} från gränsen; osäkerheten är ±{uncertainty:m} (position: {source}).",
    "zone.outside": "{site} ligger utanför {zone}, {boundary:km} från gränsen; osäkerheten är ±{uncertainty:m} (position: {source}).",
    "zone.uncertain": "{site} ligger {boundary:km} från gränsen för {zone}, inom osäkerheten ±{uncertainty:m} (position: {source}). Begär platsens koordinater.",
    "municipality.in": "{site} ligger i {municipality} (enligt {how}); godtagna kommuner: {wanted}.",
    "municipality.not_in": "{site} ligger i {municipality} (enligt {how}); godtagna kommuner: {wanted}.",
    "municipality.unknown": "Det framgår inte i vilken kommun {site} ligger. Begär kommun eller postnummer.",
    "gap.zone": "Platsen skulle behöva ligga {distance:km} längre in för att säkert ligga inom {zone}.",
    "gap.km": "Platsen skulle behöva ligga {distance:km} närmare {centre} för att med osäkerheten ±{uncertainty:m} säkert ligga inom radien.",
    "number.at_most": "{value:num} är högst {maximum:num} ({path}).",
    "number.above": "{value:num} är mer än {maximum:num} ({path}).",
    "gap.number_over": "{over:num} för mycket ({path}).",
    "cpv.unknown": "Upphandlingens huvudsakliga CPV-kod saknas; godtagna: {listed}.",
    "cpv.in": "CPV-koden {cpv} finns bland de godtagna ({listed}).",
    "cpv.not_in": "CPV-koden {cpv} finns inte bland de godtagna ({listed}).",
    "awards.unknown": "Det framgår inte vilka kontrakt leverantören tidigare tilldelats med denna grund.",
    "awards.no_procurement": "Upphandlande myndighet och CPV-kod behövs för att pröva tidigare tilldelningar.",
    "awards.clash": "{authority} tilldelade leverantören ett kontrakt för samma tjänster {awarded_on:date}, inom de senaste {years:num} åren ({since:date}–{as_of:date}, båda dagarna inräknade).",
    "awards.cpv_unknown": "{authority} tilldelade leverantören ett kontrakt {awarded_on:date}, men det framgår inte om det avsåg samma tjänster (CPV-kod saknas).",
    "awards.none": "Inget kontrakt från {authority} för samma tjänster under de senaste {years:num} åren ({since:date}–{as_of:date}).",
    "money.no_years": "Uppgifter om räkenskapsår saknas.",
    "money.stale_years": "Det senaste räkenskapsåret slutade {latest:date}, före {due:date} ({months:months} före bedömningsdagen): uppgifterna är för gamla.",
    "money.too_few_years": "Uppgifter finns för {have:num} avslutade räkenskapsår; {need:num} behövs.",
    "money.missing": "Uppgift saknas: {missing}.",
    "money.no_profit": "Ingen vinst under {years:num} år ({from:date}–{to:date}) och inget värde fördes över: inget att återinvestera.",
    "money.transfer_without_profit": "Ingen vinst under {years:num} år ({from:date}–{to:date}), men {distributed:sek} fördes ändå över.",
    "money.mainly_reinvested": "Av vinsten {profit:sek} under {years:num} år ({from:date}–{to:date}) delades {distributed:sek} ut; {kept:pct} stannade i verksamheten (krav: minst {share:pct}).",
    "money.not_mainly_reinvested": "Av vinsten {profit:sek} under {years:num} år ({from:date}–{to:date}) delades {distributed:sek} ut; bara {kept:pct} stannade i verksamheten (krav: minst {share:pct}).",
    "money.forbidden_transfer": "Under {years:num} räkenskapsår fördes {amount:sek} över till mottagare som inte är tillåtna: {recipients}. Tillåtna mottagare: {allowed}.",
    "money.transfers_allowed": "Under {years:num} räkenskapsår fördes värde bara över till tillåtna mottagare ({allowed}).",
    "salary.within": "Högsta lönen {highest:sek} är {ratio:num} gånger den lägsta {lowest:sek}; högst {maximum:num} gånger är tillåtet.",
    "salary.above": "Högsta lönen {highest:sek} är {ratio:num} gånger den lägsta {lowest:sek}; högst {maximum:num} gånger är tillåtet.",
    "salary.unknown": "Lägsta och högsta lön saknas.",
    "guard.not_applicable": "Villkoret gäller inte denna leverantör.",
    "guard.text": "{text_sv}",
    "gap.share_headcount": "{persons:num} fler av de {occupied:num} sysselsatta skulle behöva tillhöra målgrupperna ({points:pp} under kravet).",
    "gap.share_fte": "{fte:num} fler heltidsekvivalenter skulle behöva avse personer i målgrupperna ({points:pp} under kravet).",
    "gap.share_points": "{points:pp} från kravet.",
    "gap.number": "{missing:num} saknas ({path}).",
    "gap.money": "{amount:sek} mindre i överföringar skulle ha behövts.",
    "gap.salary": "Högsta lönen skulle behöva vara högst {highest_max:sek}.",
    "ruleset.not_in_force": "Den rättsliga grunden gällde inte på bedömningsdagen {as_of:date} (den gäller {valid_from:date}–{valid_to:date}): ingen kan kvalificeras enligt den.",
    "geo.uncertain_centre": "{site} ligger {distance:km} från {centre} ({centre_source}); gränsen {radius:km} kan inte avgöras, och det mesta av osäkerheten ±{uncertainty:m} är centrumpunktens. Ange myndighetens egen punkt för centrumet.",
    "geo.unplaced.nothing": "{site} kan inte placeras: varken koordinater, postnummer, ort eller kommun är angivna.",
    "geo.unplaced.postal_code": "{site} kan inte placeras: postnumret {detail} finns inte i ortsregistret.",
    "geo.unplaced.locality": "{site} kan inte placeras: orten {detail} finns inte i ortsregistret.",
    "geo.unplaced.ambiguous": "{site} kan inte placeras: namnet delas av flera orter ({detail}). Begär kommunen.",
    "geo.unplaced.geocoder": "{site} kan inte placeras: geokodaren hittade inget för {detail}.",
    "money.ideburna_registration_unknown": "{amount:sek} fördes över till idéburna organisationer, men det framgår inte om de är registrerade hos Kammarkollegiet; bara registrerade idéburna organisationer får ta emot värdeöverföringar.",
    "share.undocumented_need": "{target:num} av {occupied:num} sysselsatta räknas till målgrupperna, men bara för {documented:num} av {target_high:num} är behovet av stöd dokumenterat, och det avgör om kravet {threshold:pct} nås. Varje person som räknas ska ha ett verkligt behov av stöd.",
    "share.documented_need_same": "Behovet av stöd är dokumenterat för {documented:num} av {target:num} personer i målgrupperna; utfallet blir detsamma om bara de räknas.",
    "cpv.not_in_unverified": "CPV-koden {cpv} finns inte i den lista som återgetts här ({listed}); listan är inte kontrollerad mot författningstexten, så utfallet kan inte avgöras. Kontrollera bestämmelsens egen lista.",
    "owners.none_public_one": "Den enda ägaren är inte offentlig.",
    "ruleset.not_in_force.from": "Den rättsliga grunden gällde inte på bedömningsdagen {as_of:date} (den gäller från {valid_from:date}): ingen kan kvalificeras enligt den.",
    "ruleset.not_in_force.to": "Den rättsliga grunden gällde inte på bedömningsdagen {as_of:date} (den gällde till och med {valid_to:date}): ingen kan kvalificeras enligt den.",
    "criterion.advisory_not_met": "Rådgivande kriterium ej uppfyllt (påverkar inte utfallet): {title_sv}.",
    "input.cell": "Cell {where}: {problem_sv}.",
    "evaluation.today": "Ingen bedömningsdag angavs och upphandlingen anger ingen sista anbudsdag: dagens datum {as_of:date} används.",
    "input.file": "Filen: {problem_sv}.",
    "input.espd": "ESPD-svaret ({where}): {problem_sv}.",
    "criterion.advisory_undecided": "Rådgivande kriterium kan inte avgöras (påverkar inte utfallet): {title_sv}.",
    "mark.criterion": "{mark}: {note_sv}",
    "mark.param.share": "{mark}: {label_sv}, värde som används: {value:pct}. {note_sv}",
    "mark.param.km": "{mark}: {label_sv}, värde som används: {value:km}. {note_sv}",
    "mark.param.months": "{mark}: {label_sv}, värde som används: {value:months}. {note_sv}",
    "mark.param.years": "{mark}: {label_sv}, värde som används: {value:years}. {note_sv}",
    "mark.param.number": "{mark}: {label_sv}, värde som används: {value:num}. {note_sv}",
    "mark.param.choice": "{mark}: {label_sv}, värde som används: {value:word}. {note_sv}",
    "mark.param.yes_no": "{mark}: {label_sv}, värde som används: {value:num}. {note_sv}",
    "mark.param.list": "{mark}: {label_sv}, värde som används: {value:words}. {note_sv}",
    "value.in.one": "{value} är {values}.",
    "value.not_in.one": "{value} är inte {values}.",
}

_EN: dict[str, str] = {
    "all_of.met": "All parts are met.",
    "all_of.not_met": "At least one part is not met.",
    "all_of.undecided": "No part fails, but at least one cannot be decided.",
    "all_of.not_applicable": "No part applies.",
    "any_of.met": "At least one alternative is met.",
    "any_of.not_met": "No alternative is met.",
    "any_of.undecided": "No alternative is met yet, but at least one cannot be decided.",
    "any_of.not_applicable": "No alternative applies.",
    "not.met": "The condition must not hold, and it does not.",
    "not.not_met": "The condition must not hold, but it does.",
    "not.undecided": "Whether the condition holds cannot be decided.",
    "not.not_applicable": "The condition does not apply.",
    "at_least.met": "At least {n:num} of the conditions must be met; {met:num} are.",
    "at_least.not_met": "At least {n:num} of the conditions must be met; only {met:num} are and the rest fail.",
    "at_least.undecided": "At least {n:num} of the conditions must be met; {met:num} are and more cannot be decided.",
    "at_least.not_applicable": "None of the conditions applies.",
    "fact.true": "Yes, as declared ({path}).",
    "fact.false": "No, as declared ({path}).",
    "fact.unknown": "Not stated ({path}).",
    "value.in": "{value} is one of the accepted values ({values}).",
    "value.not_in": "{value} is not one of the accepted values ({values}).",
    "value.unknown": "Not stated ({path}).",
    "number.at_least": "{value:num} is at least {minimum:num} ({path}).",
    "number.below": "{value:num} is less than {minimum:num} ({path}).",
    "number.unknown": "Not stated ({path}).",
    "scope.legal_person": "The figures describe the whole tendering legal person.",
    "scope.unit": "The figures describe only a unit ({unit}), not the whole legal person; the legal person as a whole must meet the conditions.",
    "scope.unknown": "It is not stated whether the figures describe the whole legal person or only a unit.",
    "age.fresh": "Dated {date:date}, not earlier than {cutoff:date} ({months:months} before {as_of:date}).",
    "age.stale": "Dated {date:date}, more than {months:months} before the evaluation date {as_of:date}; it says nothing certain about the present. Ask for current figures.",
    "age.unknown": "No date given ({path}).",
    "age.after_as_of": "The figure is dated {date:date}, after the evaluation date {as_of:date}; it does not show the conditions on that day. Ask for figures as of the submission date.",
    "share.met": "{target:num} of {occupied:num} persons occupied ({share:pct}, by {basis}) belong to the target groups; at least {threshold:pct} is required.",
    "share.met_at_least": "At least {target:num} of {occupied:num} persons occupied ({share:pct}, by {basis}) belong to the target groups even without those not stated; at least {threshold:pct} is required.",
    "share.below": "{target:num} of {occupied:num} persons occupied ({share:pct}, by {basis}) belong to the target groups; at least {threshold:pct} is required.",
    "share.below_even_if": "Even if everyone not stated belonged to the target groups it would be at most {target_high:num} of {occupied:num} ({share_high:pct}, by {basis}); at least {threshold:pct} is required.",
    "share.unknown_targets": "Between {target:num} and {target_high:num} of {occupied:num} persons occupied ({share:pct}–{share_high:pct}) belong to the target groups; the requirement {threshold:pct} lies inside that range. Not stated: {missing}.",
    "share.missing_counts": "The number of persons occupied is not stated for: {missing}. Ask for counts for every form of occupation, with 0 where there are none.",
    "share.no_occupied": "No persons occupied are stated ({basis}); the share cannot be computed.",
    "share.no_workforce": "Nothing is stated about the persons occupied ({path}).",
    "share.declared_met": "The supplier declared that {share:pct} belong to the target groups (a declared share, no counts); at least {threshold:pct} is required.",
    "share.declared_below": "The supplier declared that {share:pct} belong to the target groups (a declared share, no counts); at least {threshold:pct} is required.",
    "share.declared_not_accepted": "Only a declared share ({share:pct}) is given, without counts or a reference date; the rule set does not accept that. Ask for counts by category on the submission date.",
    "share.basis_ambiguous": "By headcount and by full-time equivalents the share falls on different sides of {threshold:pct}, and the rule set names no basis.",
    "share.other_basis": "By {basis} the share is {share:pct} ({target:num} of {occupied:num}).",
    "share.declared_mismatch": "The declared share {declared:pct} does not match the counts given ({share:pct}).",
    "share.espd_claim_below": "The ESPD answer is yes (the supplier says it is a sheltered workshop or social business), but the declared share is only {share:pct}: the answer contradicts itself.",
    "share.espd_ambiguous": "The ESPD file (version 1) gives the percentage as {raw}; version 1 tools wrote either fractions or percent points, so it may mean {as_fraction:pct} or {as_points:pct}. It is not used: ask the supplier.",
    "owners.unknown": "The owners are not stated.",
    "owners.kind_unknown": "It is not stated what kind of owner this is: {owners}.",
    "owners.public": "Public owner: {owners}.",
    "owners.none": "The supplier has no owners (e.g. an association or a foundation).",
    "owners.none_public": "None of the {count:num} owners is public.",
    "owners.public_share_above": "Public owners hold {share:pct} ({of}); at most {maximum:pct} is allowed.",
    "owners.public_share_within": "Public owners hold {share:pct} ({of}); at most {maximum:pct} is allowed.",
    "owner.declared": "{owner}: {kind}, as declared.",
    "owner.declared_contradicted": "{owner}: declared as {declared}, but the name is {matched} (score {score:num}); counted as a public owner.",
    "owner.matched": "{owner}: the name matches {matched} (score {score:num}).",
    "owner.look_alike": "{owner}: not public: {why_en}.",
    "owner.company_named": "{owner}: a company named as {matched} (score {score:num}); counted as a publicly owned company.",
    "owner.municipal_company": "{owner}: the name of a municipal housing or property company ({matched}).",
    "owner.maybe_municipal_company": "{owner}: may be a municipal company ({matched}); ask for the company's owner and organisation number.",
    "owner.company": "{owner}: a company without a public name.",
    "owner.near": "{owner}: the name resembles {matched} (score {score:num}) but not enough to decide; ask for the owner's organisation number.",
    "owner.bare_municipality": "{owner}: only a municipality's name ({matched}); ask whether the owner is the municipality.",
    "owner.no_match": "{owner}: no public body has a similar name.",
    "owner.group_2": "{owner}: the organisation number is in group 2 (the state, regions, municipalities, but also parishes); ask what kind of owner this is.",
    "control.board": "A public party ({owner}) appoints the majority of the board: legal controlling influence.",
    "control.other": "A public party ({owner}) has other legal controlling influence.",
    "control.majority": "Public owners ({owners}) hold {share:pct} of the votes, more than {limit:pct}.",
    "control.none": "Public owners ({owners}) hold {share:pct} of the votes, not more than {limit:pct}, and do not appoint a board majority: no controlling influence.",
    "control.no_public_owners": "No public owner and no public right to appoint the board: no controlling influence.",
    "control.public_unstated": "It is not stated whether the state, a region or a municipality appoints the majority of the board or otherwise has legal controlling influence (which needs no ownership, as in a foundation a municipality set up).",
    "control.board_unknown": "It is not stated whether {owners} appoint the board majority.",
    "control.board_assumed": "It is not stated whether {owners} appoint the board; assumed to follow the votes (the companies act's main rule).",
    "register.not_supplied": "The register {register} was not handed to the evaluation.",
    "register.number": "In the register {register} under organisation number {number} ({name}, row {row:num}).",
    "register.name": "In the register {register} under the same name ({name}, row {row:num}); no organisation number to compare.",
    "register.near": "The name resembles {name} in the register {register} (score {score:num}, row {row:num}) but the organisation number does not confirm it.",
    "register.absent": "Not in the register {register} ({size:num} entries).",
    "sources.insufficient": "The facts would do, but they rest on {found} and the rule asks for {required} {stage}.",
    "sources.stale": "The evidence of {dated:date} is too old: {source_en} (at most {days:num} days old is accepted; stale since {since:date}).",
    "sources.undated": "The evidence's date is unknown: {source_en}; the rule accepts evidence at most {days:num} days old.",
    "geo.within": "{site} is {distance:km} from {centre} ({centre_source}); within {radius:km} even allowing for ±{uncertainty:m} (position: {source}).",
    "geo.outside": "{site} is {distance:km} from the nearest centre, {centre} ({centre_source}); outside {radius:km} even allowing for ±{uncertainty:m} (position: {source}).",
    "geo.uncertain": "{site} is {distance:km} from {centre} ({centre_source}), but the uncertainty of ±{uncertainty:m} straddles the {radius:km} limit (position: {source}). Ask for the site's coordinates.",
    "geo.no_sites": "No sites where the contract is performed are stated.",
    "zone.inside": "{site} is inside {zone}, {boundary:km} from its boundary; the uncertainty is ±{uncertainty:m} (position: {source}).",
    "zone.outside": "{site} is outside {zone}, {boundary:km} from its boundary; the uncertainty is ±{uncertainty:m} (position: {source}).",
    "zone.uncertain": "{site} is {boundary:km} from the boundary of {zone}, within the uncertainty of ±{uncertainty:m} (position: {source}). Ask for the site's coordinates.",
    "municipality.in": "{site} is in {municipality} (by {how}); accepted municipalities: {wanted}.",
    "municipality.not_in": "{site} is in {municipality} (by {how}); accepted municipalities: {wanted}.",
    "municipality.unknown": "It is not stated in which municipality {site} lies. Ask for the municipality or a postal code.",
    "gap.zone": "The site would have to be {distance:km} further in to lie within {zone} for certain.",
    "gap.km": "The site would have to be {distance:km} closer to {centre} to lie within the radius for certain, given the uncertainty of ±{uncertainty:m}.",
    "number.at_most": "{value:num} is at most {maximum:num} ({path}).",
    "number.above": "{value:num} is more than {maximum:num} ({path}).",
    "gap.number_over": "{over:num} too much ({path}).",
    "cpv.unknown": "The tender's main CPV code is not stated; accepted: {listed}.",
    "cpv.in": "The CPV code {cpv} is among those accepted ({listed}).",
    "cpv.not_in": "The CPV code {cpv} is not among those accepted ({listed}).",
    "awards.unknown": "It is not stated which contracts the supplier was awarded earlier on this basis.",
    "awards.no_procurement": "The contracting authority and the CPV code are needed to check earlier awards.",
    "awards.clash": "{authority} awarded the supplier a contract for the same services on {awarded_on:date}, within the last {years:num} years ({since:date} to {as_of:date}, both days included).",
    "awards.cpv_unknown": "{authority} awarded the supplier a contract on {awarded_on:date}, but it is not stated whether it was for the same services (no CPV code).",
    "awards.none": "No contract from {authority} for the same services in the last {years:num} years ({since:date} to {as_of:date}).",
    "money.no_years": "No financial years are stated.",
    "money.stale_years": "The latest financial year ended on {latest:date}, before {due:date} ({months:months} before the evaluation date): the figures are too old.",
    "money.too_few_years": "Figures are given for {have:num} closed financial years; {need:num} are needed.",
    "money.missing": "Not stated: {missing}.",
    "money.no_profit": "No profit in {years:num} years ({from:date} to {to:date}) and no value transferred: nothing to reinvest.",
    "money.transfer_without_profit": "No profit in {years:num} years ({from:date} to {to:date}), yet {distributed:sek} was transferred.",
    "money.mainly_reinvested": "Of the profit of {profit:sek} over {years:num} years ({from:date} to {to:date}), {distributed:sek} was distributed; {kept:pct} stayed in the business (required: at least {share:pct}).",
    "money.not_mainly_reinvested": "Of the profit of {profit:sek} over {years:num} years ({from:date} to {to:date}), {distributed:sek} was distributed; only {kept:pct} stayed in the business (required: at least {share:pct}).",
    "money.forbidden_transfer": "Over {years:num} financial years {amount:sek} was transferred to recipients that are not allowed: {recipients}. Allowed recipients: {allowed}.",
    "money.transfers_allowed": "Over {years:num} financial years value went only to allowed recipients ({allowed}).",
    "salary.within": "The highest salary {highest:sek} is {ratio:num} times the lowest {lowest:sek}; at most {maximum:num} times is allowed.",
    "salary.above": "The highest salary {highest:sek} is {ratio:num} times the lowest {lowest:sek}; at most {maximum:num} times is allowed.",
    "salary.unknown": "The lowest and highest salaries are not stated.",
    "guard.not_applicable": "The condition does not apply to this supplier.",
    "guard.text": "{text_en}",
    "gap.share_headcount": "{persons:num} more of the {occupied:num} persons occupied would have to belong to the target groups ({points:pp} below the requirement).",
    "gap.share_fte": "{fte:num} more full-time equivalents would have to be persons in the target groups ({points:pp} below the requirement).",
    "gap.share_points": "{points:pp} from the requirement.",
    "gap.number": "{missing:num} short ({path}).",
    "gap.money": "{amount:sek} less in transfers would have been needed.",
    "gap.salary": "The highest salary would have to be at most {highest_max:sek}.",
    "ruleset.not_in_force": "The legal basis was not in force on the evaluation date {as_of:date} (it applies from {valid_from:date} to {valid_to:date}): nobody can qualify under it.",
    "geo.uncertain_centre": "{site} is {distance:km} from {centre} ({centre_source}); the {radius:km} limit cannot be decided, and most of the uncertainty of ±{uncertainty:m} is the centre's. Give the buyer's own point for the centre.",
    "geo.unplaced.nothing": "{site} cannot be placed: no coordinates, postal code, locality or municipality is given.",
    "geo.unplaced.postal_code": "{site} cannot be placed: the postal code {detail} is not in the gazetteer.",
    "geo.unplaced.locality": "{site} cannot be placed: the locality {detail} is not in the gazetteer.",
    "geo.unplaced.ambiguous": "{site} cannot be placed: several places share the name ({detail}). Ask for the municipality.",
    "geo.unplaced.geocoder": "{site} cannot be placed: the geocoder found nothing for {detail}.",
    "money.ideburna_registration_unknown": "{amount:sek} was transferred to idéburna organisationer, but it is not stated whether they are registered with Kammarkollegiet; only registered idéburna organisationer may receive value transfers.",
    "share.undocumented_need": "{target:num} of {occupied:num} persons occupied are counted in the target groups, but a need of support is documented for only {documented:num} of {target_high:num}, and that decides whether the requirement of {threshold:pct} is reached. Each person counted must have a real need of support.",
    "share.documented_need_same": "A need of support is documented for {documented:num} of the {target:num} persons in the target groups; the verdict is the same if only they are counted.",
    "cpv.not_in_unverified": "The CPV code {cpv} is not in the list given here ({listed}); the list has not been checked against the statute's text, so the verdict cannot be decided. Check the provision's own list.",
    "owners.none_public_one": "The only owner is not public.",
    "ruleset.not_in_force.from": "The legal basis was not in force on the evaluation date {as_of:date} (it applies from {valid_from:date}): nobody can qualify under it.",
    "ruleset.not_in_force.to": "The legal basis was not in force on the evaluation date {as_of:date} (it applied until {valid_to:date}): nobody can qualify under it.",
    "criterion.advisory_not_met": "Advisory criterion not met (does not change the outcome): {title_en}.",
    "input.cell": "Cell {where}: {problem_en}.",
    "evaluation.today": "No evaluation date was given and the procurement gives no submission date: today, {as_of:date}, is used.",
    "input.file": "The file: {problem_en}.",
    "input.espd": "The ESPD Response ({where}): {problem_en}.",
    "criterion.advisory_undecided": "Advisory criterion undecided (does not change the outcome): {title_en}.",
    "mark.criterion": "{mark}: {note_en}",
    "mark.param.share": "{mark}: {label_en}, value used: {value:pct}. {note_en}",
    "mark.param.km": "{mark}: {label_en}, value used: {value:km}. {note_en}",
    "mark.param.months": "{mark}: {label_en}, value used: {value:months}. {note_en}",
    "mark.param.years": "{mark}: {label_en}, value used: {value:years}. {note_en}",
    "mark.param.number": "{mark}: {label_en}, value used: {value:num}. {note_en}",
    "mark.param.choice": "{mark}: {label_en}, value used: {value:word}. {note_en}",
    "mark.param.yes_no": "{mark}: {label_en}, value used: {value:num}. {note_en}",
    "mark.param.list": "{mark}: {label_en}, value used: {value:words}. {note_en}",
    "value.in.one": "{value}: as required, {values}.",
    "value.not_in.one": "{value}: not {values}.",
}

_KIND_SV = {
    "person": "privatperson",
    "company": "bolag",
    "ideburen": "idéburen organisation",
    "other": "annan ägare",
    "municipality": "kommun",
    "region": "region",
    "state": "staten",
    "public_company": "offentligt ägt bolag",
    "public_association": "offentlig sammanslutning",
}
_KIND_EN = {
    "person": "private person",
    "company": "company",
    "ideburen": "idéburen organisation",
    "other": "other owner",
    "municipality": "municipality",
    "region": "region",
    "state": "the state",
    "public_company": "publicly owned company",
    "public_association": "public association",
}

_SOURCE_SV = {
    "declared": "angivna koordinater",
    "postal_code": "postnumrets postort, ±5 km",
    "locality": "ortens mittpunkt",
    "geocoder": "geokodad adress",
    "gazetteer_seat": "centralort enligt ortsregistret (GeoNames), kan avvika ~1 km",
    "stated_by_buyer": "myndighetens angivna punkt",
    "municipality": "bara kommunen är känd: hela kommunens yta, uppskattad ur ortsregistret",
}
_SOURCE_EN = {
    "declared": "declared coordinates",
    "postal_code": "the postal code's postal town, ±5 km",
    "locality": "the locality's centre",
    "geocoder": "geocoded address",
    "gazetteer_seat": "municipal seat from the gazetteer (GeoNames), may be ~1 km off",
    "stated_by_buyer": "the buyer's stated point",
    "municipality": "only the municipality is known: its whole area, estimated from the gazetteer",
}

RECIPIENT_WORDS = {
    "sv": {
        "owners": "ägare eller medlemmar",
        "registered_ideburna": "registrerade idéburna organisationer",
        "unregistered_ideburna": "idéburna organisationer som inte är registrerade",
        "ideburna": "idéburna organisationer (registrering okänd)",
        "research": "forskning",
        "work_integration": "annan arbetsintegrerande verksamhet",
        "other": "andra (gåvor, affärer under marknadspris)",
    },
    "en": {
        "owners": "owners or members",
        "registered_ideburna": "registered idéburna organisationer",
        "unregistered_ideburna": "idéburna organisationer that are not registered",
        "ideburna": "idéburna organisationer (registration unknown)",
        "research": "research",
        "work_integration": "other work-integration activity",
        "other": "others (gifts, deals below market price)",
    },
}

# The closed vocabularies of declaration facts, as value_in names them.
FACT_WORDS = {
    "sv": {
        "aktiebolag": "aktiebolag",
        "svb_aktiebolag": "aktiebolag med särskild vinstutdelningsbegränsning",
        "ekonomisk_forening": "ekonomisk förening",
        "ideell_forening": "ideell förening",
        "stiftelse": "stiftelse",
        "enskild_firma": "enskild firma",
        "handelsbolag": "handelsbolag eller kommanditbolag",
        "registrerat_trossamfund": "registrerat trossamfund",
        "foreign": "utländsk juridisk person",
        "other": "annan",
        "ownership": "ägande",
        "agreement": "avtal",
        "other_documented": "annat väldokumenterat sätt",
        "none": "inget",
        "runs": "bedriver",
        "intends": "avser att bedriva",
        "no": "nej",
        "legal_person": "hela den juridiska personen",
        "unit": "en enhet",
    },
    "en": {
        "aktiebolag": "aktiebolag (limited company)",
        "svb_aktiebolag": "aktiebolag with restricted profit distribution",
        "ekonomisk_forening": "ekonomisk förening (cooperative)",
        "ideell_forening": "ideell förening (non-profit association)",
        "stiftelse": "stiftelse (foundation)",
        "enskild_firma": "sole trader",
        "handelsbolag": "partnership",
        "registrerat_trossamfund": "registered religious community",
        "foreign": "foreign legal person",
        "other": "other",
        "ownership": "ownership",
        "agreement": "agreement",
        "other_documented": "another well-documented way",
        "none": "none",
        "runs": "runs",
        "intends": "intends to run",
        "no": "no",
        "legal_person": "the whole legal person",
        "unit": "a unit",
    },
}

# Code values people read: parameter choices and lists, basis marks.
VALUE_WORDS = {
    "sv": {
        "accept": "godtas",
        "undecided": "kan inte avgöras",
        "not_met": "ej uppfyllt",
        "headcount": "personer",
        "fte": "heltidsekvivalenter",
        "unspecified": "ingen vald",
        "ask": "fråga leverantören",
        "exclude": "räkna bara dokumenterade",
        "advisory": "rådgivande",
        "required": "krav",
        "follows_votes": "följer rösterna",
        "any": "någon av platserna",
        "all": "alla platser",
        "employed": "anställda",
        "trainees": "praktikanter",
        "work_training": "arbetsträning",
        "other": "övriga",
        "each_member": "varje medlem",
        "combined_workforce": "sammanlagda sysselsatta",
    },
    "en": {
        "accept": "accepted",
        "undecided": "undecided",
        "not_met": "not met",
        "headcount": "headcount",
        "fte": "full-time equivalents",
        "unspecified": "none chosen",
        "ask": "ask the supplier",
        "exclude": "count only the documented",
        "advisory": "advisory",
        "required": "required",
        "follows_votes": "follows the votes",
        "any": "any of the sites",
        "all": "every site",
        "employed": "employees",
        "trainees": "trainees",
        "work_training": "work training",
        "other": "others",
        "each_member": "each member",
        "combined_workforce": "combined workforce",
    },
}

# Arguments that hold a code, or a list of codes joined by ", ", shown as words.
LIST_ARGS = {
    "allowed": RECIPIENT_WORDS,
    "recipients": RECIPIENT_WORDS,
    "value": FACT_WORDS,
    "values": FACT_WORDS,
}

BASIS_WORDS = {
    "sv": {
        "statute": "lag",
        "guidance": "vägledning",
        "case-law": "rättspraxis",
        "buyer": "myndighetens eget val",
        "tool-default": "verktygets val (ingen källa)",
        "open": "öppen rättsfråga",
    },
    "en": {
        "statute": "statute",
        "guidance": "guidance",
        "case-law": "case law",
        "buyer": "the buyer's own choice",
        "tool-default": "the tool's choice (no source)",
        "open": "open point of law",
    },
}

# Arguments whose values are codes get a word in each language.
_SOURCE_KIND_SV = {
    "declared": "leverantörens egen försäkran",
    "document": "ett dokument",
    "register": "en registeruppgift",
}
_SOURCE_KIND_EN = {
    "declared": "the supplier's own word",
    "document": "a document",
    "register": "a register entry",
}

WORDS = {
    "sv": {
        "basis": {"headcount": "personer", "fte": "heltidsekvivalenter"},
        "of": {"votes": "röster", "capital": "kapital"},
        "kind": _KIND_SV,
        "declared": _KIND_SV,
        "source": _SOURCE_SV,
        "centre_source": _SOURCE_SV,
        "mark": {k: v[0].upper() + v[1:] for k, v in BASIS_WORDS["sv"].items()},
        "how": {"declared": "angiven kommun", "postal_code": "postnumret", "locality": "orten"},
        "required": _SOURCE_KIND_SV,
        "found": _SOURCE_KIND_SV,
        "stage": {"qualification": "vid kvalificeringen", "follow_up": "under avtalstiden"},
    },
    "en": {
        "basis": {"headcount": "headcount", "fte": "full-time equivalents"},
        "of": {"votes": "votes", "capital": "capital"},
        "kind": _KIND_EN,
        "declared": _KIND_EN,
        "source": _SOURCE_EN,
        "centre_source": _SOURCE_EN,
        "mark": {k: v[0].upper() + v[1:] for k, v in BASIS_WORDS["en"].items()},
        "how": {
            "declared": "the declared municipality",
            "postal_code": "the postal code",
            "locality": "the locality",
        },
        "required": _SOURCE_KIND_EN,
        "found": _SOURCE_KIND_EN,
        "stage": {"qualification": "at qualification", "follow_up": "during the contract"},
    },
}

# Numbers people read with a unit: a count of months is "24 månader", not "24". The reason
# code stays the same; the renderer picks the template for the fact's unit.
_PATH_UNITS = {
    "procurement.duration_months": "months",
    "iop.term_years": "years",
    "iop.organisation_share": "pct",
    "business.sales_revenue": "sek",
    "business.total_revenue": "sek",
}

# Checks on numbers with a unit have a message per unit, made from the plain one.
_NUMBER_CODES = (
    "number.at_least",
    "number.below",
    "number.at_most",
    "number.above",
    "gap.number",
    "gap.number_over",
)
for _cat in (_SV, _EN):
    for _code in _NUMBER_CODES:
        for _unit in ("months", "years", "pct", "sek"):
            # A difference between two shares is in percentage points.
            _spec = "pp" if _unit == "pct" and _code.startswith("gap.") else _unit
            _cat[f"{_code}.{_unit}"] = _cat[_code].replace(":num}", f":{_spec}}}")

CATALOGUES: dict[str, dict[str, str]] = {"sv": _SV, "en": _EN}

_ARG = re.compile(r"\{([a-z_]+)(?::[a-z_]+)?\}")


def message_arguments(code: str) -> set[str]:
    """The argument names a message code's texts use (in either language)."""
    return set(_ARG.findall(_SV.get(code, ""))) | set(_ARG.findall(_EN.get(code, "")))


GROUP_WORDS = {
    "sv": {
        "group": "Anbud från grupp",
        "policy": "Grupppolicy",
        "each_member": "varje medlem som gruppen åberopar ska uppfylla kriteriet",
        "combined": "gruppens sammanlagda sysselsatta",
        "combined_workforce": "andelskriterier bedöms på gruppens sammanlagda sysselsatta, övriga för varje åberopad medlem",
        "member": "medlem",
        "subcontractor": "underleverantör",
        "capacity_provider": "kapacitetsgivare",
        "counts": "räknas för gruppen",
        "not_counts": "räknas inte: bär aldrig statusen åt anbudsgivaren",
    },
    "en": {
        "group": "Group tender",
        "policy": "Group policy",
        "each_member": "every member the group relies on must meet the criterion",
        "combined": "the group's combined workforce",
        "combined_workforce": "share criteria on the group's combined workforce, the others for each member relied on",
        "member": "member",
        "subcontractor": "subcontractor",
        "capacity_provider": "capacity provider",
        "counts": "counts for the group",
        "not_counts": "does not count: never carries the status for the tenderer",
    },
}

RISK_WORDS = {
    "sv": {
        "label": "Riskbedömning",
        "low": "LÅG RISK",
        "elevated": "FÖRHÖJD RISK",
        "high": "HÖG RISK: upphandla i stället",
        "against": "{n} av {total} indikatorer talar emot: {ids}",
        "none_against": "ingen av {total} indikatorer talar emot",
        "upper": "kan bli {upper} när {n} indikatorer som inte kan avgöras är kända: {ids}",
        "disclaimer": "Detta är en riskbedömning, inte ett besked om att partnerskapet är lagligt.",
    },
    "en": {
        "label": "Risk assessment",
        "low": "LOW RISK",
        "elevated": "ELEVATED RISK",
        "high": "HIGH RISK: procure instead",
        "against": "{n} of {total} indicators speak against: {ids}",
        "none_against": "none of {total} indicators speaks against",
        "upper": "may become {upper} once {n} undecided indicators are known: {ids}",
        "disclaimer": "This is an assessment of risk, not a statement that the partnership is lawful.",
    },
}
