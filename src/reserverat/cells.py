"""Spreadsheet cells read the way Swedes write them.

A cell in a CSV or Excel sheet is text a person typed, or a number or date Excel stored.
Numbers take a decimal comma or point, thousands separated by spaces (also the
non-breaking kinds), a minus sign of either kind, and a unit where one is natural:
``12 st``, ``250 000 kr``. Shares take ``30 %``, ``30%``, ``0,3`` or ``0,30``; a share over
1 without ``%`` is an error that says how to write it. Dates take ``2024-02-15``,
``20240215`` and the day-first forms ``15/2/2024``, ``15.2.2024`` and ``15-2-2024``.
Yes/no takes ``ja``/``nej`` and the like. What cannot be read unambiguously raises a
:class:`CellError` that says, in Swedish and English, what was read and what to write;
nothing is guessed.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, get_args, get_origin

from annotated_types import Le

__all__ = ["CellError", "Kind", "kind_of", "read_cell"]

Kind = Literal["yes_no", "count", "number", "share", "date", "text"]

TRUE = frozenset({"ja", "j", "yes", "y", "true", "sant", "1", "x"})
FALSE = frozenset({"nej", "n", "no", "false", "falskt", "0"})

_SPACES = re.compile(r"[ \u00a0\u202f\u2007\u2009]")
_GROUPED = re.compile(r"^[+-]?\d{1,3}( \d{3})+([.,]\d+)?$")
_PLAIN = re.compile(r"^[+-]?\d+([.,]\d+)?$")
_DOT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_COMMA_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_UNITS = {
    "count": ("st.", "st", "personer", "person", "pers.", "pers"),
    "number": ("kr", "sek", ":-", "kronor"),
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_SHORT_YEAR = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2}$")


class CellError(ValueError):
    """A cell that cannot be read: a stable code, and what to write, in Swedish and English."""

    def __init__(self, code: str, sv: str, en: str) -> None:
        super().__init__(en)
        self.code = code
        self.sv = sv
        self.en = en


def kind_of(annotation: Any) -> Kind:
    """How a cell for a field of this type is read."""
    base = annotation
    metadata: list[Any] = []
    while get_origin(base) is not None and get_args(base):
        args = get_args(base)
        if hasattr(base, "__metadata__"):
            metadata.extend(base.__metadata__)
        base = args[0]
    for item in metadata:
        metadata.extend(getattr(item, "metadata", ()))
    if base is bool:
        return "yes_no"
    if base is int:
        return "count"
    if base is date:
        return "date"
    if base in (Decimal, float):
        at_most_one = any(isinstance(m, Le) and m.le == 1 for m in metadata)
        return "share" if at_most_one else "number"
    return "text"


def read_cell(value: Any, kind: Kind, *, decimal_comma: bool | None = None) -> Any:
    """The cell's value as the declaration wants it; None for an empty cell.

    ``decimal_comma``: True where the file says commas are decimal (a semicolon CSV, or the
    option); None to read a comma as decimal unless it is ambiguous (``1,250``).

    Raises:
        CellError: the cell cannot be read as a value of its kind, or only ambiguously.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if kind == "share" and value > 1:
            raise _share_over_one(str(value))
        return value
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text == "":
        return None
    if kind == "yes_no":
        folded = text.casefold()
        if folded in TRUE:
            return True
        if folded in FALSE:
            return False
        raise CellError(
            "cell.yes_no",
            f"läste {text!r}: skriv ja eller nej",
            f"read {text!r}: write ja (yes) or nej (no)",
        )
    if kind in ("count", "number", "share"):
        return _number(text, kind, decimal_comma)
    if kind == "date":
        return _date(text)
    return text


def _share_over_one(text: str) -> CellError:
    return CellError(
        "cell.share_over_one",
        f"läste {text!r}, mer än 1: en andel skrivs 0,30 eller 30 %",
        f"read {text!r}, more than 1: write a share as 0.30 or 30 %",
    )


def _number(text: str, kind: Kind, decimal_comma: bool | None) -> Decimal | int:
    raw = text
    body = _SPACES.sub(" ", text.replace("\u2212", "-")).strip()
    percent = body.endswith("%")
    if percent:
        if kind != "share":
            raise CellError(
                "cell.percent",
                f"läste {raw!r}: här skrivs ett tal utan %",
                f"read {raw!r}: write a number here, without %",
            )
        body = body[:-1].strip()
    folded = body.casefold()
    for unit in _UNITS.get(kind if kind != "share" else "", ()):
        if folded.endswith(unit):
            body = body[: -len(unit)].strip()
            break
    number = _digits(body, raw, decimal_comma)
    if percent:
        number = number / 100
    if kind == "share" and not percent and number > 1:
        raise _share_over_one(raw)
    if kind == "count":
        if number != number.to_integral_value():
            raise CellError(
                "cell.count",
                f"läste {raw!r}: ett antal personer är ett heltal",
                f"read {raw!r}: a number of persons is a whole number",
            )
        return int(number)
    return number


def _digits(body: str, raw: str, decimal_comma: bool | None) -> Decimal:
    if _GROUPED.match(body):
        body = body.replace(" ", "")
    elif " " in body:
        raise _not_a_number(raw)
    if _PLAIN.match(body):
        sep = "," if "," in body else "." if "." in body else ""
        if sep:
            whole, _, frac = body.partition(sep)
            thousands = len(frac) == 3 and whole.lstrip("+-") not in ("", "0")
            if thousands and not (sep == "," and decimal_comma is True):
                # 1,250 is 1.25 in Swedish and 1250 in English; 1.250 the other way round:
                # say so, do not guess.
                decimal = f"{whole},{frac.rstrip('0') or '0'}"
                raise _ambiguous(raw, decimal, f"{whole} {frac}")
            body = body.replace(",", ".")
    elif (_DOT_THOUSANDS.match(body) and body.count(".") > 1) or ("," in body and "." in body):
        if not _DOT_THOUSANDS.match(body):
            raise _not_a_number(raw)
        # 1.250.000 or 1.250,5: points group thousands, a comma is the decimal.
        body = body.replace(".", "").replace(",", ".")
    elif _COMMA_THOUSANDS.match(body):
        raise _not_a_number(raw)
    else:
        raise _not_a_number(raw)
    try:
        return Decimal(body)
    except InvalidOperation:
        raise _not_a_number(raw) from None


def _not_a_number(raw: str) -> CellError:
    return CellError(
        "cell.number",
        f"läste {raw!r}: skriv ett tal, t.ex. 21,5 eller 1 250",
        f"read {raw!r}: write a number, such as 21.5 or 1250",
    )


def _ambiguous(raw: str, one: str, other: str) -> CellError:
    return CellError(
        "cell.ambiguous_number",
        f"läste {raw!r}, som kan betyda {one} eller {other}: skriv tusental med mellanslag "
        "(1 250) och decimaler med komma (1,25)",
        f"read {raw!r}, which could mean {one} or {other}: write thousands with a space "
        "(1 250) and decimals with a comma (1,25)",
    )


def _date(text: str) -> date:
    for pattern, order in ((_ISO, "ymd"), (_COMPACT, "ymd"), (_DAY_FIRST, "dmy")):
        m = pattern.match(text)
        if m is None:
            continue
        parts = dict(zip(order, (int(g) for g in m.groups()), strict=True))
        try:
            return date(parts["y"], parts["m"], parts["d"])
        except ValueError:
            break
    if _SHORT_YEAR.match(text):
        raise CellError(
            "cell.short_year",
            f"läste {text!r}: skriv året med fyra siffror, t.ex. 2024-02-15",
            f"read {text!r}: write the year with four digits, such as 2024-02-15",
        )
    raise CellError(
        "cell.date",
        f"läste {text!r}: skriv ett datum som 2024-02-15 eller 15/2/2024",
        f"read {text!r}: write a date as 2024-02-15 or 15/2/2024",
    )
