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
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from reserverat.identifiers import MASK, mask_personal_numbers

__all__ = [
    "DeclarationError",
    "DocumentError",
    "EvaluationError",
    "Problem",
    "RegisterError",
    "ReserveratError",
    "RuleSetError",
    "did_you_mean",
    "format_loc",
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
        where = self.source
        if self.rule:
            where += f" {'regel' if sv else 'rule'} {self.rule!r}"
        if self.loc:
            where += f" {'vid' if sv else 'at'} {self.loc}"
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
        if self.has_input() and isinstance(self.input, str | int | float | bool | type(None)):
            out["input"] = self.input
        return out


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
        if err["type"] == "union_tag_invalid":
            expected = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
            hint = did_you_mean(str(ctx.get("tag")), expected)
            msg = f"unknown kind {ctx.get('tag')!r}" + (
                f"; did you mean {hint!r}?" if hint else f"; expected one of {', '.join(expected)}"
            )
        elif err["type"] == "extra_forbidden" and parts and isinstance(parts[-1], str):
            hint = did_you_mean(parts[-1], known_fields)
            msg = f"unknown field {parts[-1]!r}" + (f"; did you mean {hint!r}?" if hint else "")
        problem = Problem(
            source=source,
            loc=format_loc(parts),
            code=code,
            msg=msg,
            input=err.get("input", _MISSING),
            rule=rule,
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
}


def _code_for(pydantic_type: str) -> str:
    if pydantic_type in _CODES:
        return _CODES[pydantic_type]
    if pydantic_type.endswith(("_type", "_parsing")):
        return "wrong_type"
    return pydantic_type
