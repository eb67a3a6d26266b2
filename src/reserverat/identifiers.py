"""Swedish organisation and personal identity numbers: validate, normalise, mask.

A sole trader's organisationsnummer *is* the owner's personnummer, so every number
is classified on the way in and personal numbers are masked on every way out.
The group digit of an organisationsnummer is a hint, never proof of anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

__all__ = [
    "MASK",
    "Identifier",
    "is_personal_number",
    "mask_personal_numbers",
    "parse_identifier",
]

MASK = "******-****"

_DIGITS = re.compile(r"[\s\-+\u2010-\u2015\u2212]")


@dataclass(frozen=True, slots=True)
class Identifier:
    """A validated Swedish identity number: its kind and normalised ``NNNNNN-NNNN`` form."""

    kind: Literal["organisationsnummer", "personnummer"]
    number: str

    def masked(self) -> str:
        """The number as it may be shown: personal numbers are masked, others are not."""
        return MASK if self.kind == "personnummer" else self.number


def _plausible_birth_date(month: int, day: int) -> bool:
    # Coordination numbers (samordningsnummer) add 60 to the day.
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)


def is_personal_number(value: str) -> bool:
    """Whether a 10- or 12-digit number reads as a personnummer (birth date in front).

    >>> is_personal_number("811218-9876"), is_personal_number("212000-0142")
    (True, False)
    """
    digits = _DIGITS.sub("", value)
    if len(digits) == 12:
        digits = digits[2:]
    if len(digits) != 10 or not digits.isdigit():
        return False
    return _plausible_birth_date(int(digits[2:4]), int(digits[4:6]))


@cache
def _stdnum() -> tuple[Any, Any, type[Exception]]:
    """python-stdnum's Swedish numbers, imported when a number is first checked (it pulls in
    ssl, which a start that checks no number should not pay for)."""
    from stdnum.exceptions import ValidationError
    from stdnum.se import orgnr, personnummer

    return orgnr, personnummer, ValidationError


def parse_identifier(value: str) -> Identifier:
    """Validate and normalise an organisationsnummer or a sole trader's personnummer.

    Accepts ``NNNNNNNNNN``, ``NNNNNN-NNNN`` and the 12-digit forms (``16`` prefix for
    organisations, century prefix for persons).

    Raises:
        ValueError: the number has the wrong length, characters or check digit.

    >>> parse_identifier("16 212000-0142")
    Identifier(kind='organisationsnummer', number='212000-0142')
    >>> parse_identifier("811218-9876").masked()
    '******-****'
    """
    from reserverat.errors import InvalidValueError  # errors imports this module

    orgnr, personnummer, invalid = _stdnum()

    digits = _DIGITS.sub("", value)
    if not digits.isdigit() or len(digits) not in (10, 12):
        raise InvalidValueError(
            "expected 10 digits (NNNNNN-NNNN) or 12 digits with a 16 or century prefix",
            "skriv 10 siffror (NNNNNN-NNNN) eller 12 siffror som börjar med 16 eller sekel",
        )
    personal = is_personal_number(digits)
    if len(digits) == 12:
        if personal:
            try:
                personnummer.validate(digits)
            except invalid:
                raise InvalidValueError(
                    "not a valid personnummer (check digit or date)",
                    "inte ett giltigt personnummer (kontrollsiffra eller datum)",
                ) from None
            return Identifier("personnummer", _format(digits[2:]))
        if not digits.startswith("16"):
            raise InvalidValueError(
                "a 12-digit organisationsnummer starts with 16",
                "ett organisationsnummer med 12 siffror börjar med 16",
            )
        digits = digits[2:]
    try:
        orgnr.validate(digits)
    except invalid:
        raise InvalidValueError(
            "check digit does not match (Luhn)",
            "kontrollsiffran stämmer inte (det kan vara en felskrivning)",
        ) from None
    return Identifier("personnummer" if personal else "organisationsnummer", _format(digits))


def _format(digits: str) -> str:
    return f"{digits[:6]}-{digits[6:]}"


# The separators people type between birth date and number: hyphen, en dash, minus sign,
# non-breaking and other hyphens, "+" for centenarians, spaces of every width, or " - ".
_SPACE = r"[ \t\u00a0\u2009\u202f]"
_SEP = rf"(?:{_SPACE}*[-\u2010-\u2015\u2212+]{_SPACE}*|{_SPACE}+)?"
_PERSONAL_IN_TEXT = re.compile(
    r"(?<![0-9])(?:(?:18|19|20)\d{2}|\d{2})(\d{2})(\d{2})" + _SEP + r"\d{4}(?![0-9])"
)
# A long run of hex digits (a content hash) is no identity number, even where ten of its
# digits read as a birth date.
_TOKEN = re.compile(r"[0-9A-Za-z]+")
_SIX_DIGITS = re.compile(r"\d{6}")
_HEX_TOKEN = re.compile(r"[0-9a-fA-F]{16,}")


def mask_personal_numbers(text: str) -> str:
    """Replace everything in ``text`` that reads as a personnummer with a mask.

    Every separator people write is recognised (``-``, ``–``, ``−``, a non-breaking
    hyphen, ``+``, spaces, none), in the 10- and 12-digit forms, also glued to letters
    (``anbud811218-9876``). Luhn is not required: a mistyped personnummer is still
    personal data. Numbers written in groups of three (``1 912 051 234``) are not masked.

    >>> mask_personal_numbers("Ägare 19811218-9876 och bolag 212000-0142")
    'Ägare ******-**** och bolag 212000-0142'
    >>> mask_personal_numbers("811218\u20139876, 811218 9876, anbud8112189876.json")
    '******-****, ******-****, anbud******-****.json'
    >>> mask_personal_numbers("sha256:ae5409232829a8f3d2c1b0a99887766554433")
    'sha256:ae5409232829a8f3d2c1b0a99887766554433'
    """
    if _SIX_DIGITS.search(text) is None:
        return text  # no birth date in it: the common case, decided in C

    def repl(match: re.Match[str]) -> str:
        if not _plausible_birth_date(int(match.group(1)), int(match.group(2))):
            return match.group(0)
        start, end = match.span()
        for token in _TOKEN.finditer(text, max(0, start - 64), min(len(text), end + 64)):
            inside = token.start() <= start and end <= token.end()
            if inside and _HEX_TOKEN.fullmatch(token.group()):
                return match.group(0)
        return MASK

    return _PERSONAL_IN_TEXT.sub(repl, text)
