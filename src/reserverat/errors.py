"""Errors raised for bad input; a failed criterion is never an exception.

The tree::

    ReserveratError                     every error this library raises on purpose
     ├── RuleSetError(ValueError)       a rule file or rule tree is invalid
     ├── DeclarationError(ValueError)   a declaration or procurement is invalid
     ├── RegisterError(ValueError)      a supplier register file is invalid
     ├── EvaluationError(ValueError)    evaluate() was called without what it needs
 └── DocumentError(ValueError)      an XML document (ESPD, eForms) is unsafe or unreadable

Every error carries one or more :class:`Problem` values, each located by source
(a file name or ``<python>``), a location path (``criteria[2].check.threshold``),
a stable code, a message and the input that was given. Problems are collected so
that one run reports everything that is wrong, then the error is raised once.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from reserverat.identifiers import MASK, mask_personal_numbers
from reserverat.labels import known_words

__all__ = [
    "DeclarationError",
    "DocumentError",
    "EvaluationError",
    "InvalidValueError",
    "Problem",
    "RegisterError",
    "ReserveratError",
    "RuleSetError",
    "UnknownCriterionError",
    "did_you_mean",
    "did_you_mean_texts",
    "format_loc",
    "place_words",
    "swedish_message",
    "swedish_number",
    "unknown_criterion",
]

_MISSING = object()


def format_loc(parts: Iterable[str | int]) -> str:
    """Join location parts into a path such as ``criteria[2].check.threshold``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """Return the closest of ``choices`` to ``word``, or None when none is close."""
    best = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return best[0] if best else None


def did_you_mean_texts(word: str, choices: Iterable[str]) -> tuple[str, str]:
    """The tail of a message naming the closest choice, in English and Swedish.

    ``("; did you mean 'x'?", "; menade du 'x'?")``, or two empty strings when no choice
    is close.
    """
    hint = did_you_mean(word, choices)
    return (f"; did you mean {hint!r}?", f"; menade du {hint!r}?") if hint else ("", "")


@dataclass(frozen=True)
class Problem:
    """One located problem: where, which stable code, what is wrong, what was given."""

    source: str
    loc: str
    code: str
    msg: str
    input: Any = field(default=_MISSING, compare=False)
    rule: str | None = None
    msg_sv: str | None = field(default=None, compare=False)
    """The message in Swedish, where the problem has one."""

    def __post_init__(self) -> None:
        # Masked as the problem is made, so no rendering of it can show an identity number:
        # a file name, a message quoting a cell, the input itself.
        for name in ("source", "loc", "msg"):
            value = getattr(self, name)
            object.__setattr__(self, name, mask_personal_numbers(value))
        if self.msg_sv is not None:
            object.__setattr__(self, "msg_sv", mask_personal_numbers(self.msg_sv))
        value = self.input
        if isinstance(value, str):
            object.__setattr__(self, "input", mask_personal_numbers(value))
        elif (
            isinstance(value, int)
            and not isinstance(value, bool)
            and mask_personal_numbers(str(value)) != str(value)
        ):
            object.__setattr__(self, "input", MASK)

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (Swedish where the problem has it, else English)."""
        return self.msg_sv if lang == "sv" and self.msg_sv is not None else self.msg

    def has_input(self) -> bool:
        """Whether the problem carries the offending input value."""
        return self.input is not _MISSING

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        """The located problem as one line, in ``lang`` where the problem has that language."""
        sv = lang == "sv" and self.msg_sv is not None
        said = "sv" if sv else "en"
        where = place_words(self.source, said)
        if self.rule:
            where += f" {'regel' if sv else 'rule'} {self.rule!r}"
        if self.loc:
            where += f" {'vid' if sv else 'at'} {place_words(self.loc, said)}"
            words = known_words(self.loc, said)
            if words is not None and words.lower() != self.loc.replace("_", " "):
                where += f" ({words})"
        text = f"{where}: [{self.code}] {self.message(lang)}"
        if self.has_input() and not isinstance(self.input, dict | list):
            # A table or list given as input may hold a number that was not masked with it.
            text += f" ({'angivet' if sv else 'got'} {mask_personal_numbers(repr(self.input))})"
        return text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view, with personal identity numbers masked."""
        out: dict[str, Any] = {
            "source": self.source,
            "loc": self.loc,
            "code": self.code,
            "msg": self.msg,
        }
        if self.rule:
            out["rule"] = self.rule
        if self.msg_sv is not None:
            out["msg_sv"] = self.msg_sv  # a platform shows its Swedish users the Swedish
        if self.has_input() and isinstance(self.input, str | int | float | bool | type(None)):
            out["input"] = self.input
        return out


_LOC_WORDS = [
    (re.compile(r"\brows (\d+)-(\d+)"), "rad \\1\u2013\\2"),
    (re.compile(r"\bline (\d+)"), r"rad \1"),
    (re.compile(r"\brow (\d+)"), r"rad \1"),
    (re.compile(r"\bcolumn (\w+)"), r"kolumn \1"),
    (re.compile(r"\bsheet\b"), "blad"),
]


def place_words(text: str, lang: str = "sv") -> str:
    """Where an input or a problem is, as ``lang`` says it: in Swedish ``x.csv row 3`` is
    ``x.csv rad 3`` and ``line 3 column 5`` is ``rad 3 kolumn 5`` (English is unchanged)."""
    if lang != "sv":
        return text
    for pattern, words in _LOC_WORDS:
        text = pattern.sub(words, text)
    return text


class InvalidValueError(ValueError):
    """A validator's refusal in English and Swedish: a field validator raises it, and the
    problem made from it carries both."""

    def __init__(self, msg: str, sv: str) -> None:
        super().__init__(msg)
        self.sv = sv


class ReserveratError(Exception):
    """Root of every error this library raises on purpose."""

    def __init__(self, problems: Sequence[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(source="<python>", loc="", code="error", msg=problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines.extend(f"  {p}" for p in self.problems)
        return "\n".join(lines)


class RuleSetError(ReserveratError, ValueError):
    """A rule file or a rule tree is invalid."""


class DeclarationError(ReserveratError, ValueError):
    """A declaration or procurement is invalid."""


class RegisterError(ReserveratError, ValueError):
    """A supplier register file (CSV) is invalid."""


class UnknownCriterionError(ReserveratError, KeyError):
    """A criterion id that a result or rule set does not have (also a ``KeyError``)."""

    def __str__(self) -> str:
        # KeyError would print the repr of its argument; a person reads the sentence.
        return self._summary()


def unknown_criterion(name: str, known: Iterable[str], where: str) -> UnknownCriterionError:
    """The error for a criterion id ``where`` (a rule set or result) does not have."""
    tip, tip_sv = did_you_mean_texts(name, list(known))
    return UnknownCriterionError(
        [
            Problem(
                "<python>",
                "",
                "unknown_criterion",
                f"no criterion {name!r} in {where}" + tip,
                name,
                msg_sv=f"inget kriterium {name!r} i {where}" + tip_sv,
            )
        ]
    )


class EvaluationError(ReserveratError, ValueError):
    """evaluate() lacks what it needs, such as an evaluation date."""


class DocumentError(ReserveratError, ValueError):
    """An XML document (ESPD, eForms notice) is unsafe, malformed or of the wrong kind."""


def problems_from_validation(
    exc: ValidationError | Sequence[Any],
    *,
    source: str,
    prefix: Sequence[str | int] = (),
    tags: frozenset[str] = frozenset(),
    rule: str | None = None,
    known_fields: Iterable[str] = (),
) -> list[Problem]:
    """Translate pydantic's errors into located problems, dropping union tags from paths."""
    raw: list[tuple[Problem, str | None, str]] = []
    errors = exc.errors(include_url=False) if isinstance(exc, ValidationError) else exc
    for err in errors:
        parts: list[str | int] = list(prefix)
        branch: str | None = None
        branch_loc = ""
        for part in err["loc"]:
            # Unions put their member names into the location; a reader wants the field path.
            if isinstance(part, str) and (part in tags or not _FIELD.match(part)):
                branch, branch_loc = part, format_loc(parts)
                continue
            parts.append(part)
        code = _code_for(err["type"])
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        ctx = err.get("ctx") or {}
        msg_sv = _swedish(err["type"], ctx)
        if err["type"] == "union_tag_invalid":
            expected = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
            hint = did_you_mean(str(ctx.get("tag")), expected)
            msg = f"unknown kind {ctx.get('tag')!r}" + (
                f"; did you mean {hint!r}?" if hint else f"; expected one of {', '.join(expected)}"
            )
            msg_sv = f"okänd sort {ctx.get('tag')!r}" + (
                f"; menade du {hint!r}?" if hint else f"; välj en av {', '.join(expected)}"
            )
        elif err["type"] == "extra_forbidden" and parts and isinstance(parts[-1], str):
            tip, tip_sv = did_you_mean_texts(parts[-1], known_fields)
            msg = f"unknown field {parts[-1]!r}" + tip
            msg_sv = f"okänt fält {parts[-1]!r}" + tip_sv
        problem = Problem(
            source=source,
            loc=format_loc(parts),
            code=code,
            msg=msg,
            input=err.get("input", _MISSING),
            rule=rule,
            msg_sv=msg_sv,
        )
        raw.append((problem, branch, branch_loc))
    return _prune(raw)


_FIELD = re.compile(r"^[a-z_][a-z0-9_]*$")


def _prune(raw: list[tuple[Problem, str | None, str]]) -> list[Problem]:
    """Drop the echoes pydantic adds around one real problem.

    A field that takes a value or a ``param(...)`` reference fails on both branches; keep
    the branch the input was aimed at (a table means a reference). A tuple with a bad
    item also reports being too short; the item's own problem says it all.
    """
    param_unions = {loc for _, branch, loc in raw if branch == "Param"}
    aimed_at_param = {
        loc
        for problem, branch, loc in raw
        if loc in param_unions and branch != "Param" and isinstance(problem.input, dict)
    }
    kept: list[Problem] = []
    for problem, branch, loc in raw:
        if branch == "Param" and loc not in aimed_at_param:
            continue
        if branch not in (None, "Param") and loc in aimed_at_param:
            continue
        kept.append(problem)
    out = []
    for problem in kept:
        if problem.code == "too_short" and any(
            other.loc.startswith(problem.loc + "[") or other.loc.startswith(problem.loc + ".")
            for other in kept
            if other is not problem
        ):
            continue
        if problem not in out:
            out.append(problem)
    return out


_CODES = {
    "missing": "missing",
    "extra_forbidden": "unknown_field",
    "union_tag_invalid": "unknown_kind",
    "union_tag_not_found": "missing_kind",
    "literal_error": "not_allowed",
    "enum": "not_allowed",
    "greater_than_equal": "out_of_range",
    "less_than_equal": "out_of_range",
    "greater_than": "out_of_range",
    "less_than": "out_of_range",
    "value_error": "invalid",
    "decimal_max_places": "too_precise",
    "decimal_max_digits": "out_of_range",
    "finite_number": "not_finite",
    "date_too_late": "out_of_range",
    "assertion_error": "invalid",
    "int_parsing_size": "out_of_range",
    # pydantic's own names had leaked out as codes (seen in compare's list of skipped rows).
    "string_too_short": "too_short",
    "string_too_long": "too_long",
    "string_pattern_mismatch": "invalid",
}


# pydantic's error types in Swedish, with its context values (ge, le, pattern, ...).
_SV: dict[str, str] = {
    "missing": "uppgiften saknas",
    "extra_forbidden": "okänt fält",
    "union_tag_not_found": "sort (kind) saknas",
    "literal_error": "ska vara {expected}",
    "enum": "ska vara {expected}",
    "greater_than_equal": "ska vara minst {ge}",
    "less_than_equal": "får vara högst {le}",
    "greater_than": "ska vara större än {gt}",
    "less_than": "ska vara mindre än {lt}",
    "multiple_of": "ska vara en multipel av {multiple_of}",
    "int_parsing": "ska vara ett heltal",
    "int_type": "ska vara ett heltal",
    "int_from_float": "ska vara ett heltal, utan decimaler",
    "int_parsing_size": "är för stort för ett heltal",
    "float_parsing": "ska vara ett tal",
    "float_type": "ska vara ett tal",
    "decimal_parsing": "ska vara ett tal",
    "decimal_type": "ska vara ett tal",
    "decimal_max_places": "får ha högst {decimal_places} decimaler",
    "decimal_max_digits": "får ha högst {max_digits} siffror",
    "decimal_whole_digits": "får ha högst {whole_digits} siffror före decimaltecknet",
    "finite_number": "ska vara ett ändligt tal",
    "not_finite": "en parameter ska vara ett ändligt tal",
    "bad_parameter": "en parameter ska ligga inom ±10^13 och ha högst 6 decimaler",
    "bool_parsing": "ska vara ja eller nej",
    "bool_type": "ska vara ja eller nej",
    "date_parsing": "ska vara ett datum (ÅÅÅÅ-MM-DD)",
    "date_type": "ska vara ett datum (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_parsing": "ska vara ett datum (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_inexact": "ska vara ett datum utan klockslag",
    "string_type": "ska vara text",
    "string_too_short": "ska ha minst {min_length} tecken",
    "string_too_long": "får ha högst {max_length} tecken",
    "string_pattern_mismatch": "har inte rätt form",
    "list_type": "ska vara en lista",
    "tuple_type": "ska vara en lista",
    "set_type": "ska vara en lista",
    "too_short": "ska ha minst {min_length} poster",
    "too_long": "får ha högst {max_length} poster",
    "dict_type": "ska vara ett objekt med fält",
    "model_type": "ska vara ett objekt med fält",
    "model_attributes_type": "ska vara ett objekt med fält",
    "json_invalid": "är inte giltig JSON",
    "url_parsing": "ska vara en webbadress",
    "url_scheme": "ska vara en webbadress som börjar med {expected_schemes}",
    "unknown_fact": "'{path}' är ingen uppgift i en försäkran{hint_sv}",
    "source_incomplete": "en källa av slaget {kind_sv} behöver {fields_sv}",
    "future_date": "{day} är senare än i dag: ett dokument eller register kan inte ha lästs än",
}


def swedish_message(error: Any) -> str | None:
    """One of pydantic's errors (an item of ``ValidationError.errors()``) in Swedish, or None
    where the catalogue has no words for it."""
    return _swedish(error["type"], error.get("ctx") or {})


def _swedish(pydantic_type: str, ctx: dict[str, Any]) -> str | None:
    """The Swedish message for one of pydantic's errors, or None where there is none."""
    if pydantic_type in ("value_error", "assertion_error"):
        error = ctx.get("error")
        return error.sv if isinstance(error, InvalidValueError) else None
    template = _SV.get(pydantic_type)
    if template is None:
        return None
    values = {k: _sv_value(v) for k, v in ctx.items()}
    if pydantic_type == "string_too_short" and ctx.get("min_length") == 1:
        return "får inte vara tom"
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template.split(" {", 1)[0]


def _sv_value(value: Any) -> str:
    """A context value as Swedish writes it: a number as :func:`swedish_number` does,
    "eller" between choices."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value).replace("' or '", "' eller '")
    return swedish_number(value)


def swedish_number(value: int | float | Decimal) -> str:
    """A number in a Swedish message: no-break spaces between thousands, a decimal comma
    (``1 000 000``, ``0,25``); a whole Decimal as an integer, others as written."""
    if not isinstance(value, int):
        if not (math.isfinite(value) and abs(float(value)) < 1e15):
            return str(value).replace(".", ",")  # as pydantic gives it (1e+308)
        if value == int(value):
            value = int(value)
    # A Decimal in positional notation (1E-7 is 0,0000001), a float as Python writes it.
    spec = ",f" if isinstance(value, Decimal) else ","
    return f"{value:{spec}}".replace(",", "\u00a0").replace(".", ",")


def _code_for(pydantic_type: str) -> str:
    if pydantic_type in _CODES:
        return _CODES[pydantic_type]
    if pydantic_type.endswith(("_type", "_parsing")):
        return "wrong_type"
    return pydantic_type
