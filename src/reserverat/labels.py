"""Labels for declaration fields in Swedish and English: one catalogue for the template's
headers and instructions, the reading of headers, and the reports' facts.

A field's label is composed from its path's parts (``workforce.employed.headcount`` is
"sysselsatta › anställda › antal personer"); list items are numbered from 1 (``owners[0]``
is "ägare 1") and financial years are named by their end date. A test fails when a part of
a declaration field has no words.
"""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources

__all__ = [
    "CHOICE_WORDS",
    "CRITERION_ALIASES",
    "DOCUMENT_WORDS",
    "INDEX",
    "PARAMETERS",
    "SHORT_LABELS",
    "SOURCE_KIND_WORDS",
    "WORDS",
    "column_label",
    "cpv_name",
    "criterion_names",
    "describe",
    "fact_label",
    "known_words",
    "remember_criterion_aliases",
    "remember_parameters",
]

INDEX = re.compile(r"^(\w+)\[(\d+)\]$")
"""A numbered list item in a path: ``owners[0]``."""
_DATE_INDEX = re.compile(r"^(\w+)\[(\d{4}-\d{2}-\d{2})\]$")

WORDS: dict[str, tuple[str, str]] = {
    "supplier": (
        "leverantörens namn (den juridiska personen)",
        "the supplier's name (the legal person)",
    ),
    "id": ("er egen referens", "your own reference"),
    "organisationsnummer": ("organisationsnummer", "organisation number"),
    "legal_form": ("juridisk form", "legal form"),
    "scope": (
        "uppgifterna avser hela den juridiska personen eller en enhet",
        "the figures describe the whole legal person or a unit",
    ),
    "unit_name": ("enhetens namn", "the unit's name"),
    "founded": ("bildad (datum)", "founded (date)"),
    "declared_on": ("försäkrans datum", "date of the declaration"),
    "purpose": ("syfte", "purpose"),
    "integration_main_aim": (
        "främsta syfte: social och yrkesmässig integrering (ja/nej)",
        "main aim: social and professional integration (yes/no)",
    ),
    "sheltered_workshop": ("skyddad verkstad (ja/nej)", "sheltered workshop (yes/no)"),
    "workforce": ("sysselsatta", "persons occupied"),
    "programme_workforce": (
        "sysselsatta i program för skyddad anställning",
        "persons occupied in a sheltered-employment programme",
    ),
    "reference_date": ("referensdag", "reference date"),
    "employed": ("anställda", "employees"),
    "trainees": ("praktikanter", "trainees (praktik)"),
    "work_training": ("arbetsträning", "work training"),
    "other": ("övriga", "others"),
    "headcount": ("antal personer", "headcount"),
    "fte": ("heltidsekvivalenter", "full-time equivalents"),
    "target_group": ("i målgrupperna", "in the target groups"),
    "documented_need": ("med dokumenterat stödbehov", "with a documented need of support"),
    "declared_share": (
        "uppgiven andel i målgrupperna (0-1)",
        "declared share in the target groups (0-1)",
    ),
    "financial_years": ("räkenskapsår", "financial year"),
    "end": ("slutdatum", "end date"),
    "result": ("resultat (kr)", "result (SEK)"),
    "to_owners": ("överfört till ägare/medlemmar (kr)", "transferred to owners/members (SEK)"),
    "to_ideburna": (
        "överfört till idéburna organisationer (kr)",
        "transferred to idéburna organisations (SEK)",
    ),
    "to_research": ("överfört till forskning (kr)", "transferred to research (SEK)"),
    "owners": ("ägare", "owner"),
    "name": ("namn", "name"),
    "kind": ("slag", "kind"),
    "vote_share": ("andel av rösterna (0-1)", "share of the votes (0-1)"),
    "capital_share": ("andel av kapitalet (0-1)", "share of the capital (0-1)"),
    "sites": ("plats", "site"),
    "postal_code": ("postnummer", "postal code"),
    "locality": ("ort", "locality"),
    "municipality": ("kommun", "municipality"),
    "lat": ("latitud (WGS84)", "latitude (WGS84)"),
    "lon": ("longitud (WGS84)", "longitude (WGS84)"),
    "address": ("adress", "address"),
    "answer": ("svar", "answer"),
    "appoints_board_majority": (
        "utser majoriteten av styrelsen (ja/nej)",
        "appoints the board majority (yes/no)",
    ),
    "authority": ("myndighet", "authority"),
    "awarded_on": ("tilldelat (datum)", "awarded on (date)"),
    "basis": ("grund", "basis"),
    "business": ("verksamhet", "business"),
    "by_category": ("per kategori", "by category"),
    "category": ("kategori", "category"),
    "contributes_to_service": (
        "bidrar till tjänsten (ja/nej)",
        "contributes to the service (yes/no)",
    ),
    "contributions": ("bidrag", "contributions"),
    "control": ("kontroll", "control"),
    "cpv": ("CPV-kod", "CPV code"),
    "description": ("beskrivning", "description"),
    "dissolution_clause": ("upplösningsklausul (ja/nej)", "dissolution clause (yes/no)"),
    "espd": ("ESPD", "ESPD"),
    "evidence": ("underlag", "evidence"),
    "sources": ("källa för uppgifter", "source of facts"),
    "facts": ("uppgifter som källan gäller (fält)", "facts the source covers (fields)"),
    "document": ("dokumentets slag", "kind of document"),
    "register_id": ("register", "register"),
    "record": ("post i registret", "record in the register"),
    "read_on": ("läst (datum)", "read on (date)"),
    "exclusively_public_benefit": (
        "uteslutande allmännyttigt syfte (ja/nej)",
        "exclusively public-benefit purpose (yes/no)",
    ),
    "highest": ("högsta månadslön (kr)", "highest monthly salary (SEK)"),
    "initiative_from_organisation": (
        "initiativet kommer från organisationen (ja/nej)",
        "the initiative comes from the organisation (yes/no)",
    ),
    "iop": ("IOP", "IOP"),
    "issued": ("utfärdat (datum)", "issued (date)"),
    "joint_follow_up": ("gemensam uppföljning (ja/nej)", "joint follow-up (yes/no)"),
    "joint_goal": ("gemensamt mål (ja/nej)", "joint goal (yes/no)"),
    "link_category": ("kategori av koppling", "link category"),
    "lowest": ("lägsta månadslön (kr)", "lowest monthly salary (SEK)"),
    "market_analysis_documented": (
        "marknadsanalys dokumenterad (ja/nej)",
        "market analysis documented (yes/no)",
    ),
    "market_exists": ("det finns en marknad (ja/nej)", "a market exists (yes/no)"),
    "mechanism": ("sätt att delta", "mechanism"),
    "mixed_commercial_purpose": (
        "blandat kommersiellt syfte (ja/nej)",
        "mixed commercial purpose (yes/no)",
    ),
    "organisation_share": ("organisationens andel (0-1)", "the organisation's share (0-1)"),
    "other_control": ("annan kontroll (ja/nej)", "other control (yes/no)"),
    "participation": ("delaktighet", "participation"),
    "participatory_distribution": (
        "fördelning enligt delaktighet (ja/nej)",
        "participatory distribution (yes/no)",
    ),
    "percent_raw": ("angiven procentsats", "percentage as given"),
    "percent_scale": ("procentskala", "percentage scale"),
    "performs_contract": (
        "uppdraget utförs här (ja/nej)",
        "the contract is performed here (yes/no)",
    ),
    "prior_awards": ("tidigare kontrakt", "earlier contract"),
    "profit_on_activity": ("vinst på verksamheten (ja/nej)", "profit on the activity (yes/no)"),
    "public_appoints_board_majority": (
        "det allmänna utser majoriteten av styrelsen (ja/nej)",
        "the public side appoints the board majority (yes/no)",
    ),
    "public_benefit": ("allmännyttigt syfte (ja/nej)", "public-benefit purpose (yes/no)"),
    "public_detailed_control": (
        "det allmänna styr i detalj (ja/nej)",
        "detailed public control (yes/no)",
    ),
    "public_other_control": (
        "det allmänna har annan kontroll (ja/nej)",
        "other public control (yes/no)",
    ),
    "public_service_mission": (
        "uppdrag av allmänt intresse (ja/nej)",
        "public service mission (yes/no)",
    ),
    "publicly_funded": ("offentligt finansierad", "publicly funded"),
    "purpose_clause": ("ändamålsbestämmelse", "purpose clause"),
    "reference": ("referens", "reference"),
    "reinvested": ("återinvesterat (kr)", "reinvested (SEK)"),
    "role": ("roll", "role"),
    "salaries": ("löner", "salaries"),
    "sales_revenue": ("försäljningsintäkter (kr)", "sales revenue (SEK)"),
    "sells_goods_or_services": (
        "säljer varor eller tjänster (ja/nej)",
        "sells goods or services (yes/no)",
    ),
    "signatory": ("undertecknare", "signatory"),
    "solidarity_bonus": ("solidarisk bonus (kr)", "solidarity bonus (SEK)"),
    "stated_in": ("anges i", "stated in"),
    "statutes": ("stadgar", "statutes"),
    "term_years": ("avtalstid (år)", "term (years)"),
    "to_other": ("överfört till andra (kr)", "transferred to others (SEK)"),
    "to_registered_ideburna": (
        "överfört till registrerade idéburna organisationer (kr)",
        "transferred to registered idéburna organisations (SEK)",
    ),
    "to_unregistered_ideburna": (
        "överfört till oregistrerade idéburna organisationer (kr)",
        "transferred to unregistered idéburna organisations (SEK)",
    ),
    "to_work_integration": (
        "överfört till annan arbetsintegrerande verksamhet (kr)",
        "transferred to other work-integration activity (SEK)",
    ),
    "total_revenue": ("totala intäkter (kr)", "total revenue (SEK)"),
    "uncertainty_m": ("osäkerhet (meter)", "uncertainty (metres)"),
    "users_or_stakeholders": ("brukare eller intressenter", "users or stakeholders"),
    "version": ("version", "version"),
    "welfare": ("välfärd", "welfare"),
    "centre": ("centrum", "centre"),
    "main_cpv": ("huvud-CPV-kod", "main CPV code"),
    "procurement": ("upphandlingen", "the procurement"),
    "duration_months": ("avtalstid (månader)", "term (months)"),
    "submission_date": ("sista anbudsdag", "submission date"),
    "started_on": ("påbörjad", "begun on"),
    "lot": ("delområde", "lot"),
    "reservation": ("reservation", "reservation"),
    "title": ("titel", "title"),
    "reserved_execution": (
        "utförs inom program för skyddad anställning",
        "performed within sheltered employment programmes",
    ),
    "primary_care_choice_system": (
        "vårdvalssystem i primärvården (ja/nej)",
        "choice system for primary care (yes/no)",
    ),
}
"""Words for each part of a field path, Swedish and English."""

SHORT_LABELS = {
    "supplier": ("Leverantör", "Supplier"),
    "id": ("Referens", "Reference"),
    "organisationsnummer": ("Organisationsnummer", "Organisation number"),
    "legal_form": ("Juridisk form", "Legal form"),
    "scope": ("Omfattning", "Scope"),
    "unit_name": ("Enhetens namn", "Unit name"),
    "founded": ("Bildad", "Founded"),
    "declared_on": ("Försäkrans datum", "Date of the declaration"),
}
"""Short labels for the columns a person names in a word."""

SOURCE_KIND_WORDS: dict[str, tuple[str, str]] = {
    "declared": ("egen försäkran", "own declaration"),
    "document": ("dokument", "document"),
    "register": ("register", "register"),
}
"""What a fact may rest on, weakest first, in Swedish and English."""

DOCUMENT_WORDS: dict[str, tuple[str, str]] = {
    "annual_report": ("årsredovisning", "annual report"),
    "basis_decision": ("beslut", "decision"),
    "legal_person_figures": (
        "uppgifter för hela den juridiska personen",
        "figures for the whole legal person",
    ),
    "other": ("dokument", "document"),
    "ownership_register": ("aktiebok eller ägarförteckning", "share register or list of owners"),
    "participation_documents": ("underlag om delaktighet", "documents on participation"),
    "prior_awards_statement": ("uppgift om tidigare kontrakt", "statement of earlier contracts"),
    "register_extract": ("registerutdrag", "register extract"),
    "registration_certificate": ("registreringsbevis", "registration certificate"),
    "salary_statement": ("lönesammanställning", "salary statement"),
    "site_location": ("uppgift om arbetsplatsens läge", "statement of the site's location"),
    "staff_list": ("personalförteckning", "staff list"),
    "statutes": ("stadgar eller bolagsordning", "statutes or articles of association"),
    "support_decision": ("beslut om stöd", "decision on support"),
    "truth_declaration": ("sanningsförsäkran", "truth declaration"),
}
"""Each kind of document a fact may rest on, by its short name in Swedish and English."""

CHOICE_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "scope": {
        "legal_person": ("hela den juridiska personen", "the whole legal person"),
        "unit": ("en enhet", "a unit"),
    },
    "legal_form": {
        "aktiebolag": ("aktiebolag", "limited company (aktiebolag)"),
        "svb_aktiebolag": (
            "aktiebolag med särskild vinstutdelningsbegränsning (svb)",
            "limited company with restricted dividends (svb)",
        ),
        "ekonomisk_forening": ("ekonomisk förening", "economic association"),
        "ideell_forening": ("ideell förening", "non-profit association"),
        "stiftelse": ("stiftelse", "foundation"),
        "enskild_firma": ("enskild firma", "sole trader"),
        "handelsbolag": ("handelsbolag", "trading partnership"),
        "registrerat_trossamfund": ("registrerat trossamfund", "registered religious community"),
        "foreign": ("utländsk juridisk person", "foreign legal person"),
        "other": ("annan", "other"),
    },
    "participation.mechanism": {
        "ownership": ("ägande", "ownership"),
        "agreement": ("avtal", "agreement"),
        "other_documented": ("annat dokumenterat sätt", "other documented means"),
        "none": ("inget", "none"),
    },
    # A numbered list's item: "sources[]" stands for every "sources[0]", "sources[1]", ...
    "sources[].kind": SOURCE_KIND_WORDS,
    "sources[].document": DOCUMENT_WORDS,
    "welfare.publicly_funded": {
        "runs": ("bedriver offentligt finansierad välfärd", "runs publicly funded welfare"),
        "intends": (
            "avser att bedriva offentligt finansierad välfärd",
            "intends to run publicly funded welfare",
        ),
        "no": ("nej", "no"),
    },
}
"""The words a sheet offers for each closed vocabulary, Swedish and English, by code."""


def describe(path: str, lang: str) -> str:
    """A field path in words: ``owners[0].name`` is "ägare 1 › namn"."""
    k = 0 if lang == "sv" else 1
    parts = []
    for part in path.split("."):
        m = INDEX.match(part) or _DATE_INDEX.match(part)
        base, index = (m.group(1), m.group(2)) if m else (part, None)
        if index is not None and index.isdigit():
            index = str(int(index) + 1)
        word = WORDS.get(base, (base.replace("_", " "),) * 2)[k]
        parts.append(f"{word} {index}" if index else word)
    return " › ".join(parts)


def known_words(path: str, lang: str = "sv") -> str | None:
    """The field path in words when every part of it has words (else None): for saying
    where a problem is in a declaration."""
    for part in path.split("."):
        m = INDEX.match(part) or _DATE_INDEX.match(part)
        if (m.group(1) if m else part) not in WORDS:
            return None
    return column_label(path, lang)


def column_label(path: str, lang: str = "sv") -> str:
    """The header a template writes for a column: a short label, else the composed one."""
    short = SHORT_LABELS.get(path)
    if short is not None:
        return short[0 if lang == "sv" else 1]
    label = describe(path, lang)
    return label[0].upper() + label[1:]


def fact_label(path: str, lang: str = "sv") -> str:
    """A fact's label in a report: the field in words, capitalised."""
    return column_label(path, lang)


PARAMETERS: dict[tuple[str, str], dict[str, tuple[str, str, str | None]]] = {}
"""Each rule set's parameters (by rule set id and version, for the rule sets built in this
process): the Swedish and English label and the unit of each, by name. Two rule sets may
label one parameter name differently, so a report looks a result's up by its own rule set."""


def remember_parameters(
    ruleset: tuple[str, str], labels: dict[str, tuple[str, str, str | None]]
) -> None:
    """Keep a rule set's parameter labels (Swedish, English, unit), by its id and version."""
    PARAMETERS[ruleset] = labels


CRITERION_ALIASES: dict[str, dict[str, str]] = {}
"""Per rule set id (every version built in this process), each criterion alias and the id it
now stands for, so that a stored result is still asked by either name."""


def remember_criterion_aliases(ruleset_id: str, aliases: dict[str, str]) -> None:
    """Keep a rule set's criterion aliases (alias to id), merged over its versions."""
    if aliases:
        CRITERION_ALIASES.setdefault(ruleset_id, {}).update(aliases)


def criterion_names(ruleset_id: str, criterion_id: str) -> set[str]:
    """Every name ``criterion_id`` of ``ruleset_id`` is known by: itself, its aliases, and
    the id it became if it is an alias."""
    aliases = CRITERION_ALIASES.get(ruleset_id, {})
    current = aliases.get(criterion_id, criterion_id)
    return {criterion_id, current, *(a for a, c in aliases.items() if c == current)}


@functools.cache
def _cpv_names() -> dict[str, tuple[str, str]]:
    text = resources.files("reserverat").joinpath("data/cpv_names.csv").read_text("utf-8")
    return {row["code"]: (row["sv"], row["en"]) for row in csv.DictReader(text.splitlines())}


def cpv_name(code: str, lang: str = "sv") -> str | None:
    """A CPV code's name in ``lang``, where the shipped list has it (the social and other
    specific services of the eForms SDK); None for other codes."""
    names = _cpv_names().get(code.split("-", 1)[0])
    if names is None:
        return None
    return names[0 if lang == "sv" else 1]
