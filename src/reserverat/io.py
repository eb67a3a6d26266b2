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

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from reserverat.checks import FACT_PATHS
from reserverat.declaration import Declaration, parse_declaration
from reserverat.errors import DeclarationError, DocumentError, Problem, did_you_mean
from reserverat.identifiers import mask_personal_numbers
from reserverat.inputs import check_regular, decode, open_regular, parse_json, read_bytes

__all__ = ["COLUMNS", "Row", "read_rows", "row_to_data", "write_template"]

_INDEX = re.compile(r"^(\w+)\[(\d+)\]$")
_TRUE = {"ja", "j", "yes", "y", "true", "sant", "1", "x"}
_FALSE = {"nej", "n", "no", "false", "falskt", "0"}

# How many items of each list the template offers (a file may use more).
_LIST_SIZES = {"financial_years": 3, "owners": 3, "sites": 2, "prior_awards": 2, "evidence": 2}


def _list_paths() -> dict[str, dict[str, Any]]:
    from reserverat.checks import _leaf_paths
    from reserverat.declaration import Evidence, FinancialYear, Owner, PriorAward, Site

    models: dict[str, type[BaseModel]] = {
        "financial_years": FinancialYear,
        "owners": Owner,
        "sites": Site,
        "prior_awards": PriorAward,
        "evidence": Evidence,
    }
    return {name: _leaf_paths(model) for name, model in models.items()}


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


def _column_type(path: str) -> Any:
    m = re.match(r"^(\w+)\[\d+\]\.(.+)$", path)
    if m and m.group(1) in _LIST_FIELDS:
        return _base_type(_LIST_FIELDS[m.group(1)].get(m.group(2)))
    if ".by_category." in path:
        return int
    return _base_type(FACT_PATHS.get(path))


@dataclass(frozen=True)
class Row:
    """One input row: where it came from, its Declaration or located error, and warnings
    from reading it (an imported ESPD's, for example)."""

    source: str
    outcome: Declaration | DeclarationError
    warnings: tuple[Problem, ...] = ()

    def __post_init__(self) -> None:
        # The source names a file, and file names can hold identity numbers.
        object.__setattr__(self, "source", mask_personal_numbers(self.source))


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
        kind = _column_type(path)
        if kind is bool and value.casefold() in _TRUE | _FALSE:
            return value.casefold() in _TRUE
        if kind in (int, Decimal, float) and decimal_comma:
            value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return value


def row_to_data(row: dict[Any, Any], *, decimal_comma: bool = False) -> dict[str, Any]:
    """Nest a flat row (header path to cell) into the dict a Declaration is built from."""
    out: dict[str, Any] = {}
    for header, raw in row.items():
        if header is None or not str(header).strip():
            continue
        path = str(header).strip()
        value = _cell(raw, path, decimal_comma)
        if value is None:
            continue
        node: Any = out
        parts = path.split(".")
        for k, part in enumerate(parts):
            last = k == len(parts) - 1
            m = _INDEX.match(part)
            if m:
                items = node.setdefault(m.group(1), [])
                i = int(m.group(2))
                while len(items) <= i:
                    items.append({})
                if last:
                    items[i] = value
                else:
                    node = items[i]
            elif last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    for name in _LIST_FIELDS:
        # Numbered items left empty in between are not items at all.
        if isinstance(out.get(name), list):
            out[name] = [item for item in out[name] if item != {}]
    return out


def _problem(source: str, loc: str, code: str, msg: str) -> DeclarationError:
    return DeclarationError([Problem(source, loc, code, msg)])


def _parse(data: dict[str, Any], source: str) -> Declaration | DeclarationError:
    try:
        return parse_declaration(data, source=source)
    except DeclarationError as exc:
        return exc


MAX_LIST_ITEMS = 100
"""Numbered columns (``owners[0].name``) count from 0 to 99."""

_BY_CATEGORY = re.compile(r"^(workforce|programme_workforce)\.\w+\.target_group\.by_category$")


def _known_columns(header: Iterable[Any], source: str) -> list[Problem]:
    known = set(COLUMNS) | {"supplier"}
    problems = []
    for i, h in enumerate(header):
        if h is None or not str(h).strip():
            continue
        name = re.sub(r"\[\d+\]", "[0]", str(h).strip())
        name = re.sub(
            r"^(workforce|programme_workforce)\.(\w+)\.target_group\.by_category\.\w+$",
            r"\1.\2.target_group.by_category",
            name,
        )
        if any(int(i) >= MAX_LIST_ITEMS for i in re.findall(r"\[(\d+)\]", str(h))):
            problems.append(
                Problem(
                    source,
                    f"column {i + 1} ({str(h)[:60]})",
                    "out_of_range",
                    f"a list item is numbered from 0 to {MAX_LIST_ITEMS - 1}",
                )
            )
            continue
        if name in known or _BY_CATEGORY.match(name):
            continue
        hint = did_you_mean(name, known)
        problems.append(
            Problem(
                source,
                f"column {i + 1} ({h})",
                "unknown_column",
                f"unknown column {str(h)!r}" + (f"; did you mean {hint!r}?" if hint else ""),
            )
        )
    return problems


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
    # The boundary's own check: a missing file, a folder, a FIFO, a name no file can have.
    if check_regular(path, DeclarationError).stat().st_size == 0:
        raise _problem(str(path), "", "empty", "the file is empty (0 bytes)")
    if suffix == ".jsonl":
        yield from _read_jsonl(path)
    elif suffix == ".json":
        from reserverat.declaration import load_declarations

        items = load_declarations(path)
        for i, item in enumerate(items):
            yield Row(f"{path}[{i}]" if len(items) > 1 else str(path), item)
    elif suffix in (".csv", ".tsv", ".txt"):
        yield from _read_csv(path, delimiter, decimal_comma)
    elif suffix in (".xlsx", ".xlsm"):
        yield from _read_xlsx(path, sheet)
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
        )


def _read_jsonl(path: Path) -> Iterator[Row]:
    with open_regular(path, DeclarationError) as f:
        for n, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            source = f"{path} line {n}"
            # A bad line is that row's error; the lines after it are still read.
            try:
                data = parse_json(decode(raw, source, DeclarationError), source, DeclarationError)
            except DeclarationError as exc:
                yield Row(source, exc)
                continue
            if not isinstance(data, dict):
                yield Row(source, _problem(source, "", "wrong_type", "expected a JSON object"))
                continue
            yield Row(source, _parse(data, source))


def _read_csv(path: Path, delimiter: str | None, decimal_comma: bool | None) -> Iterator[Row]:
    # Streamed: memory stays flat however many rows (the decoder is strict UTF-8).
    with open_regular(path, DeclarationError) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
        try:
            first = text.readline()
            while first and not first.strip():
                first = text.readline()
        except UnicodeDecodeError:
            raise _problem(
                str(path), "row 1", "encoding", "not UTF-8 text; save the CSV as UTF-8"
            ) from None
        if not first.strip():
            raise _problem(str(path), "", "empty", "the file has no rows")
        sep = delimiter or max((";", ",", "\t"), key=first.count)
        comma = decimal_comma if decimal_comma is not None else sep == ";"
        yield from _csv_body(path, itertools.chain([first], text), sep, comma)


def _csv_body(path: Path, lines: Iterator[str], sep: str, comma: bool) -> Iterator[Row]:
    reader = csv.reader(lines, delimiter=sep)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error:
        raise _problem(str(path), "row 1", "too_long", "a header cell is too long") from None
    problems = _header_problems(header, str(path))
    if problems:
        raise DeclarationError(problems)
    for n, cells in _csv_rows(reader, str(path)):
        source = f"{path} row {n}"
        if cells is None:
            yield Row(
                source,
                _problem(source, "", "too_long", "a cell longer than 131,072 characters"),
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
                ),
            )
            continue
        yield Row(
            source,
            _parse(
                row_to_data(dict(zip(header, cells, strict=False)), decimal_comma=comma), source
            ),
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
            raise _problem(source, where, "encoding", "not UTF-8 text from here on") from None
        yield reader.line_num, cells


def _header_problems(header: list[Any], source: str) -> list[Problem]:
    problems = _known_columns(header, source)
    if "supplier" not in [str(h).strip() for h in header if h is not None]:
        problems.insert(0, Problem(source, "row 1", "missing_column", "no 'supplier' column"))
    return problems


def _read_xlsx(path: Path, sheet: str | None) -> Iterator[Row]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    content = read_bytes(path, DeclarationError)  # a regular file within the size limit
    try:
        book = load_workbook(io.BytesIO(content), read_only=False, data_only=False)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise _problem(str(path), "", "not_xlsx", f"not an Excel workbook: {exc}") from None
    names = book.sheetnames
    name = sheet or ("Deklarationer" if "Deklarationer" in names else names[0])
    if name not in names:
        raise _problem(
            str(path),
            "",
            "unknown_sheet",
            f"no sheet {name!r}; the workbook has {', '.join(names)}",
        )
    ws = book[name]
    merged = list(ws.merged_cells.ranges)
    rows = ws.iter_rows(values_only=False)
    try:
        header_cells = next(rows)
    except StopIteration:
        raise _problem(str(path), f"sheet {name}", "empty", "the sheet is empty") from None
    header = [c.value for c in header_cells]
    problems = _header_problems(header, f"{path} sheet {name}")
    if problems:
        raise DeclarationError(problems)
    for cells in rows:
        n = cells[0].row
        source = f"{path} sheet {name} row {n}"
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
                        )
                    )
                    break
        if issues:
            yield Row(source, DeclarationError(issues))
            continue
        data = row_to_data(
            {str(h): v for h, v in zip(header, values, strict=False) if h is not None}
        )
        yield Row(source, _parse(data, source))


_WORDS = {
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
}


def _describe(path: str, lang: str) -> str:
    k = 0 if lang == "sv" else 1
    parts = []
    for part in path.split("."):
        m = _INDEX.match(part)
        base, index = (m.group(1), int(m.group(2)) + 1) if m else (part, None)
        word = _WORDS.get(base, (base.replace("_", " "),) * 2)[k]
        parts.append(f"{word} {index}" if index else word)
    return " › ".join(parts)


_CHOICES: dict[str, list[str]] = {
    "legal_form": [
        "aktiebolag",
        "svb_aktiebolag",
        "ekonomisk_forening",
        "ideell_forening",
        "stiftelse",
        "enskild_firma",
        "handelsbolag",
        "registrerat_trossamfund",
        "foreign",
        "other",
    ],
    "scope": ["legal_person", "unit"],
    "participation.mechanism": ["ownership", "agreement", "other_documented", "none"],
    "welfare.publicly_funded": ["runs", "intends", "no"],
}


def write_template(path: str | Path, lang: str = "sv") -> list[str]:
    """Write an empty sheet (XLSX or CSV) with every column; returns the columns.

    XLSX: a sheet "Deklarationer" with the header row and drop-down lists for closed
    vocabularies and yes/no, and a sheet "Kolumner" describing each column in Swedish
    and English. CSV: the header row, and the descriptions in ``<name>.kolumner.csv``.
    """
    path = Path(path)
    cols = ["supplier", *(c for c in COLUMNS if c != "supplier")]
    descriptions = [(c, _describe(c, "sv"), _describe(c, "en")) for c in cols]
    if path.suffix.lower() == ".csv":
        path.write_text(",".join(cols) + "\n", encoding="utf-8")
        with path.with_suffix(".kolumner.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["column", "sv", "en"])
            w.writerows(descriptions)
        return cols
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Deklarationer"
    sheet.append(cols)
    for i, col in enumerate(cols, start=1):
        letter = get_column_letter(i)
        choices = _CHOICES.get(col)
        if choices is None and _column_type(col) is bool:
            choices = ["ja", "nej"]
        if choices:
            dv = DataValidation(
                type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True
            )
            sheet.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}1000")
    info = book.create_sheet("Kolumner")
    info.append(["column", "svenska", "English"])
    for row in descriptions:
        info.append(list(row))
    book.save(path)
    return cols
