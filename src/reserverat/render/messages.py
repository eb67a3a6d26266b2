"""Message catalogues (Swedish and English) and number formatting for each language.

Templates name their arguments with a format spec that says what the number is:
``{share:pct}`` a share shown as a percentage, ``{points:pp}`` percentage points,
``{n:num}`` a count or quantity, ``{amount:sek}`` money, ``{d:date}`` a date.
"""

from __future__ import annotations

import string
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from reserverat.result import Message

__all__ = [
    "CATALOGUES",
    "EVIDENCE",
    "LANGS",
    "VERDICT_LABELS",
    "fmt_number",
    "fmt_share",
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
            return fmt_number(value, self.lang, 3) + (f"{NBSP}km" if self.lang == "sv" else " km")
        if format_spec == "m":
            return fmt_number(value, self.lang) + (f"{NBSP}m" if self.lang == "sv" else " m")
        if format_spec in ("num", "date", ""):
            return fmt_value(value, self.lang)
        return str(super().format_field(value, format_spec))


_FORMATTERS = {lang: _Formatter(lang) for lang in LANGS}


def render_message(message: Message, lang: str) -> str:
    """The message's text in ``lang``.

    Raises:
        KeyError: the catalogue has no entry for the code (a test prevents this).
    """
    template = CATALOGUES[lang][message.code]
    args = dict(message.args)
    for key, words in WORDS[lang].items():
        if key in args and args[key] in words:
            args[key] = words[args[key]]
    return _FORMATTERS[lang].vformat(template, (), args)


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
    "scope.unit": "Uppgifterna avser bara en enhet ({unit}), inte hela den juridiska personen; det är den juridiska personen som helhet som ska uppfylla villkoren (HFD 2021:48).",
    "scope.unknown": "Det framgår inte om uppgifterna avser hela den juridiska personen eller bara en enhet.",
    "age.fresh": "Uppgiften är daterad {date:date}, inte tidigare än {cutoff:date} ({months:num} månader före {as_of:date}).",
    "age.stale": "Uppgiften är daterad {date:date}, mer än {months:num} månader före bedömningsdagen {as_of:date}; den säger inget säkert om förhållandena nu.",
    "age.unknown": "Datum saknas ({path}).",
    "age.after_as_of": "Uppgiften är daterad {date:date}, efter bedömningsdagen {as_of:date}.",
    "share.met": "{target:num} av {occupied:num} sysselsatta ({share:pct}, räknat i {basis}) tillhör målgrupperna; kravet är minst {threshold:pct}.",
    "share.met_at_least": "Minst {target:num} av {occupied:num} sysselsatta ({share:pct}, räknat i {basis}) tillhör målgrupperna, även om de som saknar uppgift inte räknas; kravet är minst {threshold:pct}.",
    "share.below": "{target:num} av {occupied:num} sysselsatta ({share:pct}, räknat i {basis}) tillhör målgrupperna; kravet är minst {threshold:pct}.",
    "share.below_even_if": "Även om alla utan uppgift tillhörde målgrupperna vore det högst {target_high:num} av {occupied:num} ({share_high:pct}, räknat i {basis}); kravet är minst {threshold:pct}.",
    "share.unknown_targets": "Mellan {target:num} och {target_high:num} av {occupied:num} sysselsatta ({share:pct}–{share_high:pct}) tillhör målgrupperna; kravet {threshold:pct} ligger inom spannet. Uppgift saknas: {missing}.",
    "share.missing_counts": "Antalet sysselsatta saknas för: {missing}. Ange alla anställningsformer, med 0 där det inte finns några.",
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
    "owner.maybe_municipal_company": "{owner}: kan vara ett kommunalt bolag ({matched}); ange bolagets ägare och organisationsnummer.",
    "owner.company": "{owner}: bolag utan offentligt namn.",
    "owner.near": "{owner}: namnet liknar {matched} (poäng {score:num}) men inte nog för att avgöra; ange ägarens organisationsnummer.",
    "owner.bare_municipality": "{owner}: bara ett kommunnamn ({matched}); ange om ägaren är kommunen.",
    "owner.no_match": "{owner}: inget offentligt organ har ett liknande namn.",
    "owner.group_2": "{owner}: organisationsnumret hör till grupp 2 (staten, regioner, kommuner, men också församlingar); ange vilken sorts ägare det är.",
    "control.board": "Offentlig part ({owner}) utser majoriteten av styrelsen: rättsligt bestämmande inflytande.",
    "control.other": "Offentlig part ({owner}) har annat rättsligt bestämmande inflytande.",
    "control.majority": "Offentliga ägare ({owners}) har {share:pct} av rösterna, mer än hälften.",
    "control.none": "Offentliga ägare ({owners}) har {share:pct} av rösterna, inte mer än hälften, och utser inte styrelsens majoritet: inget bestämmande inflytande.",
    "control.no_public_owners": "Ingen offentlig ägare och ingen offentlig rätt att utse styrelsen: inget bestämmande inflytande.",
    "control.board_unknown": "Det framgår inte om {owners} utser styrelsens majoritet.",
    "control.board_assumed": "Det framgår inte om {owners} utser styrelsen; antas följa rösterna (aktiebolagslagens huvudregel).",
    "register.not_supplied": "Registret {register} har inte lämnats till bedömningen.",
    "register.number": "Finns i registret {register} med organisationsnummer {number} ({name}, rad {row:num}).",
    "register.name": "Finns i registret {register} under samma namn ({name}, rad {row:num}); inget organisationsnummer att jämföra.",
    "register.near": "Namnet liknar {name} i registret {register} (poäng {score:num}, rad {row:num}) men organisationsnumret bekräftar det inte.",
    "register.absent": "Finns inte i registret {register} ({size:num} poster).",
    "geo.within": "{site} ligger {distance:km} från {centre} ({centre_source}); inom {radius:km} även med osäkerheten ±{uncertainty:m} (position: {source}; {method}).",
    "geo.outside": "{site} ligger {distance:km} från närmaste centrum, {centre} ({centre_source}); utanför {radius:km} även med osäkerheten ±{uncertainty:m} (position: {source}; {method}).",
    "geo.uncertain": "{site} ligger {distance:km} från {centre} ({centre_source}), men osäkerheten ±{uncertainty:m} gör att gränsen {radius:km} inte kan avgöras (position: {source}). Ange platsens koordinater.",
    "geo.unplaced": "{site} kan inte placeras: {why}. Ange koordinater eller postnummer.",
    "geo.no_sites": "Inga platser där uppdraget utförs är angivna.",
    "zone.inside": "{site} ligger inom {zone}, {boundary:km} från gränsen; osäkerheten är ±{uncertainty:m} (position: {source}).",
    "zone.outside": "{site} ligger utanför {zone}, {boundary:km} från gränsen; osäkerheten är ±{uncertainty:m} (position: {source}).",
    "zone.uncertain": "{site} ligger {boundary:km} från gränsen för {zone}, inom osäkerheten ±{uncertainty:m} (position: {source}). Ange platsens koordinater.",
    "municipality.in": "{site} ligger i {municipality} (enligt {source}); godtagna kommuner: {wanted}.",
    "municipality.not_in": "{site} ligger i {municipality} (enligt {source}); godtagna kommuner: {wanted}.",
    "municipality.unknown": "Det framgår inte i vilken kommun {site} ligger. Ange kommun eller postnummer.",
    "gap.km": "{distance:km} för långt bort.",
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
    "money.stale_years": "Det senaste räkenskapsåret slutade {latest:date}, före {due:date} (18 månader före bedömningsdagen): uppgifterna är för gamla.",
    "money.too_few_years": "Uppgifter finns för {have:num} avslutade räkenskapsår; {need:num} behövs.",
    "money.missing": "Uppgift saknas: {missing}.",
    "money.no_profit": "Ingen vinst under {years:num} år ({from:date}–{to:date}) och inget värde fördes över: inget att återinvestera.",
    "money.transfer_without_profit": "Ingen vinst under {years:num} år ({from:date}–{to:date}), men {distributed:sek} fördes ändå över till ägare.",
    "money.mainly_reinvested": "Av vinsten {profit:sek} under {years:num} år ({from:date}–{to:date}) delades {distributed:sek} ut; {kept:pct} stannade i verksamheten (krav: minst {share:pct}).",
    "money.not_mainly_reinvested": "Av vinsten {profit:sek} under {years:num} år ({from:date}–{to:date}) delades {distributed:sek} ut; bara {kept:pct} stannade i verksamheten (krav: minst {share:pct}).",
    "money.forbidden_transfer": "Värde fördes över till mottagare som inte är tillåtna ({allowed}): {transfers} ({amount:sek}).",
    "money.transfers_allowed": "Under {years:num} år fördes värde bara över till tillåtna mottagare ({allowed}).",
    "salary.within": "Högsta lönen {highest:sek} är {ratio:num} gånger den lägsta {lowest:sek}; högst {maximum:num} gånger är tillåtet.",
    "salary.above": "Högsta lönen {highest:sek} är {ratio:num} gånger den lägsta {lowest:sek}; högst {maximum:num} gånger är tillåtet.",
    "salary.unknown": "Lägsta och högsta lön saknas.",
    "guard.not_applicable": "Villkoret gäller inte denna leverantör.",
    "gap.share_headcount": "{persons:num} fler av de {occupied:num} sysselsatta skulle behöva tillhöra målgrupperna ({points:pp} under kravet).",
    "gap.share_fte": "{fte:num} fler heltidsekvivalenter skulle behöva avse personer i målgrupperna ({points:pp} under kravet).",
    "gap.share_points": "{points:pp} från kravet.",
    "gap.number": "{missing:num} saknas ({path}).",
    "gap.money": "{amount:sek} mindre i överföringar skulle ha behövts.",
    "gap.salary": "Högsta lönen skulle behöva vara högst {highest_max:sek}.",
    "ruleset.not_in_force": "Regelverket gäller {valid_from:date}–{valid_to:date}, men bedömningsdagen är {as_of:date}.",
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
    "scope.unit": "The figures describe only a unit ({unit}), not the whole legal person; the legal person as a whole must meet the conditions (HFD 2021:48).",
    "scope.unknown": "It is not stated whether the figures describe the whole legal person or only a unit.",
    "age.fresh": "Dated {date:date}, not earlier than {cutoff:date} ({months:num} months before {as_of:date}).",
    "age.stale": "Dated {date:date}, more than {months:num} months before the evaluation date {as_of:date}; it says nothing certain about the present.",
    "age.unknown": "No date given ({path}).",
    "age.after_as_of": "Dated {date:date}, after the evaluation date {as_of:date}.",
    "share.met": "{target:num} of {occupied:num} persons occupied ({share:pct}, by {basis}) belong to the target groups; at least {threshold:pct} is required.",
    "share.met_at_least": "At least {target:num} of {occupied:num} persons occupied ({share:pct}, by {basis}) belong to the target groups even without those not stated; at least {threshold:pct} is required.",
    "share.below": "{target:num} of {occupied:num} persons occupied ({share:pct}, by {basis}) belong to the target groups; at least {threshold:pct} is required.",
    "share.below_even_if": "Even if everyone not stated belonged to the target groups it would be at most {target_high:num} of {occupied:num} ({share_high:pct}, by {basis}); at least {threshold:pct} is required.",
    "share.unknown_targets": "Between {target:num} and {target_high:num} of {occupied:num} persons occupied ({share:pct}–{share_high:pct}) belong to the target groups; the requirement {threshold:pct} lies inside that range. Not stated: {missing}.",
    "share.missing_counts": "The number of persons occupied is not stated for: {missing}. State every form of occupation, with 0 where there are none.",
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
    "owner.maybe_municipal_company": "{owner}: may be a municipal company ({matched}); state the company's owner and organisation number.",
    "owner.company": "{owner}: a company without a public name.",
    "owner.near": "{owner}: the name resembles {matched} (score {score:num}) but not enough to decide; give the owner's organisation number.",
    "owner.bare_municipality": "{owner}: only a municipality's name ({matched}); say whether the owner is the municipality.",
    "owner.no_match": "{owner}: no public body has a similar name.",
    "owner.group_2": "{owner}: the organisation number is in group 2 (the state, regions, municipalities, but also parishes); say what kind of owner this is.",
    "control.board": "A public party ({owner}) appoints the majority of the board: legal controlling influence.",
    "control.other": "A public party ({owner}) has other legal controlling influence.",
    "control.majority": "Public owners ({owners}) hold {share:pct} of the votes, more than half.",
    "control.none": "Public owners ({owners}) hold {share:pct} of the votes, not more than half, and do not appoint a board majority: no controlling influence.",
    "control.no_public_owners": "No public owner and no public right to appoint the board: no controlling influence.",
    "control.board_unknown": "It is not stated whether {owners} appoint the board majority.",
    "control.board_assumed": "It is not stated whether {owners} appoint the board; assumed to follow the votes (the companies act's main rule).",
    "register.not_supplied": "The register {register} was not handed to the evaluation.",
    "register.number": "In the register {register} under organisation number {number} ({name}, row {row:num}).",
    "register.name": "In the register {register} under the same name ({name}, row {row:num}); no organisation number to compare.",
    "register.near": "The name resembles {name} in the register {register} (score {score:num}, row {row:num}) but the organisation number does not confirm it.",
    "register.absent": "Not in the register {register} ({size:num} entries).",
    "geo.within": "{site} is {distance:km} from {centre} ({centre_source}); within {radius:km} even allowing for ±{uncertainty:m} (position: {source}; {method}).",
    "geo.outside": "{site} is {distance:km} from the nearest centre, {centre} ({centre_source}); outside {radius:km} even allowing for ±{uncertainty:m} (position: {source}; {method}).",
    "geo.uncertain": "{site} is {distance:km} from {centre} ({centre_source}), but the uncertainty of ±{uncertainty:m} straddles the {radius:km} limit (position: {source}). Give the site's coordinates.",
    "geo.unplaced": "{site} cannot be placed: {why}. Give coordinates or a postal code.",
    "geo.no_sites": "No sites where the contract is performed are stated.",
    "zone.inside": "{site} is inside {zone}, {boundary:km} from its boundary; the uncertainty is ±{uncertainty:m} (position: {source}).",
    "zone.outside": "{site} is outside {zone}, {boundary:km} from its boundary; the uncertainty is ±{uncertainty:m} (position: {source}).",
    "zone.uncertain": "{site} is {boundary:km} from the boundary of {zone}, within the uncertainty of ±{uncertainty:m} (position: {source}). Give the site's coordinates.",
    "municipality.in": "{site} is in {municipality} (by {source}); accepted municipalities: {wanted}.",
    "municipality.not_in": "{site} is in {municipality} (by {source}); accepted municipalities: {wanted}.",
    "municipality.unknown": "It is not stated in which municipality {site} lies. Give the municipality or a postal code.",
    "gap.km": "{distance:km} too far away.",
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
    "money.stale_years": "The latest financial year ended on {latest:date}, before {due:date} (18 months before the evaluation date): the figures are too old.",
    "money.too_few_years": "Figures are given for {have:num} closed financial years; {need:num} are needed.",
    "money.missing": "Not stated: {missing}.",
    "money.no_profit": "No profit in {years:num} years ({from:date} to {to:date}) and no value transferred: nothing to reinvest.",
    "money.transfer_without_profit": "No profit in {years:num} years ({from:date} to {to:date}), yet {distributed:sek} was transferred to owners.",
    "money.mainly_reinvested": "Of the profit of {profit:sek} over {years:num} years ({from:date} to {to:date}), {distributed:sek} was distributed; {kept:pct} stayed in the business (required: at least {share:pct}).",
    "money.not_mainly_reinvested": "Of the profit of {profit:sek} over {years:num} years ({from:date} to {to:date}), {distributed:sek} was distributed; only {kept:pct} stayed in the business (required: at least {share:pct}).",
    "money.forbidden_transfer": "Value was transferred to recipients that are not allowed ({allowed}): {transfers} ({amount:sek}).",
    "money.transfers_allowed": "Over {years:num} years value went only to allowed recipients ({allowed}).",
    "salary.within": "The highest salary {highest:sek} is {ratio:num} times the lowest {lowest:sek}; at most {maximum:num} times is allowed.",
    "salary.above": "The highest salary {highest:sek} is {ratio:num} times the lowest {lowest:sek}; at most {maximum:num} times is allowed.",
    "salary.unknown": "The lowest and highest salaries are not stated.",
    "guard.not_applicable": "The condition does not apply to this supplier.",
    "gap.share_headcount": "{persons:num} more of the {occupied:num} persons occupied would have to belong to the target groups ({points:pp} below the requirement).",
    "gap.share_fte": "{fte:num} more full-time equivalents would have to be persons in the target groups ({points:pp} below the requirement).",
    "gap.share_points": "{points:pp} from the requirement.",
    "gap.number": "{missing:num} short ({path}).",
    "gap.money": "{amount:sek} less in transfers would have been needed.",
    "gap.salary": "The highest salary would have to be at most {highest_max:sek}.",
    "ruleset.not_in_force": "The rule set is in force {valid_from:date} to {valid_to:date}, but the evaluation date is {as_of:date}.",
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
}
_SOURCE_EN = {
    "declared": "declared coordinates",
    "postal_code": "the postal code's postal town, ±5 km",
    "locality": "the locality's centre",
    "geocoder": "geocoded address",
    "gazetteer_seat": "municipal seat from the gazetteer (GeoNames), may be ~1 km off",
    "stated_by_buyer": "the buyer's stated point",
}

# Arguments whose values are codes get a word in each language.
WORDS = {
    "sv": {
        "basis": {"headcount": "personer", "fte": "heltidsekvivalenter"},
        "of": {"votes": "röster", "capital": "kapital"},
        "kind": _KIND_SV,
        "declared": _KIND_SV,
        "source": _SOURCE_SV,
        "centre_source": _SOURCE_SV,
        "method": {"geodesic WGS84 (geopy)": "geodetiskt avstånd, WGS84"},
    },
    "en": {
        "basis": {"headcount": "headcount", "fte": "full-time equivalents"},
        "of": {"votes": "votes", "capital": "capital"},
        "kind": _KIND_EN,
        "declared": _KIND_EN,
        "source": _SOURCE_EN,
        "centre_source": _SOURCE_EN,
    },
}

CATALOGUES: dict[str, dict[str, str]] = {"sv": _SV, "en": _EN}

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
