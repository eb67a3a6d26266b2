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

from datetime import date

from reserverat._version import __version__
from reserverat.checks import (
    all_of,
    any_of,
    at_least,
    fact_is_true,
    no_controlling_influence,
    no_public_owner,
    not_,
    not_older_than,
    number_at_least,
    param,
    profits_mainly_reinvested,
    public_share_at_most,
    registered_in,
    salary_ratio_at_most,
    share_at_least,
    transfers_only_to,
    value_in,
    whole_legal_person,
)
from reserverat.declaration import (
    Declaration,
    LegalForm,
    OwnerKind,
    Procurement,
    load_declarations,
    load_procurement,
    parse_declaration,
    parse_procurement,
)
from reserverat.errors import (
    DeclarationError,
    EvaluationError,
    Problem,
    RegisterError,
    ReserveratError,
    RuleSetError,
)
from reserverat.evaluate import EvaluationContext, evaluate, evaluate_many
from reserverat.groups import (
    Duplicate,
    GroupMember,
    GroupResult,
    GroupTender,
    evaluate_group,
    find_duplicates,
)
from reserverat.loading import list_rulesets, load_ruleset, parse_ruleset
from reserverat.logic import Verdict
from reserverat.registry import (
    OwnerClass,
    PublicBodyRegister,
    SupplierRegister,
    builtin_register,
    load_register,
)
from reserverat.render import render_markdown, render_text
from reserverat.result import (
    Explanation,
    Fact,
    Finding,
    Message,
    Outcome,
    Provenance,
    Result,
    result_from_json,
    result_json_schema,
)
from reserverat.ruleset import Citation, Criterion, RuleSet, Text, criterion

__all__ = [
    "Citation",
    "Criterion",
    "Declaration",
    "DeclarationError",
    "Duplicate",
    "EvaluationContext",
    "EvaluationError",
    "Explanation",
    "Fact",
    "Finding",
    "GroupMember",
    "GroupResult",
    "GroupTender",
    "LegalForm",
    "Message",
    "Outcome",
    "OwnerClass",
    "OwnerKind",
    "Problem",
    "Procurement",
    "Provenance",
    "PublicBodyRegister",
    "RegisterError",
    "ReserveratError",
    "Result",
    "RuleSet",
    "RuleSetError",
    "SupplierRegister",
    "Text",
    "Verdict",
    "__version__",
    "all_of",
    "any_of",
    "at_least",
    "builtin_register",
    "criterion",
    "date",
    "evaluate",
    "evaluate_group",
    "evaluate_many",
    "fact_is_true",
    "find_duplicates",
    "list_rulesets",
    "load_declarations",
    "load_procurement",
    "load_register",
    "load_ruleset",
    "no_controlling_influence",
    "no_public_owner",
    "not_",
    "not_older_than",
    "number_at_least",
    "param",
    "parse_declaration",
    "parse_procurement",
    "parse_ruleset",
    "profits_mainly_reinvested",
    "public_share_at_most",
    "registered_in",
    "render_markdown",
    "render_text",
    "result_from_json",
    "result_json_schema",
    "salary_ratio_at_most",
    "share_at_least",
    "transfers_only_to",
    "value_in",
    "whole_legal_person",
]
