"""Every reproducer of RELIABILITY-FINDINGS.md, run through the command: a located error
with its stable code (or a clean result), exit 0, 1 or 2, never a traceback, in seconds."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import pytest
from tests.fuzz.surfaces import CRITERION, RULE_HEAD

from reserverat.cli import main

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
DECL = EXAMPLES / "declarations" / "01-yalla-kooperativ.json"
ESPD = EXAMPLES / "espd" / "verkstan-v4.xml"
NOTICE = ROOT / "tests" / "data" / "corpus" / "eforms"


@dataclass(frozen=True)
class Probe:
    """One reproducer: files to write, the command, and what must come out."""

    name: str
    make: Callable[[Path], list[str]]
    exit: set[int]
    code: str | None  # a stable code that must appear on standard error (None: no check)


def _write(path: Path, data: str | bytes) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def _decl(tmp: Path, name: str = "d.json", **facts: object) -> Path:
    return _write(tmp / name, json.dumps({"supplier": "X", **facts}))


def _years(**values: object) -> list[dict[str, object]]:
    return [
        {"end": f"{y}-12-31", "result": "1", "to_owners": "0", **values} for y in (2014, 2015, 2016)
    ]


def _rule(tmp: Path, body: str, name: str = "r.toml") -> Path:
    return _write(tmp / name, RULE_HEAD + body)


CRIT = CRITERION


def _espd(tmp: Path, percent: str) -> Path:
    text = ESPD.read_text(encoding="utf-8")
    marker = "<cbc:ResponseNumeric"
    start = text.index(marker)
    end = text.index("</cbc:ResponseNumeric>", start)
    head = text[start : text.index(">", start) + 1]
    return _write(tmp / "e.xml", text[:start] + head + percent + text[end:])


def _notice_with_duration(tmp: Path, value: str) -> Path:
    text = (NOTICE / "cn_24_maximal.xml").read_text(encoding="utf-8")
    start = text.index("<cac:PlannedPeriod>") + len("<cac:PlannedPeriod>")
    end = text.index("</cac:PlannedPeriod>", start)
    measure = f'<cbc:DurationMeasure unitCode="MONTH">{value}</cbc:DurationMeasure>'
    return _write(tmp / "n.xml", text[:start] + measure + text[end:])


def _lou(tmp: Path, *files: Path) -> list[str]:
    return ["check", *map(str, files), "--rules", "lou-4-18", "--as-of", "2017-12-11"]


PROBES = [
    Probe("JSON not UTF-8", lambda t: _lou(t, _write(t / "d.json", b'{"supplier": "\xe4"}')), {2}, "encoding"),
    Probe("JSON nested 100,000 deep", lambda t: _lou(t, _write(t / "d.json", "[" * 100_000 + "]" * 100_000)), {2}, "too_deep"),
    Probe("JSON integer of 5,000 digits", lambda t: _lou(t, _write(t / "d.json", '{"supplier": "X", "workforce": {"employed": {"headcount": ' + "9" * 5000 + "}}}")), {2}, "number_too_large"),
    Probe("--as-of 0001-01-01", lambda t: ["check", str(DECL), "--rules", "lou-4-18", "--as-of", "0001-01-01"], {2}, "bad_option"),
    Probe("site uncertainty_m 1e308", lambda t: ["check", str(_decl(t, sites=[{"lat": 59.2, "lon": 17.8, "uncertainty_m": 1e308}])), "--rules", "botkyrka-2017", "--as-of", "2017-12-11"], {2}, "out_of_range"),
    Probe("profit 1e999999999 (3 years)", lambda t: ["check", str(_decl(t, financial_years=[{**y, "result": "1e999999999"} for y in _years()])), "--rules", "asf-tillvaxtverket", "--as-of", "2017-12-11"], {2}, "out_of_range"),
    Probe("to_owners 1e999999999", lambda t: ["check", str(_decl(t, financial_years=_years(to_owners="1e999999999"))), "--rules", "lou-19-25a", "--as-of", "2017-12-11"], {2}, "out_of_range"),
    Probe("profit 1e606054 (render)", lambda t: ["check", str(_decl(t, financial_years=[{**y, "result": "1e606054"} for y in _years()])), "--rules", "asf-tillvaxtverket", "--as-of", "2017-12-11"], {2}, "out_of_range"),
    Probe("salary 1e40 (ratio quantize)", lambda t: ["check", str(_decl(t, salaries={"lowest": "1", "highest": "1e40"})), "--rules", "asf-skoopi", "--as-of", "2017-12-11"], {2}, "out_of_range"),
    Probe("salary lowest 1e-999999999", lambda t: ["check", str(_decl(t, salaries={"lowest": "1e-999999999", "highest": "2"})), "--rules", "asf-skoopi", "--as-of", "2017-12-11"], {2}, "too_precise"),
    Probe("headcount 2012121212", lambda t: _lou(t, _decl(t, workforce={"employed": {"headcount": 2012121212}})), {2}, "out_of_range"),
    Probe("headcount 2**63 -> compare", lambda t: ["compare", str(_decl(t, workforce={"employed": {"headcount": 2**63}})), "--rules", "lou-4-18", "--as-of", "2017-12-11", "--set", "threshold=0.4"], {2}, "out_of_range"),
    Probe("compare --set threshold=NaN", lambda t: ["compare", str(DECL), "--rules", "lou-4-18", "--as-of", "2017-12-11", "--set", "threshold=NaN"], {2}, "bad_option"),
    Probe("compare --set threshold=1e30", lambda t: ["compare", str(DECL), "--rules", "lou-4-18", "--as-of", "2017-12-11", "--set", "threshold=1e30"], {2}, "bad_parameter"),
    Probe("compare --set threshold=<5,000 digits>", lambda t: ["compare", str(DECL), "--rules", "lou-4-18", "--as-of", "2017-12-11", "--set", "threshold=" + "9" * 5000], {2}, "bad_option"),
    Probe("compare --sweep step 1e-999999999", lambda t: ["compare", str(DECL), "--rules", "lou-4-18", "--as-of", "2017-12-11", "--sweep", "threshold=0.1:0.5:1e-999999999"], {2}, "bad_option"),
    Probe("batch --out into a missing folder", lambda t: ["batch", str(DECL), "--rules", "lou-4-18", "--as-of", "2017-12-11", "--out", str(t / "nodir" / "x.csv")], {2}, "unwritable"),
    Probe("import-espd --out into a missing folder", lambda t: ["import-espd", str(ESPD), "--out", str(t / "nodir" / "x.json")], {2}, "unwritable"),
    Probe("group file not UTF-8", lambda t: ["group", str(_write(t / "g.json", b'{"name": "\xff"}')), "--rules", "lou-4-18", "--as-of", "2017-12-11"], {2}, "encoding"),
    Probe("ESPD percentage NaN", lambda t: ["import-espd", str(_espd(t, "NaN"))], {0}, "espd.bad_percentage"),
    Probe("ESPD percentage sNaN", lambda t: ["import-espd", str(_espd(t, "sNaN"))], {0}, "espd.bad_percentage"),
    Probe("ESPD percentage 1E-999999999", lambda t: ["import-espd", str(_espd(t, "1E-999999999"))], {0}, "espd.bad_percentage"),
    Probe("ESPD unknown encoding", lambda t: ["import-espd", str(_write(t / "e.xml", '<?xml version="1.0" encoding="x-nope"?><a/>'))], {2}, "xml_encoding"),
    Probe("ESPD UTF-7 declared", lambda t: ["import-espd", str(_write(t / "e.xml", '<?xml version="1.0" encoding="UTF-7"?><a/>'))], {2}, "xml_encoding"),
    Probe("eForms duration inf", lambda t: ["read-notice", str(_notice_with_duration(t, "inf"))], {0}, "eforms.bad_duration"),
    Probe("eForms duration nan", lambda t: ["read-notice", str(_notice_with_duration(t, "nan"))], {0}, "eforms.bad_duration"),
    Probe("rule file not UTF-8", lambda t: ["rules", "validate", str(_write(t / "r.toml", b'id = "\xf6"\n'))], {2}, "encoding"),
    Probe("rule file nested 1,000 deep", lambda t: ["rules", "validate", str(_write(t / "r.toml", "x = " + "[" * 1000 + "]" * 1000 + "\n"))], {2}, "too_deep"),
    Probe("rule file 5,000-digit integer", lambda t: ["rules", "validate", str(_write(t / "r.toml", "x = " + "9" * 5000 + "\n"))], {2}, "number_too_large"),
    Probe("rule file: parameter NaN", lambda t: ["rules", "validate", str(_rule(t, "[parameters.p]\nvalues = [{ value = nan }]\n" + CRIT + 'check = { kind = "share_at_least", threshold = { param = "p" } }\n'))], {2}, "not_finite"),
    Probe("rule file: criteria = [\"a\", \"b\"] with extends", lambda t: ["rules", "validate", str(_rule(t, 'extends = "lou-4-18"\ncriteria = ["a", "b"]\n'))], {2}, "wrong_type"),
    Probe("rule file: remove_criteria = 5", lambda t: ["rules", "validate", str(_rule(t, 'extends = "lou-4-18"\nremove_criteria = 5\n'))], {2}, "wrong_type"),
    Probe("a valid child rule file beside a broken one", lambda t: (_write(t / "broken.toml", "x = " + "9" * 5000 + "\n"), ["rules", "validate", str(_rule(t, 'extends = "lou-4-18"\n'))])[1], {0}, None),
    Probe("--rules-dir holding one broken file", lambda t: (_write(t / "broken.toml", "x = " + "9" * 5000 + "\n"), ["rules", "list", "--rules-dir", str(t)])[1], {0}, "number_too_large"),
    Probe("rule file: in_zone file is binary, outside the folder", lambda t: (_write(t / "zone.bin", bytes(range(256))), (t / "sub").mkdir(), ["rules", "validate", str(_rule(t / "sub", CRIT + 'check = { kind = "in_zone", file = "../zone.bin" }\n'))])[2], {2}, "outside_folder"),
    Probe("rule file: in_zone file name with NUL", lambda t: ["rules", "validate", str(_rule(t, CRIT + 'check = { kind = "in_zone", file = "zo\\u0000ne.json" }\n'))], {2}, "bad_path"),
    Probe("rule file: max_age_months = 100000", lambda t: ["rules", "validate", str(_rule(t, CRIT + 'check = { kind = "not_older_than", months = 100000 }\n'))], {2}, "out_of_range"),
    Probe("CSV cell over 131,072 characters", lambda t: ["check", str(_write(t / "d.csv", "supplier,legal_form\n" + "A" * 140_000 + ",ab\nB,ab\n")), "--rules", "lou-4-18", "--as-of", "2017-12-11"], {2}, "too_long"),
    Probe("XLSX that is not a zip", lambda t: _lou(t, _write(t / "d.xlsx", b"not a zip at all")), {2}, "not_xlsx"),
    Probe("CSV header supplier.target_group.by_category", lambda t: _lou(t, _write(t / "d.csv", "supplier,supplier.target_group.by_category\nX,1\n")), {2}, "unknown_column"),
    Probe("CSV header owners[99999999].name", lambda t: _lou(t, _write(t / "d.csv", "supplier,owners[99999999].name\nX,Y\n")), {2}, "out_of_range"),
    Probe("CSV name with a form feed -> .xlsx", lambda t: ["batch", str(_write(t / "d.csv", "supplier\nA\fB\n")), "--rules", "lou-4-18", "--as-of", "2017-12-11", "--out", str(t / "r.xlsx")], {1}, None),
    Probe("found by the campaign: a rule set name too long for a file name", lambda t: ["check", str(DECL), "--rules", "botkyrka-2" + "9" * 5000, "--as-of", "2017-12-11"], {2}, "unknown_ruleset"),
    Probe("found by the campaign: a zone ring that is not closed", lambda t: (_write(t / "zone.geojson", '{"type": "Polygon", "coordinates": [[["NaN", 59.2], [17.9, 59.2], [17.9, 59.3], [17.8, 59.2]]]}'), ["rules", "validate", str(_rule(t, CRIT + 'check = { kind = "in_zone", file = "zone.geojson" }\n'))])[1], {2}, "invalid"),
    Probe("found on review: a declaration file name too long for the file system", lambda t: _lou(t, t / ("a" * 300 + ".json")), {2}, "unreadable"),
    Probe("found on review: an ESPD file that is a FIFO", lambda t: (os.mkfifo(t / "e.xml"), ["import-espd", str(t / "e.xml")])[1], {2}, "not_a_file"),
    Probe("template into a missing folder", lambda t: ["template", str(t / "nodir" / "mall.xlsx")], {2}, "unwritable"),
    Probe("a rule file whose zone file is a FIFO", lambda t: (os.mkfifo(t / "zone.json"), ["rules", "validate", str(_rule(t, CRIT + 'check = { kind = "in_zone", file = "zone.json" }\n'))])[1], {2}, "not_a_file"),
]


# The message after each probe's code, exactly, in Swedish (the default) and in English
# (RESERVERAT_LANG=en, which also sets --lang): file names vary, so only the message.
MESSAGES = {
    'JSON not UTF-8': ('inte UTF-8-text (byte 14: 0xe4); spara filen som UTF-8', 'not UTF-8 text (byte 14: 0xe4); save the file as UTF-8'),
    'JSON nested 100,000 deep': ('för djupt nästlad för att läsas', 'nested too deeply to read'),
    'JSON integer of 5,000 digits': ('ett heltal med 5000 siffror (högst 30)', 'an integer of 5000 digits (at most 30)'),
    '--as-of 0001-01-01': ('argument --as-of: 0001-01-01 ligger utanför 1900-01-01 till 2199-12-31', 'argument --as-of: 0001-01-01 is outside 1900-01-01 to 2199-12-31'),
    'site uncertainty_m 1e308': ('får vara högst 1\xa0000\xa0000 (angivet 1e+308)', 'Input should be less than or equal to 1000000 (got 1e+308)'),
    'profit 1e999999999 (3 years)': ("får ha högst 20 siffror (angivet '1e999999999')", "Decimal input should have no more than 20 digits in total (got '1e999999999')"),
    'to_owners 1e999999999': ("får ha högst 20 siffror (angivet '1e999999999')", "Decimal input should have no more than 20 digits in total (got '1e999999999')"),
    'profit 1e606054 (render)': ("får ha högst 20 siffror (angivet '1e606054')", "Decimal input should have no more than 20 digits in total (got '1e606054')"),
    'salary 1e40 (ratio quantize)': ("får vara högst 100\xa0000\xa0000 (angivet '1e40')", "Input should be less than or equal to 100000000 (got '1e40')"),
    'salary lowest 1e-999999999': ("får ha högst 4 decimaler (angivet '1e-999999999')", "Decimal input should have no more than 4 decimal places (got '1e-999999999')"),
    'headcount 2012121212': ("får vara högst 1\xa0000\xa0000 (angivet '******-****')", "Input should be less than or equal to 1000000 (got '******-****')"),
    'headcount 2**63 -> compare': ('får vara högst 1\xa0000\xa0000 (angivet 9223372036854775808)', 'Input should be less than or equal to 1000000 (got 9223372036854775808)'),
    'compare --set threshold=NaN': ("NaN är inget tal som JSON tillåter (angivet 'NaN')", "NaN is not a number JSON allows (got 'NaN')"),
    'compare --set threshold=1e30': ('en parameter ska ligga inom ±10^13 och ha högst 6 decimaler (angivet 1e+30)', 'a parameter must lie within ±10^13 and have at most 6 decimals (got 1e+30)'),
    'compare --set threshold=<5,000 digits>': ("ett heltal med 5000 siffror (högst 30) (angivet '9999999999999999999999999999999999999999')", 'an integer of 5000 digits (at most 30)'),
    'compare --sweep step 1e-999999999': ('FRÅN, TILL och STEG ska vara tal inom ±10^13 med högst 6 decimaler', 'FROM, TO and STEP must be numbers within ±10^13 with at most 6 decimals'),
    'batch --out into a missing folder': ('mappen finns inte:', 'no such folder:'),
    'import-espd --out into a missing folder': ('mappen finns inte:', 'no such folder:'),
    'group file not UTF-8': ('inte UTF-8-text (byte 10: 0xff); spara filen som UTF-8', 'not UTF-8 text (byte 10: 0xff); save the file as UTF-8'),
    'ESPD percentage NaN': ("procentsatsen är inget tal mellan 0 och 100 (angivet 'NaN')", "the percentage is not a number between 0 and 100 (got 'NaN')"),
    'ESPD percentage sNaN': ("procentsatsen är inget tal mellan 0 och 100 (angivet 'sNaN')", "the percentage is not a number between 0 and 100 (got 'sNaN')"),
    'ESPD percentage 1E-999999999': ("procentsatsen är inget tal mellan 0 och 100 (angivet '1E-999999999')", "the percentage is not a number between 0 and 100 (got '1E-999999999')"),
    'ESPD unknown encoding': ('den angivna teckenkodningen kan inte läsas (unknown encoding: x-nope); använd UTF-8', 'the declared encoding cannot be read (unknown encoding: x-nope); use UTF-8'),
    'ESPD UTF-7 declared': ('den angivna teckenkodningen kan inte läsas (multi-byte encodings are not supported); använd UTF-8', 'the declared encoding cannot be read (multi-byte encodings are not supported); use UTF-8'),
    'eForms duration inf': ("delområdets löptid 'inf' är ingen avtalstid i månader", "the lot's duration 'inf' is not a term in months"),
    'eForms duration nan': ("delområdets löptid 'nan' är ingen avtalstid i månader", "the lot's duration 'nan' is not a term in months"),
    'rule file not UTF-8': ('inte UTF-8-text (byte 6: 0xf6); spara filen som UTF-8', 'not UTF-8 text (byte 6: 0xf6); save the file as UTF-8'),
    'rule file nested 1,000 deep': ('för djupt nästlad för att läsas', 'nested too deeply to read'),
    'rule file 5,000-digit integer': ('ett heltal med fler än 30 siffror', 'an integer of more than 30 digits'),
    'rule file: parameter NaN': ('nan är inget tal som en regelfil får ha', 'nan is not a number a rule file may hold'),
    'rule file: criteria = ["a", "b"] with extends': ("ett kriterium är en tabell ([[criteria]] med id, title, citation, check) (angivet 'a')", "a criterion is a table ([[criteria]] with id, title, citation, check) (got 'a')"),
    'rule file: remove_criteria = 5': ('remove_criteria är en lista av kriteriers id (angivet 5)', 'remove_criteria is a list of criterion ids (got 5)'),
    '--rules-dir holding one broken file': ('ett heltal med fler än 30 siffror', 'an integer of more than 30 digits'),
    'rule file: in_zone file is binary, outside the folder': ("en zonfil ska ligga i regelfilens mapp eller under den, och inte bakom en symbolisk länk (angivet '../zone.bin')", "a zone file must lie in the rule file's folder or below it, and not behind a symbolic link (got '../zone.bin')"),
    'rule file: in_zone file name with NUL': ("en zonfil anges relativt till sin regelfil (angivet 'zo\\x00ne.json')", 'a zone file is named relative to its rule file'),
    'rule file: max_age_months = 100000': ('får vara högst 1\xa0200 (angivet 100000)', 'Input should be less than or equal to 1200 (got 100000)'),
    'CSV cell over 131,072 characters': ('en cell längre än 131\xa0072 tecken', 'a cell longer than 131,072 characters'),
    'XLSX that is not a zip': ('ingen Excel-arbetsbok (.xlsx): spara filen som Excel-arbetsbok', 'not an Excel workbook: File is not a zip file'),
    'CSV header supplier.target_group.by_category': ("okänd kolumn 'supplier.target_group.by_category'; menade du", "unknown column 'supplier.target_group.by_category'; did you mean"),
    'CSV header owners[99999999].name': ('listans poster numreras från 0 till 99', 'a list item is numbered from 0 to 99'),
    'found by the campaign: a rule set name too long for a file name': ("inget regelverk 'botkyrka-29999999999999", "no rule set 'botkyrka-2999"),
    'found by the campaign: a zone ring that is not closed': ('ingen giltig polygon:', 'not a valid polygon:'),
    'found on review: a declaration file name too long for the file system': ('filen kan inte läsas: namnet är för långt', 'File name too long'),
    'found on review: an ESPD file that is a FIFO': ('det är ingen vanlig fil', 'not a regular file'),
    'template into a missing folder': ('mappen finns inte:', 'no such folder:'),
    'a rule file whose zone file is a FIFO': ("det är ingen vanlig fil (angivet 'zone.json')", "not a regular file (got 'zone.json')"),
}


class _HangError(Exception):
    pass


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail a probe that runs for more than 10 seconds instead of hanging the suite."""

    def ring(signum: int, frame: FrameType | None) -> None:
        raise _HangError("still running after 10 s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("probe", PROBES, ids=[p.name for p in PROBES])
def test_reproducer(
    probe: Probe,
    lang: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    deadline: None,
) -> None:
    if lang == "en":
        monkeypatch.setenv("RESERVERAT_LANG", "en")
    else:
        monkeypatch.delenv("RESERVERAT_LANG", raising=False)
    argv = probe.make(tmp_path)
    start = time.monotonic()
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refuses a malformed option itself
        code = int(exc.code or 0)
    elapsed = time.monotonic() - start
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code in probe.exit, err
    if probe.code is not None:
        # check puts a row's errors in its report (printed once), the others on stderr.
        message = MESSAGES[probe.name][0 if lang == "sv" else 1]
        assert f"[{probe.code}] {message}" in out + err, err
    assert elapsed < 5, f"{probe.name} took {elapsed:.1f} s"
