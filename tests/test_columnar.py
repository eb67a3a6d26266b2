"""The columnar evaluator gives exactly the explained path's verdicts."""

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reserverat as rr
from reserverat.columnar import CODES, MAX_LABELS, Corpus, evaluate_columns, outcome_codes
from reserverat.loading import list_rulesets
from strategies import one_criterion, varied

WHEN = date(2024, 3, 15)
RULESETS = [rr.load_ruleset(info.id) for info in list_rulesets()]
TRI = st.sampled_from([True, False, None])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(varied(), min_size=1, max_size=12))
def test_columnar_equals_explained_for_every_builtin_ruleset(decls: list[rr.Declaration]) -> None:
    proc = rr.Procurement(authority="Exempelby kommun", main_cpv="85311000", duration_months=24)
    for rules in RULESETS:
        got = evaluate_columns(Corpus.from_declarations(decls), rules, as_of=WHEN, procurement=proc)
        want = np.array(
            [
                [
                    CODES[f.verdict]
                    for f in rr.evaluate(d, rules, as_of=WHEN, procurement=proc).findings
                ]
                for d in decls
            ],
            dtype=np.int8,
        )
        assert np.array_equal(got, want), rules.id
        outcomes = [
            rr.evaluate(d, rules, as_of=WHEN, procurement=proc).outcome.value for d in decls
        ]
        assert [
            ("not_qualified", "undecided", "qualified")[c]
            for c in outcome_codes(got, rules, as_of=WHEN)
        ] == outcomes


def test_corpus_from_columns_needs_no_declarations() -> None:
    n = 6
    heads = np.array([10, 10, 10, 0, 10, 10], dtype=object)
    targets = np.array([3, 2, None, 0, 9, 2], dtype=object)
    zero = np.zeros(n, dtype=object)
    known = np.ones(n, dtype=bool)
    cols: dict[str, Any] = {"workforce": (np.ones(n, dtype=object), known)}
    for form in ("employed", "trainees", "work_training", "other"):
        cols[f"workforce.{form}"] = (np.ones(n, dtype=object), known)
        cols[f"workforce.{form}.headcount"] = (heads if form == "employed" else zero, known)
        tg = targets if form == "employed" else zero
        cols[f"workforce.{form}.target_group.headcount"] = (
            tg,
            np.array([t is not None for t in tg]),
        )
    cols["workforce.declared_share"] = (np.full(n, None, dtype=object), np.zeros(n, dtype=bool))
    corpus = Corpus(n, None, cols)
    rules = one_criterion(rr.share_at_least("0.3"), "share")
    got = evaluate_columns(corpus, rules, as_of=WHEN)[:, 0]
    assert got.tolist() == [
        2,
        0,
        1,
        1,
        2,
        0,
    ]  # met, not met, undecided (unknown), undecided (nobody), met, not met


def test_text_columns_are_coded_once_per_corpus() -> None:
    known = np.array([True, True, False, True])
    fixed = np.array(["unit", "legal_person", "legal_person", "unit"], dtype="<U12")
    corpus = Corpus(4, columns={"scope": (fixed, known)})
    coded = corpus.codes("scope")
    assert coded is not None
    codes, texts = coded
    assert texts == ("unit", "legal_person")
    assert codes.dtype == np.int8 and codes.tolist() == [0, 1, -1, 0]  # -1: unknown
    again = corpus.codes("scope")
    assert again is not None and again[0] is codes  # made once, then kept
    objects = np.array(["aktiebolag", None, "stiftelse", "aktiebolag"], dtype=object)
    by_object = Corpus(4, columns={"legal_form": (objects, np.array([True, False, True, True]))})
    by_text = by_object.codes("legal_form")
    assert by_text is not None
    assert by_text[0].tolist() == [0, -1, 1, 0]
    assert by_text[1] == ("aktiebolag", "stiftelse")
    # Not text, or more texts than a fact has: not coded, and the kernels read the values.
    for values in (
        np.array(["a", 1], dtype=object),
        np.array([f"t{i}" for i in range(MAX_LABELS + 1)], dtype=object),
        np.array([f"t{i}" for i in range(MAX_LABELS + 1)]),
        np.array([1, 2]),
    ):
        many = Corpus(len(values), columns={"x": (values, np.ones(len(values), dtype=bool))})
        assert many.codes("x") is None


@pytest.mark.parametrize("dtype", ["<U12", object])
def test_scope_and_value_in_decide_alike_coded_or_not(dtype: Any) -> None:
    # More distinct texts than are coded: the kernels compare the values themselves, and
    # must give what the coded column gives for the same rows.
    texts = ["legal_person", "unit", "x", "legal_person", "unit"]
    extra = [f"t{i}" for i in range(MAX_LABELS)]
    for check, want in (
        (rr.whole_legal_person(unit_data="not_met"), [2, 0, 1, 2, 0]),
        (rr.whole_legal_person(), [2, 1, 1, 2, 1]),
        (rr.value_in("scope", ["unit", "x"]), [0, 2, 2, 0, 2]),
    ):
        rules = one_criterion(check)
        for rows in (texts, texts + extra):
            values = np.array(rows, dtype=dtype)
            known = np.ones(len(rows), dtype=bool)
            known[2] = dtype is object  # a typed column's unknown row holds a text anyway
            corpus = Corpus(len(rows), columns={"scope": (values, known)})
            assert (corpus.codes("scope") is None) is (len(rows) > MAX_LABELS)
            got = evaluate_columns(corpus, rules, as_of=WHEN)[: len(texts), 0].tolist()
            expected = list(want)
            if dtype is not object:
                expected[2] = 1  # unknown: undecided
            assert got == expected, (check.kind, len(rows), dtype)


def test_counts_are_narrowed_where_every_known_count_fits() -> None:
    two = np.array([True, False])

    def counts(values: Any, known: Any = two) -> Any:
        return Corpus(len(values), columns={"c": (values, known)}).counts("c")

    narrow = counts(np.array([-7, 2**40], dtype=np.int64))  # the unknown row is not looked at
    assert narrow[0].dtype == np.int32 and narrow[0].tolist() == [-7, 0] and narrow[1] == 7
    small = counts(np.array([5, 999], dtype=np.int64))  # 0 where unknown, whatever it held
    assert small[0].dtype == np.int32 and small[0].tolist() == [5, 0] and small[1] >= 5
    wide = counts(np.array([2**40, 1]), np.array([True, True]))
    assert wide[0].dtype == np.int64 and wide[0].tolist() == [2**40, 1] and wide[1] == 2**40
    floats = counts(np.array([3.0, np.nan]))
    assert floats[0].dtype == np.int32 and floats[0].tolist() == [3, 0] and floats[1] == 3
    objects = counts(np.array([3, None], dtype=object))
    assert objects[0].tolist() == [3, 0] and objects[1] == 3
    # Not whole numbers, or too large for any integer column: decided row by row instead.
    assert counts(np.array([2.5, 1.0])) is None
    assert counts(np.array([Decimal("3"), None], dtype=object)) is None
    assert counts(np.array([2**64 - 1, 0], dtype=np.uint64)) is None
    assert counts(np.array(["3", None], dtype=object)) is None


def test_share_arithmetic_widens_where_32_bits_would_overflow() -> None:
    # Columns from a source are not bounded by the model: 500 million per form, times the
    # threshold's denominator, passes 2**31. In 32 bits the sums would wrap.
    n = 3
    yes = np.ones(n, dtype=bool)
    cols: dict[str, Any] = {"workforce": (yes, yes)}
    per_form = np.array([150_000_000, 149_999_999, 500_000_000], dtype=np.int64)
    for form in ("employed", "trainees", "work_training", "other"):
        cols[f"workforce.{form}"] = (yes, yes)
        cols[f"workforce.{form}.headcount"] = (np.full(n, 500_000_000, dtype=np.int64), yes)
        cols[f"workforce.{form}.target_group.headcount"] = (per_form, yes)
    corpus = Corpus(n, None, cols, complete=True)
    rules = one_criterion(rr.share_at_least("0.3"), "share")
    # 30 % exactly is met; one person fewer in each form is not; everyone is met.
    assert evaluate_columns(corpus, rules, as_of=WHEN)[:, 0].tolist() == [2, 0, 2]
    narrow = corpus.counts("workforce.employed.headcount")
    assert narrow is not None and narrow[0].dtype == np.int32  # each count fits; their sum not


_FORMS = ("employed", "trainees", "work_training", "other")
_COUNT = st.integers(0, 2**40) | st.integers(0, 50)
_MOSTLY = st.sampled_from([True] * 7 + [False])  # a row with every count stated is decided
_FORM = st.tuples(_MOSTLY, _COUNT, _MOSTLY, _COUNT, st.booleans())


def _share_reference(forms: list[tuple[bool, int, bool, int, bool]], threshold: Fraction) -> int:
    """The share criterion's verdict for one row of raw counts, in exact integers."""
    if not all(group and heads_known for group, _, heads_known, _, _ in forms):
        return 1
    occupied = sum(heads for _, heads, _, _, _ in forms)
    if occupied == 0:
        return 1
    low = sum(target for _, _, _, target, known in forms if known)
    high = sum(target if known else heads for _, heads, _, target, known in forms)
    if low >= threshold * occupied:
        return 2
    return 0 if high < threshold * occupied else 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(*[_FORM] * 4), min_size=1, max_size=8),
    st.sampled_from(["0.3", "0.25", "0.333333", "0.4", "0.999999"]),
    st.sampled_from(["int64", "float64", "object"]),
)
def test_the_share_kernel_is_exact_for_any_counts_a_column_holds(
    rows: list[tuple[Any, ...]], threshold: str, kind: str
) -> None:
    """Counts far beyond the model's (a source's columns are not bounded by it), in 32 or
    64 bits as their sums need, give the verdict of exact arithmetic."""
    n = len(rows)
    yes = np.ones(n, dtype=bool)
    cols: dict[str, Any] = {"workforce": (yes, yes)}
    for j, form in enumerate(_FORMS):
        group, heads, heads_known, targets, targets_known = zip(*(r[j] for r in rows), strict=True)

        def column(values: tuple[int, ...]) -> Any:
            if kind == "float64":  # exact only up to 2**53: every count drawn here is
                return np.array(values, dtype=np.float64)
            return np.array(values, dtype=np.int64 if kind == "int64" else object)

        cols[f"workforce.{form}"] = (np.ones(n, dtype=bool), np.array(group))
        cols[f"workforce.{form}.headcount"] = (column(heads), np.array(heads_known))
        cols[f"workforce.{form}.target_group.headcount"] = (
            column(targets),
            np.array(targets_known),
        )
    corpus = Corpus(n, None, cols, complete=True)
    rules = one_criterion(rr.share_at_least(threshold), "share")
    got = evaluate_columns(corpus, rules, as_of=WHEN)[:, 0].tolist()
    assert got == [_share_reference(list(r), Fraction(threshold)) for r in rows]


_TYPED_PATHS = [
    "scope",
    "purpose.sheltered_workshop",
    "purpose.integration_main_aim",
    "declared_on",
    "workforce",
    "workforce.reference_date",
    *(
        f"workforce.{form}{leaf}"
        for form in ("employed", "trainees", "work_training", "other")
        for leaf in ("", ".headcount", ".target_group.headcount")
    ),
]


def _typed(
    path: str, values: np.ndarray[Any, Any], known: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """A typed column as a columnar source gives it, holding misleading values where unknown."""
    pairs = list(zip(values, known, strict=True))
    if path == "scope":
        return np.array([v if k else "legal_person" for v, k in pairs], dtype="<U12")
    if path.endswith(("_on", "_date")):
        return np.array([v if k else date(2024, 3, 15) for v, k in pairs], dtype="datetime64[D]")
    if path.endswith("headcount"):
        return np.array([v if k else 999 for v, k in pairs], dtype=np.int64)
    # Yes/no facts, and groups (where only the mask matters).
    return np.array([bool(v) if k else True for v, k in pairs], dtype=bool)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(varied(), min_size=1, max_size=12), st.integers(1, 5))
def test_typed_columns_give_the_same_verdicts(decls: list[rr.Declaration], block: int) -> None:
    """Typed NumPy columns (fixed-width strings, int64, datetime64, bool) with misleading
    values where a fact is unknown give exactly the verdicts of the explained path, in
    blocks of any size (the blocks' views, fallback rows and sites are offset rightly)."""
    source = Corpus.from_declarations(decls)
    columns = {}
    for path in _TYPED_PATHS:
        values, known = source.column(path)
        columns[path] = (_typed(path, values, known), known)
    typed = Corpus(len(decls), decls, columns)
    for rules in RULESETS:
        whole = evaluate_columns(typed, rules, as_of=WHEN)
        with patch("reserverat.columnar.BLOCK_ROWS", block):
            got = evaluate_columns(typed, rules, as_of=WHEN)
            blocked = evaluate_columns(Corpus.from_declarations(decls), rules, as_of=WHEN)
        want = evaluate_columns(Corpus.from_declarations(decls), rules, as_of=WHEN)
        assert np.array_equal(got, want), rules.id
        assert np.array_equal(whole, want), rules.id
        assert np.array_equal(blocked, want), rules.id


def _columns_only(decls: list[rr.Declaration]) -> Corpus:
    """The lou-4-18 facts of the declarations as typed columns, without the declarations."""
    source = Corpus.from_declarations(decls)
    columns = {}
    for path in [*_TYPED_PATHS, "workforce.declared_share"]:
        values, known = source.column(path)
        if path == "workforce.declared_share":
            typed = np.array([float(v) if k else 0.99 for v, k in zip(values, known, strict=True)])
        else:
            typed = _typed(path, values, known)
        columns[path] = (typed, known)
    return Corpus(
        len(decls), None, columns, sources=[f"in.csv row {i + 2}" for i in range(len(decls))]
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(varied(), min_size=1, max_size=12))
def test_columns_without_declarations(decls: list[rr.Declaration]) -> None:
    """Rows the vectorised checks cannot decide are rebuilt from their cells: same verdicts."""
    rules = rr.load_ruleset("lou-4-18")
    corpus = _columns_only(decls)
    got = evaluate_columns(corpus, rules, as_of=WHEN)
    want = np.array(
        [[CODES[f.verdict] for f in rr.evaluate(d, rules, as_of=WHEN).findings] for d in decls],
        dtype=np.int8,
    )
    assert np.array_equal(got, want)
    with patch("reserverat.columnar.BLOCK_ROWS", 3):  # rows rebuilt in a later block
        assert np.array_equal(evaluate_columns(_columns_only(decls), rules, as_of=WHEN), want)
    for i, d in enumerate(decls):
        rebuilt = corpus.declaration(i)
        assert rebuilt.supplier == f"in.csv row {i + 2}"
        assert (
            rr.evaluate(rebuilt, rules, as_of=WHEN).outcome
            == rr.evaluate(d, rules, as_of=WHEN).outcome
        )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(varied(), min_size=1, max_size=12))
def test_compare_over_columns_equals_compare_over_declarations(decls: list[rr.Declaration]) -> None:
    rules = rr.load_ruleset("lou-4-18")
    variant = rules.with_params(threshold="0.40", declared_share="undecided")
    by_rows = rr.compare(
        [(f"in.csv row {i + 2}", d) for i, d in enumerate(decls)], rules, variant, as_of=WHEN
    )
    by_columns = rr.compare(_columns_only(decls), rules, variant, as_of=WHEN)
    a, b = by_rows.to_dict(), by_columns.to_dict()
    for flips in ("gains", "losses"):
        for flip in a[flips] + b[flips]:
            flip.pop("supplier")  # the rebuilt rows are named by their source
    # Bare columns hold no declarations to hash; everything else in the provenance agrees.
    assert a["provenance"].pop("input_hash").startswith("sha256:")
    assert b["provenance"].pop("input_hash") is None
    assert a == b


# ---- a sheet straight into columns ------------------------------------------------------

# Per kind of cell: what people write that reads, and what does not (or is refused).
_CELL_TEXTS = {
    "count": (["0", "3", "12", "12 st", "40"], ["3,5", "-1", "x", "2000000"]),
    "yes_no": (["ja", "Nej", "x", "JA "], ["jaa", "1,5"]),
    "date": (["2024-02-15", "15/2/2024", "2023-12-01", "2022-01-10"], ["2024-13-01", "igår"]),
    "share": (["30 %", "0,3", "40%", "0"], ["1,2", "110 %"]),
    "number": (["0", "250 000", "1,5", "25000"], ["abc", "1e999", "-5"]),
}
_CHOICE_TEXTS = {
    "scope": (["legal_person", "en enhet", "hela", "Hela den juridiska personen"], ["halva"]),
    "legal_form": (["aktiebolag", "AB", "stiftelse", "ekonomisk förening"], ["bolag"]),
    "participation.mechanism": (["ägande", "avtal", "none"], ["kanske"]),
    "espd.answer": (["yes", "no", "not_answered"], ["kanske"]),
    "espd.version": (["2.1.1", "1"], []),
}
# Beyond the rule sets' own columns: a nested group with required fields, and a share.
_EXTRA_COLUMNS = ["espd.answer", "espd.version", "workforce.declared_share"]


def _cell_texts(path: str) -> tuple[list[str], list[str]]:
    from reserverat.io import _CHOICES, _kind

    if path in _CHOICE_TEXTS:
        return _CHOICE_TEXTS[path]
    if path in _CHOICES:
        return list(_CHOICES[path]), ["kanske"]
    if path == "organisationsnummer":
        return ["556677-0011", "802400-1110"], ["556677-0012", "19121212-1212"]
    valid, invalid = _CELL_TEXTS.get(_kind(path), (["text"], []))
    return valid, invalid


@st.composite
def _sheets(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]]]:
    """A sheet of a rule set's columns: most cells read, some empty, a few refused."""
    from reserverat.io import ruleset_columns

    rules_id = draw(st.sampled_from(["lou-4-18", "lou-19-25a", "asf-skoopi", "botkyrka-2017"]))
    cols, _ = ruleset_columns(rr.load_ruleset(rules_id))
    plain = [c for c in cols if "[" not in c]
    plain += [c for c in _EXTRA_COLUMNS if c not in plain and draw(st.booleans())]
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        row = []
        for col in plain:
            valid, invalid = _cell_texts(col)
            roll = draw(st.integers(min_value=0, max_value=99))
            if roll < 3 and invalid:
                row.append(draw(st.sampled_from(invalid)))
            elif roll < 12:
                row.append("")
            else:
                row.append(draw(st.sampled_from(valid)))
        row[plain.index("supplier")] = draw(st.sampled_from(["Alfa AB", "Beta ek. för."]))
        rows.append(row)
    return rules_id, plain, rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_sheets())
def test_a_sheet_read_into_columns_decides_as_the_explained_path(
    sheet: tuple[str, list[str], list[list[str]]],
) -> None:
    """Corpus.from_file (cells checked field by field, no Declaration per row) gives every
    row the verdicts that reading the same file row by row and evaluating it gives."""
    import csv
    import io
    import tempfile
    from pathlib import Path

    from reserverat.io import read_rows

    rules_id, cols, rows = sheet
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "anbud.csv"
        text = io.StringIO()
        writer = csv.writer(text, delimiter=";")
        writer.writerow(cols)
        writer.writerows(rows)
        path.write_text(text.getvalue(), encoding="utf-8")
        rules = rr.load_ruleset(rules_id)
        corpus = Corpus.from_file(path)
        got = evaluate_columns(corpus, rules, as_of=WHEN)
        read = list(read_rows(path))
    assert corpus.n == len(read) == len(rows)
    want = np.array(
        [
            [CODES[f.verdict] for f in rr.evaluate(r.outcome, rules, as_of=WHEN).findings]
            for r in read
            if isinstance(r.outcome, rr.Declaration)
        ],
        dtype=np.int8,
    ).reshape(got.shape)
    assert got.tolist() == want.tolist()


def test_a_sheet_into_columns_keeps_the_rows_the_readers_must_read(tmp_path: Any) -> None:
    path = tmp_path / "anbud.csv"
    path.write_text(
        "Leverantör;Omfattning;Sysselsatta › anställda › antal personer;"
        "Sysselsatta › anställda › i målgrupperna › antal personer\n"
        "Alfa AB;hela;10;3\n"  # read cell by cell
        "Beta AB;hela;10;3,5\n"  # half a person: the readers' warning and unknown fact
        "Gamma AB;hela;5;6\n",  # more in the groups than in all: refused by the model
        encoding="utf-8",
    )
    corpus = Corpus.from_file(path)
    assert (corpus.n, sorted(corpus.rebuilt)) == (3, [1, 2])
    assert corpus.sources == [f"{path} row 2", f"{path} row 3", f"{path} row 4"]
    values, known = corpus.column("workforce.employed.target_group.headcount")
    assert (values.tolist(), known.tolist()) == ([3, None, None], [True, False, False])
    _, stated = corpus.column("workforce.employed")
    assert stated.tolist() == [True, True, False]  # Gamma's group was refused whole
    _, known = corpus.column("purpose.integration_main_aim")  # no such column: unknown
    assert known.tolist() == [False, False, False]
    bad = tmp_path / "utan-namn.csv"
    bad.write_text("Leverantör;Omfattning\n;hela\n", encoding="utf-8")
    with pytest.raises(rr.DeclarationError) as info:
        Corpus.from_file(bad)
    assert [p.code for p in info.value.problems] == ["missing"]


def test_every_validator_between_fields_is_mirrored_or_a_lists() -> None:
    """Corpus.from_file makes the model's checks between fields itself: a new validator in
    the declaration models must be added there (or belong to a list field)."""
    import typing

    from pydantic import BaseModel

    from reserverat.sheets import _MIRRORED, LIST_VALIDATED

    found: set[tuple[str, str]] = set()
    seen: set[type] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        decorators = model.__pydantic_decorators__
        for group in (decorators.model_validators, decorators.field_validators):
            found.update((model.__name__, name) for name in group)
        for f in model.model_fields.values():
            for t in typing.get_args(f.annotation) or (f.annotation,):
                for u in typing.get_args(t) or (t,):
                    if isinstance(u, type) and issubclass(u, BaseModel):
                        walk(u)

    walk(rr.Declaration)
    assert found == set(_MIRRORED | LIST_VALIDATED)


def test_a_group_stated_without_its_required_fields_is_read_the_readers_way(
    tmp_path: Any,
) -> None:
    """An ESPD answer without its version: the model refuses the group, so the readers make
    it unknown; the sheet corpus must not keep the answer."""
    from reserverat.io import read_rows

    path = tmp_path / "espd.csv"
    path.write_text(
        "supplier;espd.answer;espd.version;workforce.declared_share\n"
        "Alfa AB;yes;;0,4\nBeta AB;yes;2.1.1;0,4\n",
        encoding="utf-8",
    )
    corpus = Corpus.from_file(path)
    assert sorted(corpus.rebuilt) == [0]
    rules = rr.load_ruleset("lou-4-18")
    got = evaluate_columns(corpus, rules, as_of=WHEN)
    want = [
        [CODES[f.verdict] for f in rr.evaluate(r.outcome, rules, as_of=WHEN).findings]
        for r in read_rows(path)
        if isinstance(r.outcome, rr.Declaration)
    ]
    assert got.tolist() == want


def test_a_sheet_cell_is_checked_as_its_whole_field(tmp_path: Any) -> None:
    """A field's own bounds and validators apply, not only its type's: a supplier name is
    masked and bounded (FreeText), a masked number is unknown (MaskedOrgNr)."""
    path = tmp_path / "namn.csv"
    path.write_text(
        "supplier;organisationsnummer;scope\n"
        "Föreningen 811218-9876;******-****;legal_person\n"
        f"{'x' * 10_001};;legal_person\n"
        "Alfa AB;;legal_person\n",
        encoding="utf-8",
    )
    with pytest.raises(rr.DeclarationError) as info:  # the overlong name: no supplier
        Corpus.from_file(path)
    assert [p.code for p in info.value.problems] == ["too_long"]
    path.write_text(
        "supplier;organisationsnummer;scope\n"
        "Föreningen 811218-9876;******-****;legal_person\nAlfa AB;;legal_person\n",
        encoding="utf-8",
    )
    corpus = Corpus.from_file(path)
    names, _ = corpus.column("supplier")
    assert names.tolist() == ["Föreningen ******-****", "Alfa AB"]
    _, known = corpus.column("organisationsnummer")
    assert known.tolist() == [False, False]
