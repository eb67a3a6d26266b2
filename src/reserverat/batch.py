"""Batches: evaluate a file of declarations and write one output row per input row.

Rows stream from the reader through ``evaluate`` to the writer, so memory stays flat for
JSONL and CSV however long the input; to flag duplicates at the end, only 64-bit hashes
of each row's organisationsnummer and name are kept (about 30 bytes a row), with the
row's source in a temporary file. Every input row is written, as a result or as the
errors that locate what is wrong with it.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import shutil
import tempfile
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Literal, TextIO

from reserverat._version import __version__
from reserverat.declaration import Declaration, Procurement
from reserverat.engine import titles_at
from reserverat.errors import DeclarationError, Problem, place_words
from reserverat.evaluate import EvaluationContext, MapLayer, evaluate
from reserverat.groups import Duplicate, find_duplicates
from reserverat.identifiers import mask_personal_numbers
from reserverat.inputs import AtomicOutput
from reserverat.io import Row, reading_warnings, source_file
from reserverat.render import map_layers
from reserverat.render.messages import EVIDENCE, OUTCOME_LABELS, VERDICT_LABELS, render_message
from reserverat.result import Message, Result
from reserverat.ruleset import RuleSet

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

    import numpy as np

    from reserverat.render import html
else:
    from reserverat._lazy import LazyModule

    np = LazyModule("numpy")  # imported when duplicates are first looked for
    html = LazyModule("reserverat.render.html")  # imported when a report is written

__all__ = [
    "BatchSummary",
    "ResultWriter",
    "WorkerStoppedError",
    "batch_files",
    "can_work_in_parallel",
    "run_batch",
    "safe_cell",
]


@dataclass
class BatchSummary:
    """What a batch did: rows read, outcomes, errors, possible duplicates."""

    rows: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    duplicates: list[tuple[str, str, Duplicate]] = field(default_factory=list)
    """The first ``MAX_PAIRS`` possible duplicates: (earlier source, source, why)."""
    duplicate_count: int = 0
    """How many rows look like an earlier row, listed or not."""

    @property
    def results(self) -> int:
        """Rows that gave a result (rows = results + errors)."""
        return sum(self.outcomes.values())


# OWASP's advice on CSV injection: a cell that starts like a formula is made text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet may hold it: never a formula, never a control character.

    Text that starts with ``= + - @``, a tab or a carriage return gets a leading
    apostrophe; control characters Excel refuses (form feed, NUL …) become spaces.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell("A\fB"), safe_cell(3)
    ("'=HYPERLINK(1)", 'A B', 3)
    """
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub(" ", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


_PROVENANCE = (
    "ruleset_id",
    "ruleset_version",
    "ruleset_hash",
    "library_version",
    "as_of",
    "procurement",
)
_HEADERS = {
    "sv": {
        "sheet": "Resultat",
        "source": "Källa",
        "supplier": "Leverantör",
        "organisationsnummer": "Organisationsnummer",
        "outcome": "Utfall",
        "risk": "Risk",
        "reasons": "Skäl",
        "evidence": "Begär in",
        "warnings": "Varningar",
        "errors": "Fel",
        "error": "FEL",
        "ruleset_id": "Regelverk",
        "ruleset_version": "Regelverkets version",
        "ruleset_hash": "Regelverkets kontrollsumma",
        "library_version": "reserverat-version",
        "as_of": "Bedömningsdag",
        "procurement": "Upphandling",
        "provenance_sheet": "Underlag",
        "notes_sheet": "Varningar och fel",
        "inputs": "Indatafiler",
        "rows": "Rader",
        "where": "Var",
        "message": "Meddelande",
    },
    "en": {
        "sheet": "Results",
        "source": "Source",
        "supplier": "Supplier",
        "organisationsnummer": "Organisation number",
        "outcome": "Outcome",
        "risk": "Risk",
        "reasons": "Reasons",
        "evidence": "Request",
        "warnings": "Warnings",
        "errors": "Errors",
        "error": "ERROR",
        "ruleset_id": "Rule set",
        "ruleset_version": "Rule set version",
        "ruleset_hash": "Rule set hash",
        "library_version": "reserverat version",
        "as_of": "Evaluation date",
        "procurement": "Procurement",
        "provenance_sheet": "Provenance",
        "notes_sheet": "Warnings and errors",
        "inputs": "Input files",
        "rows": "Rows",
        "where": "Where",
        "message": "Message",
    },
}
_OUTCOME_FILLS = {
    "qualified": "C6EFCE",
    "not_qualified": "FFC7CE",
    "undecided": "FFEB9C",
    "error": "D9D9D9",
}


def _json_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _jsonl_line(
    source: str, outcome: Result | DeclarationError, name: str | None, compact: bool
) -> tuple[str, bool]:
    """One input's line of batch JSONL, its result (compact or full) or its errors, and
    whether it is what was asked: a result that cannot be written becomes an
    ``unwritable_row`` error line in its place (False)."""
    # No mask over the line: identity numbers are masked where they enter, and a pass
    # over the text would corrupt numbers that look like birth dates.
    if isinstance(outcome, Result):
        try:
            # The same text as json.dumps({"result": ..., "source": ...}, sort_keys=True).
            text = outcome.compact().to_json() if compact else outcome.to_json(indent=None)
        except Exception as exc:
            return _jsonl_line(source, _unwritable(source, exc), name, compact)[0], False
        return f'{{"result": {text}, "source": {_json_str(source)}}}\n', True
    item: dict[str, Any] = {"errors": [p.to_dict() for p in outcome.problems]}
    item["source"] = source
    if name is not None:
        item["supplier"] = name
    return json.dumps(item, sort_keys=True, ensure_ascii=False) + "\n", True


def _unwritable(source: str, exc: Exception) -> DeclarationError:
    problem = Problem(
        source,
        "",
        "unwritable_row",
        f"the result could not be written: {exc}"[:300],
        msg_sv=f"resultatet kunde inte skrivas: {exc}"[:300],
    )
    return DeclarationError([problem])


def _why(result: Result, lang: str) -> str:
    parts = []
    for f in result.findings:
        if f.verdict.value in ("not_met", "undecided"):
            parts.append(f"{f.criterion}: {render_message(f.explanation.reason, lang)}")
    return " | ".join(parts)


class ResultWriter:
    """Writes results and errors as JSONL, CSV, XLSX or an HTML report, by the file's suffix.

    The HTML report streams each supplier's page to a temporary file beside the output
    and puts the summary page in front when the batch is done; it keeps one line per
    supplier for that summary.
    """

    def __init__(
        self,
        path: Path,
        rules: RuleSet,
        lang: str = "sv",
        *,
        compact: bool = False,
        heading: html.ReportHeading | None = None,
        as_of: date | None = None,
    ) -> None:
        self.path = path
        self.kind = path.suffix.lower().lstrip(".")
        if self.kind == "htm":
            self.kind = "html"
        if self.kind not in ("jsonl", "csv", "xlsx", "html"):
            raise DeclarationError(
                [
                    Problem(
                        str(path),
                        "",
                        "unknown_format",
                        "write .jsonl, .csv, .xlsx or .html",
                        msg_sv="skriv en .jsonl-, .csv-, .xlsx- eller .html-fil",
                    )
                ]
            )
        if compact and self.kind != "jsonl":
            raise DeclarationError(
                [
                    Problem(
                        str(path),
                        "",
                        "compact_jsonl_only",
                        "--compact writes .jsonl only",
                        msg_sv="--compact skriver bara .jsonl",
                    )
                ]
            )
        self.compact = compact
        self.heading = heading
        """What heads the HTML report: the procurement, assessor and report date."""
        self.lang = lang
        self.rules = rules
        self.criteria = [c.id for c in rules.criteria]
        words = _HEADERS[lang]
        # For people: labels in their language, each criterion under its title, as the
        # results of the evaluation date say it (a title may name a parameter's value).
        titles = titles_at(rules, as_of or date.today())
        self.header = [
            *(words[k] for k in ("source", "supplier", "organisationsnummer", "outcome", "risk")),
            *(t.get(lang) for t in titles),
            *(words[k] for k in ("reasons", "evidence", "warnings", "errors")),
            *(words[k] for k in _PROVENANCE),
        ]
        self._notes: list[tuple[str, str, str, str]] = []
        self._seen: dict[str, set[str]] = {"as_of": set(), "procurement": set(), "inputs": set()}
        self._file: TextIO | None = None
        self._text_pending = False  # text written since the file's last flush (JSONL)
        self._csv: Any = None
        self._book: Any = None
        self._sheet: Any = None
        self._summary: list[html.SummaryRow] = []
        self._pages: IO[str] | None = None
        self._out = AtomicOutput(path, DeclarationError)
        self.written = 0
        """Rows written so far: the batch checks it against the rows read."""

    @property
    def wants_maps(self) -> bool:
        """Whether pages show maps, so the batch should pass each row's geographic layers."""
        return self.kind == "html"

    def __enter__(self) -> ResultWriter:
        # Everything is written under a temporary name and renamed into place when the
        # batch is done: an interrupted run never leaves a half-written file.
        temp = self._out.open()
        if self.kind == "html":
            # Kept open across write() calls; closed and removed in __exit__.
            self._pages = tempfile.NamedTemporaryFile(
                "w+", encoding="utf-8", suffix=".html", dir=self.path.parent, delete=False
            )
        elif self.kind == "xlsx":
            from openpyxl import Workbook

            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet(_HEADERS[self.lang]["sheet"])
            self._start_sheet()
        elif self.kind == "csv":
            # As Swedish Excel opens it: semicolons and a BOM (English: commas, no BOM).
            sv = self.lang == "sv"
            self._file = temp.open("w", encoding="utf-8-sig" if sv else "utf-8", newline="")
            self._csv = csv.writer(self._file, delimiter=";" if sv else ",")
            self._csv.writerow(self.header)
        else:
            self._file = temp.open("w", encoding="utf-8", newline="", buffering=1 << 20)
        return self

    def _start_sheet(self) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        sheet = self._sheet
        sheet.freeze_panes = "C2"
        for i, label in enumerate(self.header, start=1):
            width = 44 if label in (self.header[1], self.header[-10]) else 18
            sheet.column_dimensions[get_column_letter(i)].width = width
        cells = []
        for label in self.header:
            cell = WriteOnlyCell(sheet, value=label)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE4EE")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cells.append(cell)
        sheet.append(cells)

    def write(
        self,
        source: str,
        outcome: Result | DeclarationError,
        layers: Sequence[MapLayer] = (),
        name: str | None = None,
    ) -> bool:
        """Write one input's result or errors (``layers``: its maps, for HTML; ``name``: the
        supplier's name as the row gives it, shown also on an error row); False when the
        result could not be written.

        A row that cannot be written is written as an error row in its place, so the
        output always has one row per input.
        """
        self.written += 1
        try:
            return self._write(source, outcome, layers, name)
        except Exception as exc:
            self._write(source, _unwritable(source, exc), (), name)
            return False

    def write_line(self, line: bytes) -> None:
        """Write one input's JSONL line as UTF-8, made elsewhere (by a worker): bytes, so
        that the batch process neither decodes nor encodes it."""
        assert self._file is not None and self.kind == "jsonl"
        if self._text_pending:
            self._file.flush()  # the text before it goes first
            self._text_pending = False
        self._file.buffer.write(line)
        self.written += 1

    def _write(
        self,
        source: str,
        outcome: Result | DeclarationError,
        layers: Sequence[MapLayer],
        name: str | None,
    ) -> bool:
        if self._pages is not None:
            number = len(self._summary) + 1
            self._summary.append(html.summary_row(source, outcome, name, self.lang, number))
            anchor = self._summary[-1].anchor
            self._pages.write(html.page(source, outcome, layers, self.lang, name, anchor) + "\n")
            return True
        if self.kind == "jsonl":
            assert self._file is not None
            line, whole = _jsonl_line(source, outcome, name, self.compact)
            self._file.write(line)
            self._text_pending = True
            return whole
        # For people: the place in the file in their words (the JSONL keeps it as it is).
        row = [safe_cell(v) for v in self._flat(place_words(source, self.lang), outcome, name)]
        self._remember(source, outcome, name)
        if self._csv is not None:
            self._csv.writerow(row)
        else:
            from openpyxl.cell import WriteOnlyCell
            from openpyxl.styles import PatternFill

            # Text cells are strings, never formulas, whatever they start with.
            value_kind = outcome.outcome.value if isinstance(outcome, Result) else "error"
            cells = []
            for i, value in enumerate(row):
                cell = WriteOnlyCell(self._sheet, value=value)
                if isinstance(value, str) and value:
                    cell.data_type = "s"
                if i == 3:  # the outcome, coloured as in the report
                    cell.fill = PatternFill("solid", fgColor=_OUTCOME_FILLS[value_kind])
                cells.append(cell)
            self._sheet.append(cells)
        return True

    def _remember(self, source: str, outcome: Result | DeclarationError, name: str | None) -> None:
        """What the provenance and the warnings sheet list (kept per row, small)."""
        self._seen["inputs"].add(source_file(source))
        if isinstance(outcome, Result):
            p = outcome.provenance
            self._seen["as_of"].add(p.as_of.isoformat())
            if p.procurement:
                self._seen["procurement"].add(p.procurement)
            for w in outcome.warnings:
                where = str(w.args.get("where", "")) if w.code.startswith("input.") else ""
                text = render_message(w, self.lang)
                self._notes.append(
                    (place_words(source, self.lang), outcome.supplier.name, where, text)
                )
        else:
            for problem in outcome.problems:
                self._notes.append(
                    (
                        place_words(source, self.lang),
                        name or "",
                        place_words(problem.loc, self.lang),
                        problem.text(self.lang),
                    )
                )

    def _flat(self, source: str, outcome: Result | DeclarationError, name: str | None) -> list[Any]:
        if isinstance(outcome, DeclarationError):
            errors = " | ".join(p.text(self.lang) for p in outcome.problems)
            return [
                source,
                name or "",
                "",
                _HEADERS[self.lang]["error"],
                "",
                *([""] * len(self.criteria)),
                "",
                "",
                "",
                mask_personal_numbers(errors),
                *self._provenance(None),
            ]
        verdicts = {
            f.criterion: VERDICT_LABELS[self.lang][f.verdict.value] for f in outcome.findings
        }
        evidence = sorted({e for f in outcome.findings for e in f.evidence})
        return [
            source,
            outcome.supplier.name,
            outcome.supplier.identifier or "",
            OUTCOME_LABELS[self.lang][outcome.outcome.value],
            outcome.risk.level if outcome.risk else "",
            *(verdicts.get(c, "") for c in self.criteria),
            mask_personal_numbers(_why(outcome, self.lang)),
            "; ".join(EVIDENCE[self.lang][e] for e in evidence),
            mask_personal_numbers(
                " | ".join(render_message(w, self.lang) for w in outcome.warnings)
            ),
            "",
            *self._provenance(outcome),
        ]

    def _provenance(self, result: Result | None) -> list[str]:
        if result is None:
            r = self.rules
            return [r.id, r.version, r.content_hash, __version__, "", ""]
        p = result.provenance
        return [
            p.ruleset_id,
            p.ruleset_version,
            p.ruleset_hash,
            p.library_version,
            p.as_of.isoformat(),
            p.procurement or "",
        ]

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._finish(exc_type)
        except BaseException:
            self._out.discard()
            raise
        if exc_type is None:
            self._out.commit()
        else:
            self._out.discard()

    def _finish_book(self) -> None:
        from openpyxl.utils import get_column_letter

        words = _HEADERS[self.lang]
        last = get_column_letter(len(self.header))
        self._sheet.auto_filter.ref = f"A1:{last}{self.written + 1}"
        # The provenance, for the procurement file.
        info = self._book.create_sheet(words["provenance_sheet"])
        info.column_dimensions["A"].width = 28
        info.column_dimensions["B"].width = 80
        r = self.rules
        for label, value in (
            (words["ruleset_id"], f"{r.id}: {r.title.get(self.lang)}"),
            (words["ruleset_version"], r.version),
            (words["ruleset_hash"], r.content_hash),
            (words["library_version"], __version__),
            (words["as_of"], ", ".join(sorted(self._seen["as_of"]))),
            (words["procurement"], ", ".join(sorted(self._seen["procurement"]))),
            (words["inputs"], ", ".join(sorted(self._seen["inputs"]))),
            (words["rows"], str(self.written)),
        ):
            info.append([label, safe_cell(value)])
        notes = self._book.create_sheet(words["notes_sheet"])
        for letter, width in zip("ABCD", (40, 30, 30, 90), strict=True):
            notes.column_dimensions[letter].width = width
        notes.append([words["source"], words["supplier"], words["where"], words["message"]])
        for note in self._notes:
            notes.append([safe_cell(v) for v in note])

    def _finish(self, exc_type: type[BaseException] | None) -> None:
        temp = self._out.temp
        assert temp is not None
        if self._book is not None and exc_type is None:
            self._finish_book()
            self._book.save(temp)
        if self._pages is not None:
            pages = Path(self._pages.name)
            try:
                if exc_type is None:
                    self._pages.seek(0)
                    with temp.open("w", encoding="utf-8") as out:
                        out.write(html.document_start(self.lang, self.heading))
                        if len(self._summary) > 1:
                            out.write(html.summary_page(self._summary, self.lang) + "\n")
                        shutil.copyfileobj(self._pages, out)
                        out.write(html.DOCUMENT_END)
            finally:
                self._pages.close()
                pages.unlink(missing_ok=True)
        if self._file is not None:
            self._file.close()


@dataclass(frozen=True)
class _Job:
    """What evaluating one row needs, the same in the batch's process and its workers."""

    rules: RuleSet
    as_of: date
    procurement: Procurement | None
    context: EvaluationContext | None
    warnings: tuple[Message, ...]

    def outcome(self, row: Row) -> Result | DeclarationError:
        """The row's result, or its located errors."""
        if isinstance(row.outcome, DeclarationError):
            return row.outcome
        return evaluate(
            row.outcome,
            self.rules,
            procurement=self.procurement,
            as_of=self.as_of,
            context=self.context,
        ).with_warnings(self.warnings + reading_warnings(row))


_Keys = tuple[str | None, str | None, str | None]
"""What a written row is counted by: its outcome, supplier and organisationsnummer (all
None for an error row)."""


def _keys(row: Row, outcome: Result | DeclarationError, whole: bool) -> _Keys:
    """The keys of a row written as ``outcome`` (``whole``: as asked, not as an error)."""
    if whole and isinstance(outcome, Result) and isinstance(row.outcome, Declaration):
        decl = row.outcome
        return outcome.outcome.value, decl.supplier, decl.organisationsnummer
    return None, None, None


_Done = tuple[bytes, str, str | None, str | None, str | None]
"""A worker's row: its line, its source and its keys (:data:`_Keys`)."""

_WORKER: dict[str, tuple[_Job, bool]] = {}
"""A worker process's job and compactness, under ``"job"`` (set by :func:`_start`)."""


def _start(job: _Job, compact: bool) -> None:
    """A worker's start: forked, it takes the job as it is, never pickled."""
    import signal

    # Ctrl-C is the batch's to handle: it stops the workers without a traceback from each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER["job"] = (job, compact)


def _work(lines: list[tuple[str, bytes]]) -> list[_Done]:
    """A worker's share: JSONL lines read, evaluated and written as batch lines."""
    from reserverat.io import jsonl_row

    job, compact = _WORKER["job"]
    done: list[_Done] = []
    for source, raw in lines:
        row = jsonl_row(source, raw)
        outcome = job.outcome(row)
        text, whole = _jsonl_line(row.source, outcome, row.name, compact)
        line = text.encode()  # once, here: pickling a str would encode it and decode it
        done.append((line, row.source, *_keys(row, outcome, whole)))
    return done


class WorkerStoppedError(RuntimeError):
    """A batch's worker process stopped from outside (killed, perhaps for lack of memory)."""

    def __init__(self, first: str) -> None:
        super().__init__("a worker process stopped from outside")
        # A source names a file, and file names can hold identity numbers.
        self.first = mask_personal_numbers(first)
        """The first input not written: the pool fails every chunk it had not handed back."""

    def text(self, lang: str) -> str:
        """What happened and what to do, in ``lang``; nothing has been written."""
        if lang == "sv":
            return (
                "en arbetsprocess stoppades utifrån (kanske av minnesbrist) innan "
                f"{place_words(self.first, 'sv')} och raderna efter den var bedömda; inget "
                "resultat skrevs. Kör igen med färre --jobs."
            )
        return (
            "a worker process was stopped from outside (perhaps for lack of memory) before "
            f"{self.first} and the lines after it were evaluated; no result was written. "
            "Run again with fewer --jobs."
        )


CHUNK_LINES = 200
"""JSONL lines a worker takes at a time: enough to pay for the handover, few enough to
keep memory flat (at most four chunks per worker wait)."""


class _Run:
    """One batch: its job, its writer, what it counts and the duplicates it looks for."""

    def __init__(self, job: _Job, writer: ResultWriter, progress: Any) -> None:
        self.job = job
        self.writer = writer
        self.progress = progress
        self.summary = BatchSummary()
        self.seen = _Duplicates()

    def rows(self, rows: Iterable[Row]) -> None:
        """Evaluate and write rows in this process."""
        for row in rows:
            outcome = self.job.outcome(row)
            layers: tuple[MapLayer, ...] = ()
            if isinstance(outcome, Result) and self.writer.wants_maps:
                layers = map_layers(outcome)
            whole = self.writer.write(row.source, outcome, layers, row.name)
            self._count(row.source, *_keys(row, outcome, whole))

    def _count(
        self, source: str, value: str | None, supplier: str | None, number: str | None
    ) -> None:
        self.summary.rows += 1
        if value is None:
            self.summary.errors += 1
        else:
            self.summary.outcomes[value] += 1
        if supplier is not None:
            self.seen.add(source, supplier, number)
        if self.progress is not None:
            self.progress(self.summary.rows)

    def parallel(self, lines: Iterator[tuple[str, bytes]], pool: Executor, jobs: int) -> None:
        """Evaluate JSONL lines in worker processes and write them in the file's order."""
        from collections import deque

        pending: deque[tuple[Future[list[_Done]], str]] = deque()

        def send(chunk: list[tuple[str, bytes]]) -> None:
            pending.append((pool.submit(_work, chunk), chunk[0][0]))

        chunk: list[tuple[str, bytes]] = []
        for item in lines:
            chunk.append(item)
            if len(chunk) == CHUNK_LINES:
                send(chunk)
                chunk = []
                if len(pending) >= 4 * jobs:
                    self._take(*pending.popleft())
        if chunk:
            send(chunk)
        while pending:
            self._take(*pending.popleft())

    def _take(self, future: Future[list[_Done]], first: str) -> None:
        from concurrent.futures.process import BrokenProcessPool

        try:
            done = future.result()
        except BrokenProcessPool:
            raise WorkerStoppedError(first) from None
        self._write_done(done)

    def _write_done(self, done: list[_Done]) -> None:
        for line, source, value, supplier, number in done:
            self.writer.write_line(line)
            self._count(source, value, supplier, number)

    def finish(self) -> BatchSummary:
        """The summary, with the possible duplicates found."""
        self.summary.duplicates, self.summary.duplicate_count = self.seen.pairs(MAX_PAIRS)
        return self.summary


def run_batch(
    rows: Iterable[Row],
    rules: RuleSet,
    writer: ResultWriter,
    *,
    as_of: date,
    procurement: Procurement | None = None,
    context: EvaluationContext | None = None,
    progress: Any = None,
    warnings: tuple[Message, ...] = (),
) -> BatchSummary:
    """Evaluate every row and write it; returns what was done (``warnings``: added to
    every result, such as that the evaluation date is today's).

    A row whose declaration is invalid is written as its errors. ``progress`` is called
    with the number of rows done (for a progress bar).
    """
    run = _Run(_Job(rules, as_of, procurement, context, warnings), writer, progress)
    try:
        run.rows(rows)
        return run.finish()
    finally:
        run.seen.sources.close()


def can_work_in_parallel(writer: ResultWriter) -> bool:
    """Whether :func:`batch_files` can use worker processes for this writer: JSONL out, on
    a system that forks (not Windows)."""
    import multiprocessing

    return writer.kind == "jsonl" and "fork" in multiprocessing.get_all_start_methods()


def batch_files(
    paths: Sequence[Path],
    rules: RuleSet,
    writer: ResultWriter,
    *,
    as_of: date,
    jobs: int = 1,
    procurement: Procurement | None = None,
    context: EvaluationContext | None = None,
    progress: Any = None,
    warnings: tuple[Message, ...] = (),
    **read: Any,
) -> BatchSummary:
    """:func:`run_batch` over files, with ``jobs`` worker processes for JSONL into JSONL.

    The output is the same whatever ``jobs`` is: one line per input line, in its order.
    Other inputs and outputs are evaluated in this process; ``read`` holds the options of
    :func:`reserverat.io.read_rows`.
    """
    from reserverat.io import jsonl_lines

    job = _Job(rules, as_of, procurement, context, warnings)
    run = _Run(job, writer, progress)
    parallel = jobs > 1 and can_work_in_parallel(writer)
    pool: Executor | None = None
    try:
        for path in paths:
            if not (parallel and Path(path).suffix.lower() == ".jsonl"):
                run.rows(rows_from([path], **read))
                continue
            try:
                lines = jsonl_lines(path)
                first = next(lines, None)
            except DeclarationError as exc:
                run.rows([Row(str(path), exc)])
                continue
            if first is None:
                continue
            if pool is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                # Forked workers inherit the loaded rule set, registers and compiled plans.
                # An executor, not multiprocessing.Pool: a worker killed from outside (out
                # of memory) breaks it with an error, where a Pool would wait for ever.
                pool = ProcessPoolExecutor(
                    jobs,
                    mp_context=multiprocessing.get_context("fork"),
                    initializer=_start,
                    initargs=(job, writer.compact),
                )
            run.parallel(itertools.chain([first], lines), pool, jobs)
        return run.finish()
    finally:
        if pool is not None:
            # Chunks not begun are dropped; each worker ends after the one it holds.
            pool.shutdown(wait=True, cancel_futures=True)
        run.seen.sources.close()


FUZZY_LIMIT = 5_000
MAX_PAIRS = 1_000
"""How many possible duplicates a batch lists; it counts them all."""


class _Duplicates:
    """Possible duplicates in a stream: exact keys always, similar names in smaller batches.

    The same organisationsnummer or the same normalised name is found however long the
    batch: each row adds 64-bit hashes of its keys to compact arrays and its source to a
    temporary file, so memory grows by about 30 bytes a row, and the pairs are found by
    sorting at the end. All are counted; the first ``MAX_PAIRS`` are listed. Similar
    names (rapidfuzz, 92 or more) are compared while the batch has at most
    ``FUZZY_LIMIT`` rows, since that comparison grows with its square.
    """

    _REASONS: tuple[Literal["organisationsnummer", "name"], ...] = ("organisationsnummer", "name")

    def __init__(self) -> None:
        self.keys = array("q")
        self.rows = array("i")
        self.kinds = array("b")  # index into _REASONS: a row's number before its name
        # Lives across add() calls; run_batch closes it (TemporaryFile deletes itself).
        self.sources: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.count = 0
        self.small: list[tuple[str, Declaration]] | None = []

    def add(self, source: str, supplier: str, number: str | None) -> None:
        """Keep a row's keys: its source, supplier's name and organisationsnummer."""
        from reserverat.registry import normalise_name

        row = self.count
        self.count += 1
        self.sources.write(source.replace("\n", " ") + "\n")
        if number:
            self._key(hash(("organisationsnummer", number)), row, 0)
        self._key(hash(("name", normalise_name(supplier))), row, 1)
        if self.small is not None:
            self.small.append((source, Declaration(supplier=supplier, organisationsnummer=number)))
            if len(self.small) > FUZZY_LIMIT:
                self.small = None

    def _key(self, key: int, row: int, kind: int) -> None:
        self.keys.append(key)
        self.rows.append(row)
        self.kinds.append(kind)

    def pairs(self, limit: int) -> tuple[list[tuple[str, str, Duplicate]], int]:
        """The first ``limit`` later rows with the first row sharing a key (its number
        before its name), and how many rows have such a pair in all."""
        if self.small is not None:
            found = [
                (self.small[d.first][0], self.small[d.second][0], d)
                for d in find_duplicates((d for _, d in self.small), max_pairs=len(self.small) ** 2)
            ]
            return found[:limit], len(found)
        keys = np.frombuffer(self.keys, dtype=np.int64)
        rows = np.frombuffer(self.rows, dtype=np.int32)
        kinds = np.frombuffer(self.kinds, dtype=np.int8)
        order = np.lexsort((rows, keys))
        keys = keys[order]
        later = np.zeros(len(keys), dtype=bool)  # a key seen before, in a row after its first
        later[1:] = keys[1:] == keys[:-1]
        del keys
        rows, kinds = rows[order], kinds[order]
        # Each key group's first row: the row at the group's start, carried forward.
        starts = np.where(later, 0, np.arange(len(rows), dtype=np.int64))
        first = rows[np.maximum.accumulate(starts)]
        del starts, order
        row, kind, earlier = rows[later], kinds[later], first[later]
        # A row's pair by its number comes before its pair by its name.
        pick = np.lexsort((kind, row))
        row, kind, earlier = row[pick], kind[pick], earlier[pick]
        once = np.ones(len(row), dtype=bool)
        once[1:] = row[1:] != row[:-1]
        total = int(once.sum())
        chosen = list(
            zip(
                row[once][:limit].tolist(),
                earlier[once][:limit].tolist(),
                kind[once][:limit].tolist(),
                strict=True,
            )
        )
        needed = {r for r, _, _ in chosen} | {e for _, e, _ in chosen}
        names: dict[int, str] = {}
        self.sources.seek(0)
        for i, line in enumerate(self.sources):
            if i in needed:
                names[i] = line.rstrip("\n")
        pairs = [
            (names[e], names[r], Duplicate(0, 0, self._REASONS[k], 100.0)) for r, e, k in chosen
        ]
        return pairs, total


def rows_from(paths: Iterable[Path], **options: Any) -> Iterator[Row]:
    """Rows from several files in turn; a file that cannot be read becomes one error row."""
    from reserverat.io import read_rows

    for path in paths:
        try:
            yield from read_rows(path, **options)
        except DeclarationError as exc:
            yield Row(str(path), exc)
