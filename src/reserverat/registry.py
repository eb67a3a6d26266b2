"""Who is public: a register of public bodies and fuzzy matching of owner names (rapidfuzz).

Declarations name their owners by name, often without saying what kind of owner each
is, and a buyer must not be fooled by look-alikes: Kommunal is a trade union, Svenska
kyrkan's parishes have not been public since 2000, Stockholms Stadsmission is not the
city. :class:`PublicBodyRegister` classifies a name in this order:

1. look-alikes known *not* to be public (package data ``not_public.csv``);
2. company names: the name without its company suffix is matched against the register
   (a company named after a municipality is presumed the municipality's), then patterns
   of municipal housing and property companies (``…byggen``, ``…bostäder``); weaker
   patterns (``… Energi AB``) are only a reason to ask;
3. the name against every name form of the 290 municipalities, the 21 regions and the
   state's bodies (package data ``public_bodies.csv``): a score at or above ``accept``
   decides, one at or above ``grey`` asks for the owner's organisationsnummer.

An organisationsnummer's group digit is used as a hint only (group 2 holds the state,
regions and municipalities, but also parishes and other faith communities).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np
else:
    from reserverat._lazy import LazyModule

    np = LazyModule("numpy")  # imported when name matching first runs


__all__ = [
    "OwnerClass",
    "PublicBodyRegister",
    "RegisterEntry",
    "RegisterMatch",
    "SupplierRegister",
    "builtin_register",
    "load_register",
    "normalise_name",
]

PUBLIC_KINDS = frozenset(
    {"municipality", "region", "state", "public_company", "public_association"}
)

_COMPANY_SUFFIX = re.compile(r"\s+(?:ab|aktiebolag|ab publ|publ ab|aktiebolaget|hb|kb)$")
_NON_WORD = re.compile(r"[^\w\s-]+")
_SPACES = re.compile(r"\s+")

# Company-name endings that in practice mean a municipal company (allmännyttan, property).
_STRONG_MUNICIPAL = ("byggen", "bostäder", "kommunfastigheter", "stadshus", "hem")
# Endings common to municipal *and* private companies: a reason to ask, not to decide.
_WEAK_MUNICIPAL = (
    "energi",
    "vatten",
    "hamn",
    "fastigheter",
    "parkering",
    "renhållning",
    "stadsnät",
    "kraft",
    "avfall",
    "el",
)


def _core(name: str) -> str:
    """A normalised name without its company suffix: the form matched against the register."""
    return _COMPANY_SUFFIX.sub("", name)


def normalise_name(name: str) -> str:
    """Lower case, punctuation dropped, spaces folded: the form names are compared in.

    >>> normalise_name("  Botkyrka  Kommun, AB ")
    'botkyrka kommun ab'
    """
    text = _NON_WORD.sub(" ", name.casefold().replace("(publ)", " publ "))
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class OwnerClass:
    """What an owner's name says about it: its kind, whether it is public, and why.

    ``public`` is None in the grey zone: the name is close to a public body but not
    close enough to decide; ask for the owner's organisationsnummer. ``reason`` is a
    stable code (``matched``, ``look_alike``, ``company_named``, ``municipal_company``,
    ``maybe_municipal_company``, ``company``, ``near``, ``bare_municipality``,
    ``no_match``, ``group_2``, ``declared``, ``declared_contradicted``); ``why`` holds
    a look-alike's explanation in Swedish and English.
    """

    kind: str | None
    public: bool | None
    reason: str
    matched: str | None = None
    score: float | None = None
    why: tuple[str, str] | None = None

    def describe(self) -> str:
        """A compact English account, e.g. ``matched 'Botkyrka kommun' (score 95)``."""
        text = self.reason.replace("_", " ")
        if self.why is not None:
            text += f": {self.why[1]}"
        if self.matched is not None:
            text += f" '{self.matched}'"
        if self.score is not None:
            text += f" (score {self.score:.0f})"
        return text


@dataclass(frozen=True, slots=True)
class _LookAlike:
    pattern: str
    match: Literal["exact", "prefix", "suffix", "contains"]
    kind: str
    reason_en: str
    reason_sv: str

    def matches(self, name: str) -> bool:
        p = self.pattern
        if self.match == "exact":
            return name == p
        if self.match == "prefix":
            return name == p or name.startswith(p + " ")
        if self.match == "suffix":
            return name.endswith(p)
        return p in name


class PublicBodyRegister:
    """Name forms of public bodies and the look-alikes that are not public."""

    def __init__(
        self,
        bodies: Iterable[tuple[str, str, str, str]],
        look_alikes: Iterable[_LookAlike] = (),
    ) -> None:
        self._kind: dict[str, tuple[str, str]] = {}
        for name, kind, _code, canonical in bodies:
            self._kind[normalise_name(name)] = (kind, canonical)
        self._choices = list(self._kind)
        self._look_alikes = tuple(look_alikes)
        self._municipal_stems = sorted(
            {
                normalise_name(c).removesuffix(" kommun").removesuffix("s")
                for k, c in self._kind.values()
                if k == "municipality"
            }
            | {n for n, (k, _) in self._kind.items() if k == "municipality" and " " not in n},
            key=len,
            reverse=True,
        )
        # Stems by their first three letters, longest first: a company name is checked
        # against a handful of stems, not all 290.
        self._stems_by_prefix: dict[str, list[str]] = {}
        for stem in self._municipal_stems:
            self._stems_by_prefix.setdefault(stem[:3], []).append(stem)
        self._cache: dict[tuple[str, str | None, float, float], OwnerClass] = {}
        # Best fuzzy match per (compared form, grey cut-off), filled by classify_many in bulk.
        self._best_cache: dict[tuple[str, float], tuple[str | None, str | None, float]] = {}

    def __len__(self) -> int:
        return len(self._kind)

    def classify_many(
        self,
        names: Iterable[str],
        organisationsnummer: Iterable[str | None] | None = None,
        *,
        accept: float = 90,
        grey: float = 80,
        workers: int = 1,
    ) -> list[OwnerClass]:
        """Classify many names at once; same answers as :meth:`classify`, one at a time.

        The fuzzy search runs as one rapidfuzz ``cdist`` over every distinct name not yet
        seen (in chunks, to bound memory), which is several times faster than a search
        per name. ``workers`` is rapidfuzz's thread count (-1: every core).
        """
        from rapidfuzz import fuzz, process  # 50 ms to import: only when names are matched

        names = list(names)
        numbers = (
            list(organisationsnummer) if organisationsnummer is not None else [None] * len(names)
        )
        cores = {_core(normalise_name(n)) for n in names}
        todo = sorted(c for c in cores if c not in self._kind and (c, grey) not in self._best_cache)
        for start in range(0, len(todo), 5000):
            chunk = todo[start : start + 5000]
            # float32, not uint8: whole-number scores could tie and pick another winner
            # than classify() would.
            scores = process.cdist(
                chunk,
                self._choices,
                scorer=fuzz.ratio,
                score_cutoff=grey,
                dtype=np.float32,
                workers=workers,
            )
            best = scores.argmax(axis=1)
            for core, j, row in zip(chunk, best, scores, strict=True):
                if row[j] == 0:
                    self._best_cache[(core, grey)] = (None, None, 0.0)
                    continue
                choice = self._choices[int(j)]
                kind, canonical = self._kind[choice]
                self._best_cache[(core, grey)] = (kind, canonical, float(fuzz.ratio(core, choice)))
        return [
            self.classify(n, o, accept=accept, grey=grey)
            for n, o in zip(names, numbers, strict=True)
        ]

    def classify(
        self,
        name: str,
        organisationsnummer: str | None = None,
        *,
        accept: float = 90,
        grey: float = 80,
    ) -> OwnerClass:
        """Classify an owner by name (and organisationsnummer as a hint).

        Args:
            accept: the rapidfuzz score (0-100, inclusive) at which a match decides.
            grey: the score (inclusive) from which a near match asks for more.
        """
        key = (name, organisationsnummer, accept, grey)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._classify(normalise_name(name), organisationsnummer, accept, grey)
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def _classify(self, name: str, orgnr: str | None, accept: float, grey: float) -> OwnerClass:
        for rule in self._look_alikes:
            if rule.matches(name):
                return OwnerClass(
                    rule.kind, False, "look_alike", why=(rule.reason_sv, rule.reason_en)
                )
        company = _COMPANY_SUFFIX.search(name) is not None
        core = _core(name)
        kind, canonical, score = self._best(core, grey)
        if company:
            if kind is not None and score >= accept:
                return OwnerClass("public_company", True, "company_named", canonical, score)
            stem = self._municipal_stem(core)
            if stem is not None:
                rest = core[len(stem) :].strip().removeprefix("s ").strip()
                if rest.endswith(_STRONG_MUNICIPAL) or rest in _STRONG_MUNICIPAL:
                    return OwnerClass("public_company", True, "municipal_company", self._muni(stem))
                if rest.endswith(_WEAK_MUNICIPAL):
                    return OwnerClass(None, None, "maybe_municipal_company", self._muni(stem))
            return self._hint(orgnr, OwnerClass("company", False, "company"))
        if kind is not None and score >= accept:
            return OwnerClass(kind, True, "matched", canonical, score)
        if kind is not None:
            return OwnerClass(None, None, "near", canonical, score)
        if name in self._municipal_stems:
            return OwnerClass(None, None, "bare_municipality", self._muni(name))
        return self._hint(orgnr, OwnerClass(None, False, "no_match"))

    def _muni(self, stem: str) -> str | None:
        """The municipality's official name for a stem such as ``botkyrka``."""
        for form in (f"{stem} kommun", f"{stem}s kommun"):
            hit = self._kind.get(form)
            if hit is not None:
                return hit[1]
        return None

    def _best(self, core: str, grey: float) -> tuple[str | None, str | None, float]:
        from rapidfuzz import fuzz, process  # 50 ms to import: only when names are matched

        exact = self._kind.get(core)
        if exact is not None:
            return exact[0], exact[1], 100.0
        batched = self._best_cache.get((core, grey))
        if batched is not None:
            return batched
        found = process.extractOne(core, self._choices, scorer=fuzz.ratio, score_cutoff=grey)
        if found is None:
            return None, None, 0.0
        kind, canonical = self._kind[found[0]]
        return kind, canonical, float(found[1])

    def _municipal_stem(self, core: str) -> str | None:
        first = core.split(" ", 1)[0]
        for stem in self._stems_by_prefix.get(core[:3], ()):
            if core.startswith(stem) and (len(stem) >= 4 or first == stem):
                return stem
        return None

    @staticmethod
    def _hint(orgnr: str | None, found: OwnerClass) -> OwnerClass:
        # Group 2 holds the state, regions and municipalities, but also parishes: ask.
        if orgnr and orgnr.replace("-", "").startswith("2") and found.kind != "company":
            return OwnerClass(None, None, "group_2")
        return found


_MatchMode = Literal["exact", "prefix", "suffix", "contains"]


def _match_mode(value: str) -> _MatchMode:
    if value not in ("exact", "prefix", "suffix", "contains"):
        raise ValueError(f"not_public.csv: unknown match mode {value!r}")
    return value  # type: ignore[return-value]


@cache
def builtin_register() -> PublicBodyRegister:
    """The register shipped with the package: 290 municipalities, 21 regions, state bodies."""
    data = resources.files("reserverat") / "data"
    with (data / "public_bodies.csv").open(encoding="utf-8") as f:
        bodies = [(r["name"], r["kind"], r["code"], r["canonical"]) for r in csv.DictReader(f)]
    with (data / "not_public.csv").open(encoding="utf-8") as f:
        look_alikes = [
            _LookAlike(
                normalise_name(r["pattern"]),
                _match_mode(r["match"]),
                r["kind"],
                r["reason_en"],
                r["reason_sv"],
            )
            for r in csv.DictReader(f)
        ]
    return PublicBodyRegister(bodies, look_alikes)


# ---- supplier registers the user supplies ------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """One registered organisation: number, name, and the row it came from."""

    organisationsnummer: str | None
    name: str
    row: int
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RegisterMatch:
    """How a supplier was found in a register: by number, by exact name, by a near name, or not."""

    how: Literal["organisationsnummer", "name", "near_name", "none"]
    entry: RegisterEntry | None
    score: float | None = None


class SupplierRegister:
    """A register of organisations (for example Kammarkollegiet's idéburna organisations)."""

    def __init__(
        self,
        register_id: str,
        entries: Iterable[RegisterEntry],
        source: str = "<python>",
        read_on: date | None = None,
    ) -> None:
        self.id = register_id
        self.source = source
        # The day the register's contents were taken from its keeper: what a finding's
        # freshness is judged by. Unknown unless given; the file's own date can be a copy's.
        self.read_on = read_on
        self.entries = tuple(entries)
        self._by_number = {e.organisationsnummer: e for e in self.entries if e.organisationsnummer}
        self._by_name: dict[str, RegisterEntry] = {}
        for e in self.entries:
            self._by_name.setdefault(normalise_name(e.name), e)
        self._names = list(self._by_name)

    def __len__(self) -> int:
        return len(self.entries)

    def find(
        self, organisationsnummer: str | None, name: str, *, accept: float = 90
    ) -> RegisterMatch:
        """Look a supplier up: number first, then the name (exact, then at least ``accept``)."""
        from rapidfuzz import fuzz, process  # 50 ms to import: only when names are matched

        if organisationsnummer and organisationsnummer in self._by_number:
            return RegisterMatch("organisationsnummer", self._by_number[organisationsnummer], 100.0)
        key = normalise_name(name)
        exact = self._by_name.get(key)
        if exact is not None:
            return RegisterMatch("name", exact, 100.0)
        found = process.extractOne(key, self._names, scorer=fuzz.ratio, score_cutoff=accept)
        if found is not None:
            return RegisterMatch("near_name", self._by_name[found[0]], float(found[1]))
        return RegisterMatch("none", None)


_REGISTER_COLUMNS = {
    "organisationsnummer": "organisationsnummer",
    "orgnr": "organisationsnummer",
    "organisation_number": "organisationsnummer",
    "name": "name",
    "namn": "name",
    "note": "note",
    "anteckning": "note",
}


def load_register(
    path: str | Path, register_id: str | None = None, read_on: date | None = None
) -> SupplierRegister:
    """Read a register from CSV: columns ``organisationsnummer`` and ``name`` (``note`` optional).

    Comma or semicolon separated, UTF-8 with or without BOM; Swedish column names
    (``orgnr``, ``namn``) are accepted. The id defaults to the file name without suffix.
    ``read_on`` is the day the register was taken from its keeper (not later than today).

    Raises:
        RegisterError: every problem, each with its row and column.
    """
    from reserverat.errors import Problem, RegisterError
    from reserverat.identifiers import mask_personal_numbers, parse_identifier

    path = Path(path)
    source = str(path)
    if read_on is not None and read_on > date.today():
        raise RegisterError(
            [
                Problem(
                    source,
                    "read_on",
                    "future_date",
                    f"{read_on.isoformat()} is later than today: the register cannot have "
                    "been read yet",
                    read_on.isoformat(),
                    msg_sv=f"{read_on.isoformat()} är senare än i dag: registret kan inte ha "
                    "lästs än",
                )
            ]
        )
    from reserverat.inputs import read_text

    text = read_text(path, RegisterError)
    if not text.strip():
        raise RegisterError(
            [Problem(source, "", "empty", "the register file is empty", msg_sv="registret är tomt")]
        )
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    header = [h.strip().casefold() for h in next(reader)]
    columns = {_REGISTER_COLUMNS[h]: i for i, h in enumerate(header) if h in _REGISTER_COLUMNS}
    problems = [
        Problem(
            source,
            "row 1",
            "missing_column",
            f"no column {col!r} (header: {', '.join(header)})",
            msg_sv=f"kolumnen {col!r} saknas (rubriker: {', '.join(header)})",
        )
        for col in ("organisationsnummer", "name")
        if col not in columns
    ]
    if problems:
        raise RegisterError(problems)
    entries = []
    for row_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {col: (row[i].strip() if i < len(row) else "") for col, i in columns.items()}
        number = cells["organisationsnummer"] or None
        if number is not None:
            try:
                number = parse_identifier(number).number
            except ValueError as exc:
                problems.append(
                    Problem(
                        source,
                        f"row {row_no} column organisationsnummer",
                        "invalid",
                        str(exc),
                        number,
                        msg_sv=getattr(exc, "sv", None),
                    )
                )
                continue
        if not cells["name"]:
            problems.append(
                Problem(
                    source,
                    f"row {row_no} column name",
                    "missing",
                    "the name is empty",
                    msg_sv="namnet är tomt",
                )
            )
            continue
        # Names and notes are free text: identity numbers in them are masked as they enter.
        note = cells.get("note") or None
        entries.append(
            RegisterEntry(
                number,
                mask_personal_numbers(cells["name"]),
                row_no,
                mask_personal_numbers(note) if note else None,
            )
        )
    if problems:
        raise RegisterError(problems)
    return SupplierRegister(register_id or path.stem, entries, source, read_on)
