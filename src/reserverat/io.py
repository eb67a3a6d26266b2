"""Reading declarations from JSON, JSONL, CSV and Excel, one row at a time.

Spreadsheets use a flat column mapping: a column's header is the declaration field's
path, so ``workforce.employed.target_group.headcount`` fills that field, and list items
are numbered, ``owners[0].name``, ``financial_years[1].result``. An empty cell means
*not stated*. Yes/no cells take ``ja``/``nej``, ``yes``/``no``, ``true``/``false``,
``1``/``0``. A CSV separated by semicolons (as Swedish Excel writes it) may use decimal
commas.

Every row becomes a :class:`Row`: its source (file and row), and a Declaration or the
DeclarationError that locates what is wrong (row, column, code, message). Nothing is
dropped: rows in equals results plus errors.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from reserverat.cells import CellError, Kind, kind_of, read_cell
from reserverat.checks import FACT_PATHS, leaf_checks
from reserverat.declaration import Declaration, Row, parse_declaration
from reserverat.errors import (
    DeclarationError,
    DocumentError,
    Problem,
    did_you_mean_texts,
)
from reserverat.inputs import check_regular, decode, open_regular, parse_json, read_bytes
from reserverat.labels import CHOICE_WORDS, SHORT_LABELS, column_label, describe
from reserverat.labels import INDEX as _INDEX
from reserverat.result import Message
from reserverat.ruleset import RuleSet

__all__ = [
    "COLUMNS",
    "Row",
    "header_path",
    "read_rows",
    "reading_warnings",
    "row_to_data",
    "source_file",
    "write_template",
]

_TRUE = {"ja", "j", "yes", "y", "true", "sant", "1", "x"}
_FALSE = {"nej", "n", "no", "false", "falskt", "0"}

# How many items of each list the template offers (a file may use more).
_LIST_SIZES = {
    "financial_years": 3,
    "owners": 3,
    "sites": 2,
    "prior_awards": 2,
    "evidence": 2,
    "sources": 2,
}


def _list_paths() -> dict[str, dict[str, Any]]:
    from reserverat.checks import _leaf_paths
    from reserverat.declaration import Evidence, FinancialYear, Owner, PriorAward, Site, Source

    models: dict[str, type[BaseModel]] = {
        "financial_years": FinancialYear,
        "owners": Owner,
        "sites": Site,
        "prior_awards": PriorAward,
        "evidence": Evidence,
        "sources": Source,
    }
    out = {name: _leaf_paths(model) for name, model in models.items()}
    # A list of names is no leaf of the model, but one cell holds it (see _NAMES_CELL).
    out["sources"] = {"facts": tuple, **out["sources"]}
    return out


_NAMES_CELL = re.compile(r"^sources\[\d+\]\.facts$")
"""A cell that holds several names: the facts a source covers, separated by commas."""


def _names_in(value: Any) -> list[str]:
    """``workforce, purpose`` (commas, semicolons or line breaks between) as a list."""
    return [part.strip() for part in re.split(r"[,;\n]", str(value)) if part.strip()]


_LIST_FIELDS = _list_paths()


def _declaration_columns() -> list[str]:
    cols = [p for p in FACT_PATHS if not p.startswith("procurement.")]
    for name, fields in _LIST_FIELDS.items():
        for i in range(_LIST_SIZES[name]):
            cols.extend(f"{name}[{i}].{f}" for f in fields)
    return cols


COLUMNS: list[str] = _declaration_columns()
"""The template's columns: every declaration field, and numbered list items."""


def _base_type(t: Any) -> Any:
    return get_args(t)[0] if get_origin(t) is not None and get_args(t) else t


@cache
def _kind(path: str) -> Kind:
    """How the cells of a column are read."""
    m = re.match(r"^(\w+)\[\d+\]\.(.+)$", path)
    if m and m.group(1) in _LIST_FIELDS:
        return kind_of(_LIST_FIELDS[m.group(1)].get(m.group(2)))
    if ".by_category." in path:
        return "count"
    return kind_of(FACT_PATHS.get(path))


@cache
def _column_type(path: str) -> Any:
    m = re.match(r"^(\w+)\[\d+\]\.(.+)$", path)
    if m and m.group(1) in _LIST_FIELDS:
        return _base_type(_LIST_FIELDS[m.group(1)].get(m.group(2)))
    if ".by_category." in path:
        return int
    return _base_type(FACT_PATHS.get(path))


_ROW_PLACE = re.compile(r"(?:\[\d+\]| line \d+|(?: sheet .+)? row \d+)$")


def source_file(source: str) -> str:
    """The file a row's source names: ``x.csv row 3``, ``x.xlsx sheet S row 3``,
    ``x.jsonl line 3`` and ``x.json[3]`` are in ``x.csv``, ``x.xlsx``, ``x.jsonl`` and
    ``x.json`` (the readers below write their sources so)."""
    return _ROW_PLACE.sub("", source)


def reading_warnings(row: Row) -> tuple[Message, ...]:
    """A row's reading warnings as result messages, so that every output carries them."""
    out = []
    for w in row.warnings:
        if w.msg_sv is None:
            continue  # a warning without Swedish words: reported where it is read
        args = {"where": w.loc, "problem_sv": w.message("sv"), "problem_en": w.msg}
        if w.code.startswith("espd."):
            code = "input.espd"  # the ESPD Response's own element, not a cell
        else:
            code = "input.cell" if w.loc else "input.file"
        out.append(Message(code, args))
    return tuple(out)


def _cell(value: Any, path: str, decimal_comma: bool) -> Any:
    """A cell's value as the model wants it; ``None`` for an empty cell."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
        if _NAMES_CELL.match(path):
            return _names_in(value)
        kind = _column_type(path)
        if kind is bool and value.casefold() in _TRUE | _FALSE:
            return value.casefold() in _TRUE
        if kind in (int, Decimal, float) and decimal_comma:
            value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return value


def row_to_data(row: dict[Any, Any], *, decimal_comma: bool = False) -> dict[str, Any]:
    """Nest a flat row (header path to cell) into the dict a Declaration is built from."""
    pairs = {}
    for header, raw in row.items():
        if header is None or not str(header).strip():
            continue
        path = str(header).strip()
        value = _cell(raw, path, decimal_comma)
        if value is not None:
            pairs[path] = value
    return _nest(pairs)


@cache
def _steps(path: str) -> tuple[tuple[str, int | None], ...]:
    """A path's parts, each with its list index (None where it is not a list item)."""
    out: list[tuple[str, int | None]] = []
    for part in path.split("."):
        m = _INDEX.match(part)
        out.append((m.group(1), int(m.group(2))) if m else (part, None))
    return tuple(out)


def _nest(pairs: dict[str, Any]) -> dict[str, Any]:
    """Values read by path, nested into the dict a Declaration is built from."""
    out: dict[str, Any] = {}
    for path, value in pairs.items():
        node: Any = out
        steps = _steps(path)
        last = len(steps) - 1
        for k, (name, index) in enumerate(steps):
            if index is not None:
                items = node.setdefault(name, [])
                while len(items) <= index:
                    items.append({})
                if k == last:
                    items[index] = value
                else:
                    node = items[index]
            elif k == last:
                node[name] = value
            else:
                node = node.setdefault(name, {})
    for name in _LIST_FIELDS:
        # Numbered items left empty in between are not items at all.
        if isinstance(out.get(name), list):
            out[name] = [item for item in out[name] if item != {}]
    return out


def _fold(text: str) -> str:
    return " ".join(str(text).replace("›", " ").replace(">", " ").casefold().split())


def _header_names() -> dict[str, str]:
    """Every name a column may be headed by, folded, to its field path."""
    names: dict[str, str] = {}
    for path in ["supplier", *COLUMNS]:
        for name in (path, describe(path, "sv"), describe(path, "en")):
            names.setdefault(_fold(name), path)
    for path, labels in SHORT_LABELS.items():
        for name in labels:
            names.setdefault(_fold(name), path)
    return names


def header_path(header: Any) -> str | None:
    """The field path a column header names: the path itself, or its Swedish or English
    label, in any case and spacing; None for an empty header."""
    if header is None or not str(header).strip():
        return None
    text = str(header).strip()
    return _names().get(_fold(text), text)


@cache
def _names() -> dict[str, str]:
    return _header_names()


@dataclass(frozen=True)
class _Read:
    """A row's cells read: the data to validate, where each path's cell is, and warnings."""

    data: dict[str, Any]
    cells: dict[str, tuple[str, str]]
    warnings: tuple[Problem, ...]


def _choice_key(path: str) -> str:
    """The key of a path's closed vocabulary: a numbered item's field stands for all."""
    return path if path in _CHOICES else _ITEM_NUMBER.sub("[]", path)


_ITEM_NUMBER = re.compile(r"\[\d+\]")


def _read_cells(
    items: Iterable[tuple[str, str, str, Any]], source: str, decimal_comma: bool | None
) -> _Read:
    """Read (path, header, cell reference, value) cells; an unreadable cell is left out and
    warned about, so the row keeps every other fact."""
    pairs: dict[str, Any] = {}
    cells: dict[str, tuple[str, str]] = {}
    warnings: list[Problem] = []
    for path, header, ref, raw in items:
        cells[path] = (ref, header)
        try:
            if (key := _choice_key(path)) in _CHOICES:
                pairs[path] = _choice(key, raw)
                continue
            if _NAMES_CELL.match(path):
                if raw is not None and str(raw).strip():
                    pairs[path] = _names_in(raw)
                continue
            value = read_cell(raw, _kind(path), decimal_comma=decimal_comma)
        except CellError as exc:
            warnings.append(_cell_warning(source, ref, header, exc.code, exc.en, exc.sv, raw))
            continue
        pairs[path] = value
    return _Read(_nest(pairs), cells, tuple(warnings))


def _choice(path: str, raw: Any) -> Any:
    """A closed vocabulary's code from its code or its Swedish or English words, in any case
    and spacing (the template offers the words).

    Raises:
        CellError: ``cell.choice``, naming the words to choose from.
    """
    if not isinstance(raw, str):
        return raw
    folded = _fold(raw)
    if folded in _CHOICE_ALIASES.get(path, {}):
        return _CHOICE_ALIASES[path][folded]
    words = CHOICE_WORDS.get(path, {})
    for code in _CHOICES[path]:
        sv, en = words.get(code, (code, code))
        if folded in (_fold(code), _fold(sv), _fold(en)):
            return code
    if path == "legal_form":
        return raw  # the model knows more ways to write a legal form (AB, ek. för.)
    sv_words = "; ".join(words.get(c, (c, c))[0] for c in _CHOICES[path])
    en_words = "; ".join(words.get(c, (c, c))[1] for c in _CHOICES[path])
    raise CellError(
        "cell.choice",
        f"läste {raw.strip()!r}: välj en av {sv_words}",
        f"read {raw.strip()!r}: choose one of {en_words}",
    )


# Short forms people write for the offered words.
_CHOICE_ALIASES = {
    "scope": {
        "hela": "legal_person",
        "juridisk person": "legal_person",
        "hela bolaget": "legal_person",
        "hela föreningen": "legal_person",
        "enhet": "unit",
    },
}


def _choice_words(path: str, lang: str) -> list[str]:
    """The words a sheet in ``lang`` offers for a closed vocabulary."""
    k = 0 if lang == "sv" else 1
    words = CHOICE_WORDS.get(path, {})
    return [words[c][k] if c in words else c for c in _CHOICES[path]]


def _cell_warning(
    source: str, ref: str, header: str, code: str, en: str, sv: str, raw: Any
) -> Problem:
    given = {} if raw is None else {"input": str(raw)}
    return Problem(
        source,
        f"{ref} ({header})",
        code,
        en + _UNKNOWN_EN,
        msg_sv=sv + _UNKNOWN_SV,
        **given,
    )


_UNKNOWN_EN = "; the fact counts as unknown"
_UNKNOWN_SV = "; uppgiften räknas som okänd"


# What a refused value means, for the cell warning (pydantic's own words are English).
_REFUSED_SV = {
    "missing": "en uppgift som hör till den saknas",
    "out_of_range": "värdet ligger utanför det tillåtna",
    "too_precise": "för många decimaler",
    "not_allowed": "värdet är inte ett av de tillåtna",
    "wrong_type": "värdet har fel slag",
    "invalid": "värdet går inte ihop med de andra uppgifterna eller har fel form",
    "too_long": "texten är för lång",
}


def _lenient(
    read: _Read, source: str
) -> tuple[Declaration | DeclarationError, tuple[Problem, ...]]:
    """Validate a spreadsheet row; a refused value makes that fact unknown, with a warning.

    Only a row that cannot be tied to a supplier (no valid name) is an error.
    """
    data = read.data
    warnings = list(read.warnings)
    while True:
        try:
            return parse_declaration(data, source=source), tuple(warnings)
        except DeclarationError as exc:
            fatal = [p for p in exc.problems if not p.loc or p.loc.split(".")[0] == "supplier"]
            if fatal:
                named = [_no_supplier(p) if p.loc == "supplier" else p for p in fatal]
                return DeclarationError([*named, *warnings]), ()
            smaller = data
            for p in exc.problems:
                before = smaller
                smaller = _without(smaller, p.loc)
                top = _steps(p.loc)[0][0] if p.loc else ""
                gone = isinstance(before.get(top), list) and top not in smaller
                warning = _refused(p, read.cells, source, whole_list=gone)
                # A value its item needs, whose own cell was refused as it was read: that
                # cell's warning says so already. It says there that the list went too,
                # rather than a second warning on the same cell.
                same = next(
                    (
                        i
                        for i, w in enumerate(warnings)
                        if p.code == "missing" and p.loc in read.cells and w.loc == warning.loc
                    ),
                    None,
                )
                if same is None:
                    warnings.append(warning)
                elif gone:
                    warnings[same] = _with_whole_list(warnings[same])
            if smaller == data:  # nothing left to take away: cannot happen, but never loop
                return exc, tuple(warnings)
            data = smaller


def _no_supplier(p: Problem) -> Problem:
    return Problem(
        p.source,
        p.loc,
        p.code,
        f"the row has no valid supplier name ({p.msg}), so it cannot be assessed",
        msg_sv="raden har inget giltigt leverantörsnamn och kan inte bedömas",
    )


def _refused(
    p: Problem, cells: dict[str, tuple[str, str]], source: str, whole_list: bool = False
) -> Problem:
    # The cell itself, else the first cell of the item or group it belongs to.
    found = cells.get(p.loc)
    scope = p.loc
    while found is None and scope:
        found = next((c for path, c in cells.items() if path.startswith(scope + ".")), None)
        scope = scope.rpartition(".")[0]
    ref, header = found or ("", p.loc)
    # The problem's own Swedish where it has one (it names the limit), except for a missing
    # field: in a sheet that means a value that belongs with this cell is not there.
    sv = (p.msg_sv if p.code != "missing" else None) or _REFUSED_SV.get(
        p.code, "värdet godtogs inte"
    )
    en = p.msg
    if whole_list:
        # The item could not stay, so the whole list went (see _without).
        sv += _WHOLE_LIST_SV
        en += _WHOLE_LIST_EN
    raw = p.input if p.has_input() and not isinstance(p.input, dict | list) else None
    return _cell_warning(source, ref or p.loc, header, p.code, en, sv, raw)


_WHOLE_LIST_EN = " (the whole list counts as unknown)"
_WHOLE_LIST_SV = " (hela listan räknas som okänd)"


def _with_whole_list(warning: Problem) -> Problem:
    """A cell's warning (:func:`_cell_warning`) that also says its whole list went."""
    if warning.msg.endswith(_WHOLE_LIST_EN + _UNKNOWN_EN):
        return warning
    return replace(
        warning,
        msg=warning.msg.removesuffix(_UNKNOWN_EN) + _WHOLE_LIST_EN + _UNKNOWN_EN,
        msg_sv=(warning.msg_sv or "").removesuffix(_UNKNOWN_SV) + _WHOLE_LIST_SV + _UNKNOWN_SV,
    )


def _without(data: dict[str, Any], loc: str) -> dict[str, Any]:
    """The data without the value at ``loc`` (``owners[0].vote_share``); where nothing is
    there (a required field was missing), without the group that lacks it.

    A list loses no item: without one owner, one year or one site, the rest would look
    like all of them, and "no public owner" or "every site within" could be met on a
    list that is not whole. Where an item cannot stay, the whole list is unknown.
    """
    parts: list[str | int] = []
    for part in loc.split("."):
        m = _INDEX.match(part)
        parts.extend([m.group(1), int(m.group(2))] if m else [part])
    while parts:
        out: dict[str, Any] = _copy(data)
        node: Any = out
        for step in parts[:-1]:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                node = None
                break
        last = parts[-1]
        if isinstance(node, dict) and last in node:
            del node[last]
            return out
        if isinstance(node, list) and isinstance(last, int):
            parts = parts[:-1]  # the item cannot stay: the whole list goes
            continue
        parts = parts[:-1]
    return data


def _copy(value: Any) -> Any:
    # A deep copy of plain JSON-like data (dicts, lists, scalars).
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _problem(source: str, loc: str, code: str, msg: str, sv: str) -> DeclarationError:
    return DeclarationError([Problem(source, loc, code, msg, msg_sv=sv)])


def _parse(data: dict[str, Any], source: str) -> Declaration | DeclarationError:
    try:
        return parse_declaration(data, source=source)
    except DeclarationError as exc:
        return exc


MAX_LIST_ITEMS = 100
"""Numbered columns (``owners[0].name``) count from 0 to 99."""

_BY_CATEGORY = re.compile(r"^(workforce|programme_workforce)\.\w+\.target_group\.by_category$")


def _known_columns(header: Iterable[Any], source: str, row: int = 1) -> list[Problem]:
    known = set(COLUMNS) | {"supplier"}
    problems = []
    for i, h in enumerate(header):
        path = header_path(h)
        if path is None:
            continue
        name = re.sub(r"\[\d+\]", "[0]", path)
        name = re.sub(
            r"^(workforce|programme_workforce)\.(\w+)\.target_group\.by_category\.\w+$",
            r"\1.\2.target_group.by_category",
            name,
        )
        where = f"{_letter(i)}{row} ({str(h).strip()[:60]})"
        if any(int(i) >= MAX_LIST_ITEMS for i in re.findall(r"\[(\d+)\]", path)):
            problems.append(
                Problem(
                    source,
                    where,
                    "out_of_range",
                    f"a list item is numbered from 0 to {MAX_LIST_ITEMS - 1}",
                    msg_sv=f"listans poster numreras från 0 till {MAX_LIST_ITEMS - 1}",
                )
            )
            continue
        if name in known or _BY_CATEGORY.match(name):
            continue
        tip, tip_sv = did_you_mean_texts(name, known)
        problems.append(
            Problem(
                source,
                where,
                "unknown_column",
                f"unknown column {str(h)!r}" + tip,
                msg_sv=f"okänd kolumn {str(h)!r}" + tip_sv,
            )
        )
    return problems


def _letter(i: int) -> str:
    """A spreadsheet column's letters, counting from 0: A, B, ..., Z, AA, ..."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


HEADER_SEARCH_ROWS = 10
"""How many rows from the top a sheet's header row may be (title rows above it)."""


def _is_header(cells: list[Any]) -> bool:
    return any(header_path(c) == "supplier" for c in cells)


Spec = list[tuple[int, str, str, str]]


def _spec(header: list[Any]) -> Spec:
    """Each named column once per file: its index, field path, header text and letter."""
    out = []
    for i, h in enumerate(header):
        path = header_path(h)
        if path is not None:
            out.append((i, path, str(h).strip(), _letter(i)))
    return out


def _tabular_row(
    spec: Spec, values: list[Any], n: int, source: str, decimal_comma: bool | None
) -> Row:
    """One sheet row: its cells read as Swedes write them, then validated leniently."""
    items = []
    width = len(values)
    for i, path, text, letter in spec:
        if i >= width:
            break
        v = values[i]
        if v is None or v == "" or (isinstance(v, str) and not v.strip()):
            continue  # an empty cell: not stated (most cells of a wide sheet)
        items.append((path, text, f"{letter}{n}", v))
    read = _read_cells(items, source, decimal_comma)
    name = read.data.get("supplier")
    outcome, warnings = _lenient(read, source)
    return Row(source, outcome, warnings, str(name) if name is not None else None)


def read_rows(
    path: str | Path,
    *,
    sheet: str | None = None,
    delimiter: str | None = None,
    decimal_comma: bool | None = None,
) -> Iterator[Row]:
    """Read a file of declarations lazily: JSON, JSONL, CSV, XLSX or ESPD XML, by suffix.

    Raises:
        DeclarationError: the file as a whole cannot be read (missing, empty, not a
            spreadsheet, unknown sheet, missing ``supplier`` column, unknown columns).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    _check_input(path)
    if suffix == ".jsonl":
        yield from _read_jsonl(path)
    elif suffix == ".json":
        from reserverat.declaration import load_declarations

        loaded = load_declarations(path)
        for i, row in enumerate(loaded.rows):
            source = f"{path}[{i}]" if len(loaded) > 1 else str(path)
            yield Row(source, row.outcome, row.warnings, row.name)
    elif suffix in (".csv", ".tsv", ".txt"):
        yield from _read_csv(path, delimiter, decimal_comma)
    elif suffix in (".xlsx", ".xlsm"):
        yield from _read_xlsx(path, sheet, decimal_comma)
    elif suffix == ".xml":
        from reserverat.espd import read_espd

        try:
            imported = read_espd(path)
        except DocumentError as exc:
            raise DeclarationError(exc.problems) from None
        yield Row(str(path), imported.declaration(), imported.warnings)
    else:
        raise _problem(
            str(path),
            "",
            "unknown_format",
            f"unknown file type {suffix!r}: use .json, .jsonl, .csv, .xlsx or an ESPD .xml",
            f"okänd filtyp {suffix!r}: använd .json, .jsonl, .csv, .xlsx eller ett ESPD-svar "
            "(.xml)",
        )


def _check_input(path: Path) -> None:
    # The boundary's own check: a missing file, a folder, a FIFO, a name no file can have.
    if check_regular(path, DeclarationError).stat().st_size == 0:
        raise _problem(
            str(path), "", "empty", "the file is empty (0 bytes)", "filen är tom (0 byte)"
        )


def jsonl_lines(path: str | Path) -> Iterator[tuple[str, bytes]]:
    """A JSONL file's non-blank lines with their sources, unparsed (for worker processes).

    The file is checked as :func:`read_rows` checks it; :func:`jsonl_row` makes each a row.

    Raises:
        DeclarationError: the file cannot be read (missing, empty, not a regular file).
    """
    path = Path(path)
    _check_input(path)
    yield from _lines(path)


def _lines(path: Path) -> Iterator[tuple[str, bytes]]:
    with open_regular(path, DeclarationError) as f:
        for n, raw in enumerate(f, start=1):
            if raw.strip():
                yield f"{path} line {n}", raw


def jsonl_row(source: str, raw: bytes) -> Row:
    """One JSONL line as a row: its declaration, or the located error that stops it."""
    # A bad line is that row's error; the lines after it are still read.
    try:
        data = parse_json(decode(raw, source, DeclarationError), source, DeclarationError)
    except DeclarationError as exc:
        return Row(source, exc)
    if not isinstance(data, dict):
        return Row(
            source,
            _problem(
                source, "", "wrong_type", "expected a JSON object", "ett JSON-objekt väntades"
            ),
        )
    return Row(source, _parse(data, source))


def _read_jsonl(path: Path) -> Iterator[Row]:
    for source, raw in _lines(path):
        yield jsonl_row(source, raw)


_Make = Callable[[Spec, list[Any], int, str, "bool | None"], Any]
"""What a sheet row becomes: a validated Row (:func:`_tabular_row`), or its raw cells."""


def _read_csv(
    path: Path,
    delimiter: str | None,
    decimal_comma: bool | None,
    make: _Make | None = None,
) -> Iterator[Any]:
    # Streamed: memory stays flat however many rows. UTF-8 (with or without BOM) is read
    # as it is; a file whose start is not UTF-8 but is Windows-1252 (what Swedish Excel
    # saves) is read as that, with a warning; anything else is a located error.
    with open_regular(path, DeclarationError) as raw:
        encoding, notes = _csv_encoding(raw.read(1 << 16), str(path))
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        head: list[str] = []
        try:
            for line in text:
                if line.strip():
                    head.append(line)
                if len(head) >= HEADER_SEARCH_ROWS:
                    break
        except UnicodeDecodeError:
            raise _problem(
                str(path),
                "row 1",
                "encoding",
                "not UTF-8 text; save the CSV as UTF-8",
                "inte UTF-8-text; spara CSV-filen som UTF-8",
            ) from None
        if not head:
            raise _problem(str(path), "", "empty", "the file has no rows", "filen har inga rader")
        # The separator that occurs most in the first rows (a title row above has none).
        sep = delimiter or max((";", ",", "\t"), key=lambda c: sum(h.count(c) for h in head))
        comma = decimal_comma if decimal_comma is not None else (True if sep == ";" else None)
        yield from _csv_body(path, itertools.chain(head, text), sep, comma, notes, make)


def _csv_encoding(start: bytes, source: str) -> tuple[str, tuple[Problem, ...]]:
    """The encoding to read a CSV with, from its first bytes, and a warning if not UTF-8."""
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(start, final=False)
        return "utf-8-sig", ()
    except UnicodeDecodeError as exc:
        at = exc.start
    try:
        start.decode("cp1252")
    except UnicodeDecodeError:
        line = start.count(b"\n", 0, at) + 1
        raise _problem(
            source,
            f"line {line}",
            "encoding",
            f"neither UTF-8 nor Windows-1252 text (byte {at}: 0x{start[at]:02x}); "
            "save the CSV as UTF-8",
            f"varken UTF-8- eller Windows-1252-text (byte {at}: 0x{start[at]:02x}); "
            "spara CSV-filen som UTF-8",
        ) from None
    note = Problem(
        source,
        "",
        "cp1252",
        "not UTF-8; read as Windows-1252 (as Swedish Excel saves CSV): check å, ä and ö",
        msg_sv="inte UTF-8; lästes som Windows-1252 (så som svenska Excel sparar CSV): "
        "kontrollera å, ä och ö",
    )
    return "cp1252", (note,)


def _csv_body(
    path: Path,
    lines: Iterator[str],
    sep: str,
    comma: bool | None,
    notes: tuple[Problem, ...] = (),
    make: _Make | None = None,
) -> Iterator[Any]:
    reader = csv.reader(lines, delimiter=sep)
    header: list[str] | None = None
    try:
        for _ in range(HEADER_SEARCH_ROWS):
            top = next(reader)
            if _is_header(top):
                header = [h.strip() for h in top]
                break
    except StopIteration:
        pass
    except csv.Error:
        raise _problem(
            str(path), "row 1", "too_long", "a header cell is too long", "en rubrikcell är för lång"
        ) from None
    if header is None:
        raise _no_header(str(path))
    problems = _known_columns(header, str(path), reader.line_num)
    if problems:
        raise DeclarationError(problems)
    spec = _spec(header)
    for n, cells in _csv_rows(reader, str(path)):
        source = f"{path} row {n}"
        if cells is None:
            yield Row(
                source,
                _problem(
                    source,
                    "",
                    "too_long",
                    "a cell longer than 131,072 characters",
                    "en cell längre än 131\u00a0072 tecken",
                ),
            )
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            yield Row(
                source,
                _problem(
                    source,
                    f"column {len(header) + 1}",
                    "extra_cells",
                    f"{len(cells)} cells but {len(header)} columns",
                    f"{len(cells)} celler men {len(header)} kolumner",
                ),
            )
            continue
        if make is not None:
            yield make(spec, list(cells), n, source, comma)
            continue
        row = _tabular_row(spec, cells, n, source, comma)
        yield Row(row.source, row.outcome, notes + row.warnings, row.name)


def _no_header(source: str) -> DeclarationError:
    return DeclarationError(
        [
            Problem(
                source,
                f"rows 1-{HEADER_SEARCH_ROWS}",
                "missing_column",
                f"no 'supplier' (Leverantör) column in the first {HEADER_SEARCH_ROWS} rows",
                msg_sv=f"ingen kolumn 'supplier' (Leverantör) bland de {HEADER_SEARCH_ROWS} "
                "första raderna",
            )
        ]
    )


def _csv_rows(reader: Any, source: str) -> Iterator[tuple[int, list[str] | None]]:
    """Each row with its line number; None for a row the csv module refuses (a cell over
    its size limit), so the rows after it are still read.

    Raises:
        DeclarationError: ``encoding`` at the row where the text stops being UTF-8.
    """
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield reader.line_num, None
            continue
        except UnicodeDecodeError:
            # The rows before were read; nothing after a bad byte can be trusted.
            where = f"row {reader.line_num + 1}"
            raise _problem(
                source,
                where,
                "encoding",
                "not UTF-8 text from here on",
                "inte UTF-8-text härifrån",
            ) from None
        yield reader.line_num, cells


def _read_xlsx(
    path: Path, sheet: str | None, decimal_comma: bool | None, make: _Make | None = None
) -> Iterator[Any]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    content = read_bytes(path, DeclarationError)  # a regular file within the size limit
    try:
        book = load_workbook(io.BytesIO(content), read_only=False, data_only=False)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise _problem(
            str(path),
            "",
            "not_xlsx",
            f"not an Excel workbook: {exc}",
            "ingen Excel-arbetsbok (.xlsx): spara filen som Excel-arbetsbok",
        ) from None
    names = book.sheetnames
    name = sheet or ("Deklarationer" if "Deklarationer" in names else names[0])
    if name not in names:
        raise _problem(
            str(path),
            "",
            "unknown_sheet",
            f"no sheet {name!r}; the workbook has {', '.join(names)}",
            f"inget blad {name!r}; arbetsboken har {', '.join(names)}",
        )
    ws = book[name]
    merged = list(ws.merged_cells.ranges)
    rows = ws.iter_rows(values_only=False)
    where = f"{path} sheet {name}"
    header: list[Any] | None = None
    header_row = 0
    for cells in itertools.islice(rows, HEADER_SEARCH_ROWS):
        values = [c.value for c in cells]
        if _is_header(values):
            header, header_row = values, int(cells[0].row or 0)
            break
    if header is None:
        raise _no_header(where)
    problems = _known_columns(header, where, header_row)
    if problems:
        raise DeclarationError(problems)
    spec = _spec(header)
    for cells in rows:
        n = int(cells[0].row or 0)
        source = f"{where} row {n}"
        values = [c.value for c in cells]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        issues = []
        for c in cells:
            if isinstance(c.value, str) and c.value.startswith("="):
                issues.append(
                    Problem(
                        source,
                        f"{c.coordinate} ({header[c.column - 1]})",
                        "formula",
                        "a formula, not a value: paste the values (Klistra in värden)",
                        msg_sv="en formel, inget värde: klistra in värdena (Klistra in värden)",
                    )
                )
            for rng in merged:
                if c.coordinate in rng:
                    issues.append(
                        Problem(
                            source,
                            f"{c.coordinate}",
                            "merged_cell",
                            f"merged cells ({rng.coord}): unmerge them, one value per cell",
                            msg_sv=f"sammanfogade celler ({rng.coord}): dela upp dem, ett "
                            "värde per cell",
                        )
                    )
                    break
        if issues:
            given = [
                v for h, v in zip(header, values, strict=False) if header_path(h) == "supplier"
            ]
            who = str(given[0]).strip() if given and given[0] is not None else None
            yield Row(source, DeclarationError(issues), (), who)
            continue
        yield (make or _tabular_row)(spec, values, n, source, decimal_comma)


_CHOICES: dict[str, list[str]] = {path: list(words) for path, words in CHOICE_WORDS.items()}
"""The closed vocabularies a sheet offers, by column: their codes, in the catalogue's order."""


# The order a person answers in: who, what the figures cover, purpose, the workforce, money,
# owners and control, places, the rest.
_GROUP_ORDER = (
    "supplier",
    "id",
    "organisationsnummer",
    "legal_form",
    "founded",
    "scope",
    "unit_name",
    "declared_on",
    "purpose",
    "statutes",
    "workforce",
    "programme_workforce",
    "business",
    "financial_years",
    "salaries",
    "owners",
    "control",
    "participation",
    "welfare",
    "iop",
    "sites",
    "prior_awards",
)


def ruleset_columns(rules: RuleSet) -> tuple[list[str], set[str]]:
    """The columns a rule set reads, in the order a person answers them, and which of them
    its criteria need (the name, reference and number identify the supplier)."""
    from reserverat.engine import check_class

    # Parameters as the rule set sets them now (a basis of full-time equivalents asks for them).
    when = min(max(date.today(), rules.valid_from or date.min), rules.valid_to or date.max)
    params = rules.params_at(when)
    needed: list[str] = []
    for crit in rules.criteria:
        for top in (crit.check, crit.when):
            for leaf in leaf_checks(top, params) if top is not None else ():
                for path in check_class(leaf.kind).reads(leaf):
                    head, _, rest = path.partition("[].")
                    if rest:
                        needed.extend(f"{head}[{i}].{rest}" for i in range(_LIST_SIZES[head]))
                    else:
                        needed.append(path)
    # A rule set that asks what facts rest on offers the columns to say it (not needed:
    # without them the facts are the supplier's word).
    sourced = any(c.sources is not None for c in rules.criteria)
    offered = [
        f"sources[{i}].{f}"
        for i in range(_LIST_SIZES["sources"] if sourced else 0)
        for f in _LIST_FIELDS["sources"]
    ]
    cols = list(dict.fromkeys(["supplier", "id", "organisationsnummer", *needed, *offered]))

    def order(col: str) -> tuple[int, int]:
        top = col.split(".", maxsplit=1)[0].split("[", maxsplit=1)[0]
        rank = _GROUP_ORDER.index(top) if top in _GROUP_ORDER else len(_GROUP_ORDER)
        return rank, cols.index(col)

    return sorted(cols, key=order), set(needed) | {"supplier"}


_KIND_WORDS = {
    "yes_no": (("ja eller nej", "ja"), ("ja (yes) or nej (no)", "ja")),
    "count": (("heltal, 0 om inga", "12"), ("a whole number, 0 if none", "12")),
    "number": (("tal, t.ex. 21,5 eller 250 000", "21,5"), ("a number, e.g. 21.5", "21.5")),
    "share": (("andel: 30 % eller 0,30", "30 %"), ("a share: 30 % or 0.30", "30 %")),
    "date": (
        ("datum, 2024-02-15 eller 15/2/2024", "2024-02-15"),
        ("a date, 2024-02-15", "2024-02-15"),
    ),
    "text": (("text", ""), ("text", "")),
}


def _allowed(path: str, lang: str) -> tuple[str, str]:
    k = 0 if lang == "sv" else 1
    if _NAMES_CELL.match(path):
        return (
            ("fält eller början av ett, åtskilda med komma", "workforce")
            if k == 0
            else ("fields or the beginning of one, separated by commas", "workforce")
        )
    if (key := _choice_key(path)) in _CHOICES:
        choices = _choice_words(key, lang)
        return " / ".join(choices), choices[0]
    return _KIND_WORDS[_kind(path)][k]


def write_template(path: str | Path, lang: str = "sv", rules: RuleSet | None = None) -> list[str]:
    """Write an empty sheet (XLSX or CSV); returns its columns (field paths).

    Without ``rules``: every column, headed by field paths, with a sheet "Kolumner"
    describing each in Swedish and English (CSV: ``<name>.kolumner.csv``). With ``rules``:
    only the columns that rule set reads, headed by labels in ``lang``, in the order a
    person answers them, the columns its criteria need marked, and an instruction sheet:
    what each column means, whether it is needed, allowed values and an example.
    """
    path = Path(path)
    if rules is not None:
        return _ruleset_template(path, lang, rules)
    cols = ["supplier", *(c for c in COLUMNS if c != "supplier")]
    descriptions = [(c, describe(c, "sv"), describe(c, "en")) for c in cols]
    if path.suffix.lower() == ".csv":
        path.write_text(",".join(cols) + "\n", encoding="utf-8")
        with path.with_suffix(".kolumner.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["column", "sv", "en"])
            w.writerows(descriptions)
        return cols
    book, sheet = _declaration_sheet(cols)
    _dropdowns(sheet, cols)
    info = book.create_sheet("Kolumner")
    info.append(["column", "svenska", "English"])
    for row in descriptions:
        info.append(list(row))
    book.save(path)
    return cols


_HEADS = {
    "sv": ["Kolumn", "Fält", "Betydelse", "Behövs för bedömningen", "Tillåtna värden", "Exempel"],
    "en": ["Column", "Field", "Meaning", "Needed to decide", "Allowed values", "Example"],
}
_INSTRUCTIONS: dict[str, dict[str, str]] = {
    "sv": {
        "sheet": "Instruktioner",
        "yes": "ja",
        "no": "nej",
        "intro": (
            "Fyll i en rad per leverantör under rubrikraden. Gula kolumner behövs för att "
            "kriterierna i {rules} ska kunna avgöras: lämna dem inte tomma, skriv 0 där det "
            "inte finns några. En tom cell betyder att uppgiften saknas."
        ),
    },
    "en": {
        "sheet": "Instructions",
        "yes": "yes",
        "no": "no",
        "intro": (
            "One row per supplier below the header row. Yellow columns are needed to decide "
            "the criteria of {rules}: do not leave them empty, write 0 where there are none. "
            "An empty cell means the fact is not stated."
        ),
    },
}


def _declaration_sheet(header: list[str]) -> tuple[Any, Any]:
    """A new workbook whose sheet "Deklarationer" has ``header`` as its first row."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Deklarationer"
    sheet.append(header)
    return book, sheet


def _dropdowns(sheet: Any, cols: list[str], lang: str | None = None) -> None:
    """Drop-down lists for closed vocabularies and yes/no, down to row 1000: in words of
    ``lang``, or the codes (the all-column sheet, headed by field paths)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for i, col in enumerate(cols, start=1):
        key = _choice_key(col)
        choices = _CHOICES.get(key)
        if choices is not None and lang is not None:
            choices = _choice_words(key, lang)
        if choices is None and _kind(col) == "yes_no":
            choices = ["ja", "nej"] if lang != "en" else ["yes", "no"]
        # Excel refuses a list longer than 255 characters (it "repairs" the workbook): such
        # a column keeps its words on the instruction sheet only.
        if choices and len(",".join(choices)) <= 255:
            letter = get_column_letter(i)
            dv = DataValidation(
                type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True
            )
            sheet.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}1000")


def _ruleset_template(path: Path, lang: str, rules: RuleSet) -> list[str]:
    cols, needed = ruleset_columns(rules)
    labels = [column_label(c, lang) for c in cols]
    words = _INSTRUCTIONS[lang]
    rows = []
    for col, label in zip(cols, labels, strict=True):
        allowed, example = _allowed(col, lang)
        meaning = describe(col, lang) if col in COLUMNS else col
        rows.append(
            [label, col, meaning, words["yes"] if col in needed else words["no"], allowed, example]
        )
    intro = words["intro"].format(rules=f"{rules.id} {rules.version}")
    if path.suffix.lower() == ".csv":
        # As Swedish Excel opens it: semicolons and a BOM (English: commas, no BOM).
        sep, encoding = (";", "utf-8-sig") if lang == "sv" else (",", "utf-8")
        with path.open("w", encoding=encoding, newline="") as f:
            csv.writer(f, delimiter=sep).writerow(labels)
        side = path.with_suffix(".instruktioner.csv" if lang == "sv" else ".instructions.csv")
        with side.open("w", encoding=encoding, newline="") as f:
            w = csv.writer(f, delimiter=sep)
            w.writerow([intro])
            w.writerow(_HEADS[lang])
            w.writerows(rows)
        return cols
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book, sheet = _declaration_sheet(labels)
    needed_fill = PatternFill("solid", fgColor="FFF2A8")
    for i, col in enumerate(cols, start=1):
        letter = get_column_letter(i)
        cell = sheet.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if col in needed:
            cell.fill = needed_fill
        sheet.column_dimensions[letter].width = max(14, min(40, len(labels[i - 1]) // 2 + 4))
    _dropdowns(sheet, cols, lang)
    sheet.freeze_panes = "B2"
    info = book.create_sheet(words["sheet"])
    info.append([intro])
    info.append(_HEADS[lang])
    for cell in info[2]:
        cell.font = Font(bold=True)
    for row in rows:
        info.append(row)
    for letter, width in zip("ABCDEF", (40, 40, 50, 12, 30, 14), strict=True):
        info.column_dimensions[letter].width = width
    book.save(path)
    return cols
