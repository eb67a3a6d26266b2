"""A spreadsheet read straight into columns: :meth:`reserverat.Corpus.from_file`.

A comparison over a large register reads verdicts, not explanations, so it need not build
a validated Declaration for every row. Each cell is read as the readers read it
(:mod:`reserverat.cells`) and checked against its own field of the pydantic model (a
``TypeAdapter`` of the field's annotation, so bounds, patterns and the validators on the
type are the model's own; the answers are memoised per distinct value). The four checks
between fields that the model makes (``OccupationGroup``, ``TargetGroup``, ``Business``,
``Salaries``) are made on the typed row. A row that any of this refuses, or that has list
or category cells (owners, years, sites: their validators are the list's), takes the
readers' own path (:func:`reserverat.io.read_rows`'s lenient validation) and keeps that
Declaration: so every row decides exactly as the explained path decides it.
``tests/test_columnar.py`` holds the two equal by a hypothesis property.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from reserverat.cells import CellError, read_cell
from reserverat.declaration import OCCUPATION_FORMS, Declaration
from reserverat.errors import DeclarationError, Problem
from reserverat.io import (
    _CHOICES,
    Row,
    Spec,
    _choice,
    _kind,
    _problem,
    _read_csv,
    _read_xlsx,
    _tabular_row,
)

if TYPE_CHECKING:
    from reserverat.columnar import Corpus

__all__ = ["read_corpus"]

_MIRRORED = frozenset(
    {
        ("OccupationGroup", "_target_within_group"),
        ("TargetGroup", "_consistent"),
        ("Business", "_sales_within_total"),
        ("Salaries", "_ordered"),
    }
)
"""The model validators between fields that :func:`_fields_agree` makes on a typed row."""
LIST_VALIDATED = frozenset(
    {
        ("Declaration", "_owner_shares"),
        ("Declaration", "_distinct_years"),
        ("Site", "_both_coordinates"),
        ("Source", "_complete"),
    }
)
"""Validators of list fields: rows with list cells take the readers' path."""


class _Cells(NamedTuple):
    spec: Spec
    values: list[Any]
    n: int
    source: str
    comma: bool | None


def _capture(spec: Spec, values: list[Any], n: int, source: str, comma: bool | None) -> _Cells:
    return _Cells(spec, values, n, source, comma)


@cache
def _field(path: str) -> FieldInfo:
    """The pydantic field of a declaration path, found by walking the models."""
    model: Any = Declaration
    field: FieldInfo | None = None
    for part in path.split("."):
        if model is None:
            raise KeyError(path)
        field = model.model_fields[part]
        model = next(
            (
                t
                for t in typing.get_args(field.annotation) or (field.annotation,)
                if isinstance(t, type) and issubclass(t, BaseModel)
            ),
            None,
        )
    assert field is not None
    return field


def _annotation(path: str) -> Any:
    """The annotation of a declaration field."""
    return _field(path).annotation


@cache
def _adapter(path: str) -> TypeAdapter[Any]:
    # The field itself, not only its annotation: pydantic keeps what a field's type alias
    # carries (FreeText's length bounds and masking, MaskedOrgNr's reading of a masked
    # number) on the FieldInfo, and Annotated[type, field] validates as the model does.
    field = _field(path)
    annotated: Any = Annotated[field.annotation, field]
    return TypeAdapter(annotated)


_REFUSED = object()


# Bounded: a register has as many names and numbers as rows; counts and dates repeat.
@lru_cache(maxsize=1 << 16)
def _field_value(path: str, value: Any) -> Any:
    """The value as the model keeps it in that field, or _REFUSED."""
    try:
        return _adapter(path).validate_python(value)
    except ValidationError:
        return _REFUSED


@lru_cache(maxsize=1 << 16)
def _cell_value(path: str, raw: Any, comma: bool | None) -> Any:
    try:
        if path in _CHOICES:
            return _choice(path, raw)
        return read_cell(raw, _kind(path), decimal_comma=comma)
    except CellError:
        return _REFUSED


@cache
def _required() -> dict[str, tuple[str, ...]]:
    """For each nested model reached without a list (``espd``, ``workforce.employed``), the
    paths of its required fields: a row that states one field of it must state these."""
    out: dict[str, tuple[str, ...]] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        needed = []
        for name, f in model.model_fields.items():
            path = f"{prefix}{name}"
            if f.is_required() and prefix:
                needed.append(path)
            for t in typing.get_args(f.annotation) or (f.annotation,):
                if isinstance(t, type) and issubclass(t, BaseModel):
                    walk(t, path + ".")
        if needed:
            out[prefix.rstrip(".")] = tuple(needed)

    walk(Declaration, "")
    return out


def _complete(row: dict[str, Any]) -> bool:
    """Whether every nested model the row states has its required fields (the model would
    refuse the group otherwise, and the readers make it unknown)."""
    for group, needed in _required().items():
        head = group + "."
        if any(p.startswith(head) for p in row) and any(p not in row for p in needed):
            return False
    return True


def _le(row: dict[str, Any], small: str, big: str) -> bool:
    a, b = row.get(small), row.get(big)
    return a is None or b is None or a <= b


def _fields_agree(row: dict[str, Any]) -> bool:
    """The model's checks between fields (see _MIRRORED), on one typed row."""
    for w in ("workforce", "programme_workforce"):
        for form in OCCUPATION_FORMS:
            g = f"{w}.{form}"
            if not (
                _le(row, f"{g}.target_group.headcount", f"{g}.headcount")
                and _le(row, f"{g}.target_group.fte", f"{g}.fte")
                and _le(row, f"{g}.target_group.documented_need", f"{g}.target_group.headcount")
            ):
                return False
    return _le(row, "business.sales_revenue", "business.total_revenue") and _le(
        row, "salaries.lowest", "salaries.highest"
    )


def _typed(cells: _Cells) -> dict[str, Any] | None:
    """The row's cells as the model would keep them, or None where the row needs the
    readers' own path."""
    row: dict[str, Any] = {}
    width = len(cells.values)
    for i, path, _, _ in cells.spec:
        if i >= width:
            break
        raw = cells.values[i]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if "[" in path or ".by_category." in path:
            return None
        try:
            value = _cell_value(path, raw, cells.comma)
        except TypeError:  # an unhashable cell value: not from a sheet, but take care
            return None
        if value is _REFUSED:
            return None
        value = _field_value(path, value) if value is not None else None
        if value is _REFUSED:
            return None
        if value is not None:
            row[path] = value
    if not row.get("supplier") or not _fields_agree(row) or not _complete(row):
        return None
    return row


def _rows(
    path: Path, sheet: str | None, delimiter: str | None, comma: bool | None
) -> Iterator[Any]:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return _read_csv(path, delimiter, comma, _capture)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet, comma, _capture)
    raise _problem(
        str(path),
        "",
        "unknown_format",
        f"a corpus is read from .csv or .xlsx, not {suffix!r} (read_rows reads the rest)",
        f"en korpus läses från .csv eller .xlsx, inte {suffix!r} (read_rows läser resten)",
    )


def read_corpus(
    path: str | Path,
    *,
    sheet: str | None = None,
    delimiter: str | None = None,
    decimal_comma: bool | None = None,
) -> Corpus:
    """A CSV or XLSX of declarations as columns (see the module docstring).

    Raises:
        DeclarationError: the file cannot be read, or rows cannot be tied to a supplier
            (every such row's problems, located, as ``compare`` reports them).
    """
    from reserverat.columnar import _GROUP_PATHS, Corpus
    from reserverat.engine import reader

    path = Path(path)
    # Column by column as the rows stream: a million rows keep a million values per
    # column, not a million dicts.
    columns: dict[str, list[Any]] = {}
    sources: list[str] = []
    rebuilt: dict[int, Declaration] = {}
    problems: list[Problem] = []
    for item in _rows(path, sheet, delimiter, decimal_comma):
        if isinstance(item, Row):  # formulas, merged or overlong cells: the row's errors
            if isinstance(item.outcome, DeclarationError):
                problems.extend(item.outcome.problems)
            continue
        row = _typed(item)
        if row is None:
            read = _tabular_row(item.spec, item.values, item.n, item.source, item.comma)
            if isinstance(read.outcome, DeclarationError):
                problems.extend(read.outcome.problems)
                continue
            decl = read.outcome
            plain = [p for _, p, _, _ in item.spec if "[" not in p and ".by_category." not in p]
            row = {p: v for p in plain if (v := reader(p)(decl)) is not None}
            rebuilt[len(sources)] = decl
        for p in _spec_paths(item.spec):
            if p not in columns:
                columns[p] = [None] * len(sources)
        for p, values in columns.items():
            values.append(row.get(p))
        sources.append(item.source)
    if problems:
        raise DeclarationError(problems)
    return Corpus.from_columns(columns, _GROUP_PATHS, sources, rebuilt)


def _spec_paths(spec: Spec) -> list[str]:
    return [p for _, p, _, _ in spec if "[" not in p and ".by_category." not in p]
