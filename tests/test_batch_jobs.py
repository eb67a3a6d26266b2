"""Batches in worker processes (``--jobs``): the same output, in the same order, as one."""

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import reserverat as rr
from reserverat.batch import ResultWriter, _work, batch_files
from reserverat.cli import main

ROOT = Path(__file__).parent.parent
DECL = ROOT / "examples" / "declarations"


def _lines() -> list[str]:
    """Good rows, duplicates and every kind of bad line, in a mixed order."""
    good = [
        json.loads((DECL / name).read_text(encoding="utf-8"))
        for name in sorted(p.name for p in DECL.glob("*.json"))
    ]
    good = [d for d in good if isinstance(d, dict)]
    lines = [json.dumps(d, ensure_ascii=False) for d in good]
    lines[1:1] = [
        "{not json",
        "[1, 2]",
        json.dumps({"supplier": "Fel AB", "workforce": 3}),
        json.dumps({"supplier": "Person 19800101-1234", "organisationsnummer": "19800101-1234"}),
        "",
        json.dumps({"supplier": lines and good[0]["supplier"]}, ensure_ascii=False),
    ]
    return lines * 3


def _batch(
    tmp_path: Path, jobs: int, extra: list[str], *options: str, suffix: str = "jsonl"
) -> tuple[int, bytes | None]:
    out = tmp_path / f"out-{jobs}.{suffix}"
    code = main(
        [
            "batch",
            *extra,
            "--rules",
            "lou-4-18",
            "--as-of",
            "2017-12-11",
            "--out",
            str(out),
            "--jobs",
            str(jobs),
            "--no-progress",
            *options,
        ]
    )
    return code, out.read_bytes() if out.exists() else None


@pytest.mark.parametrize("compact", [False, True])
def test_jobs_write_the_same_bytes_in_the_same_order(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    compact: bool,
) -> None:
    # Small chunks, so that workers hand back many and the queue fills and drains.
    monkeypatch.setattr("reserverat.batch.CHUNK_LINES", 3)
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(_lines()) + "\n", encoding="utf-8")
    empty = tmp_path / "tom.jsonl"
    empty.write_bytes(b"")
    files = [
        str(src),
        str(DECL / "01-yalla-kooperativ.json"),
        str(empty),
        str(tmp_path / "saknas.jsonl"),
        str(src),
    ]
    options = ("--compact",) if compact else ()
    results = []
    for jobs in (1, 2):
        code, data = _batch(tmp_path, jobs, files, *options)
        results.append((code, data, capsys.readouterr().out.replace(f"out-{jobs}", "out")))
    assert results[0] == results[1]
    code, data, summary = results[0]
    assert code == 2  # bad rows are bad input
    lines = data.decode().splitlines()
    assert len(lines) == 2 * len([x for x in _lines() if x]) + 3
    assert "19800101-1234" not in data.decode() and "19800101-1234" not in summary
    assert "möjlig dubblett" in summary
    assert json.loads(lines[1])["errors"][0]["code"] == "bad_json"


def test_batch_files_counts_and_reports_progress_as_one_process(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(_lines()) + "\n", encoding="utf-8")
    rules = rr.load_ruleset("lou-4-18")
    summaries = []
    for jobs in (1, 2):
        seen: list[int] = []
        with ResultWriter(tmp_path / f"o{jobs}.jsonl", rules) as writer:
            summary = batch_files(
                [src],
                rules,
                writer,
                as_of=date(2017, 12, 11),
                jobs=jobs,
                progress=seen.append,
            )
        assert seen == list(range(1, summary.rows + 1))
        assert writer.written == summary.rows == summary.results + summary.errors
        summaries.append(summary)
    assert summaries[0] == summaries[1]
    assert summaries[0].errors == 4 * 3  # bad JSON, not an object, two invalid declarations


@pytest.mark.parametrize("bad", ["-1", "x", "65"])
def test_jobs_must_be_a_small_whole_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "batch",
                str(DECL / "01-yalla-kooperativ.json"),
                "--rules",
                "lou-4-18",
                "--out",
                str(tmp_path / "o.jsonl"),
                "--jobs",
                bad,
            ]
        )
    assert exc.value.code == 2
    assert f"ett heltal från 0 till 64 väntades: {bad!r}" in capsys.readouterr().err


def test_a_result_that_cannot_be_written_is_its_error_line_in_workers_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(self: rr.Result, indent: int | None = 2) -> str:
        raise ValueError("boom")

    monkeypatch.setattr(rr.Result, "to_json", boom)
    src = tmp_path / "in.jsonl"
    src.write_text(
        (DECL / "01-yalla-kooperativ.json").read_text(encoding="utf-8").replace("\n", " ") + "\n",
        encoding="utf-8",
    )
    outputs = [_batch(tmp_path, jobs, [str(src)]) for jobs in (1, 2)]
    assert outputs[0] == outputs[1]
    (line,) = outputs[0][1].decode().splitlines()
    (error,) = json.loads(line)["errors"]
    assert error["code"] == "unwritable_row"
    assert error["msg"] == "the result could not be written: boom"
    assert error["msg_sv"] == "resultatet kunde inte skrivas: boom"
    # The summary counts it as what the file holds: an error, not a result.
    assert capsys.readouterr().out.count("  FEL                         1\n") == 2


def test_jobs_into_a_spreadsheet_warn_and_run_in_one_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = []
    for jobs in (1, 2):
        code, data = _batch(tmp_path, jobs, [str(DECL)], suffix="csv")
        outputs.append((code, data, capsys.readouterr().err))
    assert outputs[0][:2] == outputs[1][:2]
    assert outputs[0][2] == ""
    assert outputs[1][2] == (
        "varning: --jobs gäller bara JSONL till JSONL och inte i Windows; bedömningen görs i en "
        "process\n"
    )


def test_jobs_zero_is_one_worker_per_core_this_process_may_use() -> None:
    import os

    from reserverat.cliargs import parser

    args = parser().parse_args(["batch", "in.jsonl", "--rules", "lou-4-18", "--out", "o.jsonl"])
    assert args.jobs == 1
    args = parser().parse_args(
        ["batch", "in.jsonl", "--rules", "lou-4-18", "--out", "o.jsonl", "--jobs", "0"]
    )
    assert args.jobs == len(os.sched_getaffinity(0))


def _dies(lines: list[tuple[str, bytes]]) -> list[Any]:
    """A worker killed from outside, as the kernel kills one out of memory."""
    import os

    if lines[0][0].endswith(" line 1"):  # the first chunk, which is then never handed back
        os._exit(9)
    return _work(lines)


def test_a_worker_killed_from_outside_stops_the_batch_with_words_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import signal

    monkeypatch.setattr("reserverat.batch.CHUNK_LINES", 3)
    monkeypatch.setattr("reserverat.batch._work", _dies)
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(_lines()) + "\n", encoding="utf-8")
    signal.alarm(120)  # a pool that waits for ever fails the test instead of the run
    try:
        code, data = _batch(tmp_path, 2, [str(src)])
    finally:
        signal.alarm(0)
    assert code == 3
    assert data is None  # nothing half written
    err = capsys.readouterr().err
    # The pool fails every chunk it has not handed back: the first of them is named.
    assert err == (
        f"fel: en arbetsprocess stoppades utifrån (kanske av minnesbrist) innan {src} rad 1 och "
        "raderna efter den var bedömda; inget resultat skrevs. Kör igen med färre --jobs.\n"
    )
