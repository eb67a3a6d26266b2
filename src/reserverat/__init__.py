"""reserverat: explained eligibility checks for reserved public contracts in Sweden.

>>> import reserverat as rr
>>> rules = rr.load_ruleset("lou-4-18")
>>> decl = rr.Declaration(supplier="Exempel ek. för.", scope="legal_person",
...     purpose={"integration_main_aim": True}, declared_on="2017-11-01",
...     workforce={"reference_date": "2017-11-01",
...                "employed": {"headcount": 10, "target_group": {"headcount": 3}},
...                "trainees": {"headcount": 0}, "work_training": {"headcount": 0},
...                "other": {"headcount": 0}})
>>> rr.evaluate(decl, rules, as_of=rr.date(2017, 12, 11)).outcome
<Outcome.QUALIFIED: 'qualified'>
"""

import sys as _sys
from datetime import date
from types import ModuleType as _ModuleType
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from reserverat._version import __version__

if _TYPE_CHECKING:
    from reserverat.checks import (
        Centre,
        all_of,
        any_of,
        at_least,
        cpv_in,
        fact_is_true,
        in_municipality,
        in_zone,
        no_controlling_influence,
        no_prior_award_within,
        no_public_owner,
        not_,
        not_older_than,
        number_at_least,
        number_at_most,
        param,
        profits_mainly_reinvested,
        public_share_at_most,
        registered_in,
        salary_ratio_at_most,
        share_at_least,
        transfers_only_to,
        value_in,
        whole_legal_person,
        within_km,
    )
    from reserverat.columnar import Corpus, evaluate_columns, outcome_codes
    from reserverat.compare import compare, sweep
    from reserverat.deciding import DecidingEvidence, deciding_evidence
    from reserverat.declaration import (
        Declaration,
        EspdAnswer,
        LegalForm,
        Loaded,
        OwnerKind,
        Procurement,
        Row,
        Source,
        load_declarations,
        load_procurement,
        parse_declaration,
        parse_procurement,
    )
    from reserverat.errors import (
        DeclarationError,
        DocumentError,
        EvaluationError,
        Problem,
        RegisterError,
        ReserveratError,
        RuleSetError,
        UnknownCriterionError,
    )
    from reserverat.espd import EspdImport, read_espd
    from reserverat.espd_request import read_espd_request, write_espd_request
    from reserverat.evaluate import EvaluationContext, evaluate, evaluate_many, law_date
    from reserverat.followup import (
        Contract,
        ContractError,
        FollowUp,
        follow_up,
        load_contract,
        parse_contract,
    )
    from reserverat.geo import (
        Gazetteer,
        Geocoder,
        NominatimGeocoder,
        Position,
        builtin_gazetteer,
        locate,
        screen_within,
    )
    from reserverat.groups import (
        Duplicate,
        GroupMember,
        GroupResult,
        GroupTender,
        evaluate_group,
        find_duplicates,
    )
    from reserverat.io import read_rows, write_template
    from reserverat.loading import list_rulesets, load_ruleset, parse_ruleset
    from reserverat.logic import Verdict
    from reserverat.ocds import read_ocds
    from reserverat.registry import (
        OwnerClass,
        PublicBodyRegister,
        SupplierRegister,
        builtin_register,
        load_register,
    )
    from reserverat.render import render_html, render_markdown, render_text
    from reserverat.render.html import ReportHeading
    from reserverat.result import (
        Explanation,
        Fact,
        Finding,
        Message,
        Outcome,
        Provenance,
        Result,
        SourceUsed,
        result_from_json,
        result_json_schema,
    )
    from reserverat.ruleset import Citation, Criterion, RuleSet, SourceRule, Text, criterion
    from reserverat.tables import to_pandas, to_polars, to_records

# Every name loads its module when first used (PEP 562), so that `import reserverat` pays
# for nothing it does not use: evaluate() loads the engine, Corpus numpy, read_rows the
# readers. The name's module is the one that defines it.
_LAZY = {
    "Contract": "followup",
    "ContractError": "followup",
    "FollowUp": "followup",
    "follow_up": "followup",
    "load_contract": "followup",
    "parse_contract": "followup",
    "DecidingEvidence": "deciding",
    "deciding_evidence": "deciding",
    "Source": "declaration",
    "SourceRule": "ruleset",
    "SourceUsed": "result",
    "all_of": "checks",
    "any_of": "checks",
    "at_least": "checks",
    "builtin_gazetteer": "geo",
    "builtin_register": "registry",
    "Centre": "checks",
    "Citation": "ruleset",
    "compare": "compare",
    "Corpus": "columnar",
    "cpv_in": "checks",
    "Criterion": "ruleset",
    "criterion": "ruleset",
    "Declaration": "declaration",
    "DeclarationError": "errors",
    "DocumentError": "errors",
    "Duplicate": "groups",
    "EspdAnswer": "declaration",
    "EspdImport": "espd",
    "evaluate": "evaluate",
    "evaluate_columns": "columnar",
    "evaluate_group": "groups",
    "evaluate_many": "evaluate",
    "EvaluationContext": "evaluate",
    "EvaluationError": "errors",
    "Explanation": "result",
    "Fact": "result",
    "fact_is_true": "checks",
    "find_duplicates": "groups",
    "Finding": "result",
    "Gazetteer": "geo",
    "Geocoder": "geo",
    "GroupMember": "groups",
    "GroupResult": "groups",
    "GroupTender": "groups",
    "in_municipality": "checks",
    "in_zone": "checks",
    "law_date": "evaluate",
    "LegalForm": "declaration",
    "Loaded": "declaration",
    "Row": "declaration",
    "UnknownCriterionError": "errors",
    "list_rulesets": "loading",
    "load_declarations": "declaration",
    "load_procurement": "declaration",
    "load_register": "registry",
    "load_ruleset": "loading",
    "locate": "geo",
    "Message": "result",
    "no_controlling_influence": "checks",
    "no_prior_award_within": "checks",
    "no_public_owner": "checks",
    "NominatimGeocoder": "geo",
    "not_": "checks",
    "not_older_than": "checks",
    "number_at_least": "checks",
    "number_at_most": "checks",
    "Outcome": "result",
    "outcome_codes": "columnar",
    "OwnerClass": "registry",
    "OwnerKind": "declaration",
    "param": "checks",
    "parse_declaration": "declaration",
    "parse_procurement": "declaration",
    "parse_ruleset": "loading",
    "Position": "geo",
    "Problem": "errors",
    "Procurement": "declaration",
    "profits_mainly_reinvested": "checks",
    "Provenance": "result",
    "public_share_at_most": "checks",
    "PublicBodyRegister": "registry",
    "read_espd": "espd",
    "read_rows": "io",
    "registered_in": "checks",
    "RegisterError": "errors",
    "render_html": "render",
    "read_espd_request": "espd_request",
    "write_espd_request": "espd_request",
    "read_ocds": "ocds",
    "to_pandas": "tables",
    "to_polars": "tables",
    "to_records": "tables",
    "ReportHeading": "render.html",
    "render_markdown": "render",
    "render_text": "render",
    "ReserveratError": "errors",
    "Result": "result",
    "result_from_json": "result",
    "result_json_schema": "result",
    "RuleSet": "ruleset",
    "RuleSetError": "errors",
    "salary_ratio_at_most": "checks",
    "screen_within": "geo",
    "share_at_least": "checks",
    "SupplierRegister": "registry",
    "sweep": "compare",
    "Text": "ruleset",
    "transfers_only_to": "checks",
    "value_in": "checks",
    "Verdict": "logic",
    "whole_legal_person": "checks",
    "within_km": "checks",
    "write_template": "io",
}

__all__ = [
    "Centre",
    "Citation",
    "Contract",
    "ContractError",
    "Corpus",
    "Criterion",
    "DecidingEvidence",
    "Declaration",
    "DeclarationError",
    "DocumentError",
    "Duplicate",
    "EspdAnswer",
    "EspdImport",
    "EvaluationContext",
    "EvaluationError",
    "Explanation",
    "Fact",
    "Finding",
    "FollowUp",
    "Gazetteer",
    "Geocoder",
    "GroupMember",
    "GroupResult",
    "GroupTender",
    "LegalForm",
    "Loaded",
    "Message",
    "NominatimGeocoder",
    "Outcome",
    "OwnerClass",
    "OwnerKind",
    "Position",
    "Problem",
    "Procurement",
    "Provenance",
    "PublicBodyRegister",
    "RegisterError",
    "ReportHeading",
    "ReserveratError",
    "Result",
    "Row",
    "RuleSet",
    "RuleSetError",
    "Source",
    "SourceRule",
    "SourceUsed",
    "SupplierRegister",
    "Text",
    "UnknownCriterionError",
    "Verdict",
    "__version__",
    "all_of",
    "any_of",
    "at_least",
    "builtin_gazetteer",
    "builtin_register",
    "compare",
    "cpv_in",
    "criterion",
    "date",
    "deciding_evidence",
    "evaluate",
    "evaluate_columns",
    "evaluate_group",
    "evaluate_many",
    "fact_is_true",
    "find_duplicates",
    "follow_up",
    "in_municipality",
    "in_zone",
    "law_date",
    "list_rulesets",
    "load_contract",
    "load_declarations",
    "load_procurement",
    "load_register",
    "load_ruleset",
    "locate",
    "no_controlling_influence",
    "no_prior_award_within",
    "no_public_owner",
    "not_",
    "not_older_than",
    "number_at_least",
    "number_at_most",
    "outcome_codes",
    "param",
    "parse_contract",
    "parse_declaration",
    "parse_procurement",
    "parse_ruleset",
    "profits_mainly_reinvested",
    "public_share_at_most",
    "read_espd",
    "read_espd_request",
    "read_ocds",
    "read_rows",
    "registered_in",
    "render_html",
    "render_markdown",
    "render_text",
    "result_from_json",
    "result_json_schema",
    "salary_ratio_at_most",
    "screen_within",
    "share_at_least",
    "sweep",
    "to_pandas",
    "to_polars",
    "to_records",
    "transfers_only_to",
    "value_in",
    "whole_legal_person",
    "within_km",
    "write_espd_request",
    "write_template",
]


def __getattr__(name: str) -> _Any:
    """Load a name's module on its first use (``rr.evaluate``, ``rr.Corpus``)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'reserverat' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"reserverat.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Every public name, loaded or not."""
    return sorted(set(globals()) | set(_LAZY))


class _Package(_ModuleType):
    """The package module: importing a submodule that shares a public name
    (``reserverat.evaluate``, ``reserverat.compare``) must not put the module where
    ``rr.evaluate`` is looked up; the submodule stays in ``sys.modules``."""

    def __setattr__(self, name: str, value: _Any) -> None:
        if name in _LAZY and isinstance(value, _ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
