"""OCDS 1.1 packages: read against the standard's own examples and a Swedish reserved
procurement, written back as a lot's reservation fragment, and refused with located codes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import reserverat as rr
from reserverat.cli import main
from reserverat.errors import DocumentError
from reserverat.ocds import ocds_lot, prior_awards, read_ocds

DATA = Path(__file__).parent / "data" / "ocds"
SWEDISH = Path(__file__).parent.parent / "examples" / "ocds" / "reserverad-upphandling.json"


def test_the_standards_release_package() -> None:
    [process] = read_ocds(DATA / "award.json")
    assert process.ocid == "ocds-213czf-000-00001"
    assert process.procurement.model_dump(exclude_none=True) == {
        "authority": "London Borough of Barnet",
        "reference": "ocds-213czf-000-00001-01-tender",
        "title": "Planned cycle lane improvements",
        "submission_date": date(2011, 4, 1),
        "started_on": date(2010, 3, 1),
        "main_cpv": "45233130",
    }
    [award] = process.awards
    assert (award.supplier_id, award.supplier_name, award.awarded_on, award.reserved) == (
        "GB-COH-00395826",
        "Balfour Beatty",
        date(2010, 5, 10),
        None,
    )


def test_the_standards_record_package_uses_the_compiled_release() -> None:
    [process] = read_ocds(DATA / "example03-record.json")
    assert process.procurement.authority == "Zambia Telecommunications Company Limited"
    assert [a.supplier_name for a in process.awards] == ["Joziel General Dealers Ltd"]


def test_a_reserved_lot_becomes_a_procurement() -> None:
    [process] = read_ocds(SWEDISH, ocid="ocds-exempel-2024-0031", lot="1")
    assert process.lots == ("1", "2")
    assert process.warnings == ()
    p = process.procurement
    assert (p.lot, p.title, p.main_cpv, p.duration_months) == (
        "1",
        "Daglig verksamhet",
        "85312000",
        24,
    )
    assert (p.reservation, p.reserved_participation, p.reserved_execution) == (
        "res-pub-ser",
        ("res-pub-ser",),
        "no",
    )
    assert (p.submission_date, p.started_on) == (date(2024, 3, 15), date(2024, 2, 1))
    [whole] = read_ocds(SWEDISH, ocid="ocds-exempel-2024-0031")
    assert whole.procurement.reservation is None
    assert [w.code for w in whole.warnings] == ["lot_not_chosen"]


def test_earlier_awards_decide_the_three_year_test() -> None:
    processes = read_ocds(SWEDISH)
    awards = prior_awards(processes, supplier_id="SE-ORG-769600-0137")
    assert awards == [
        rr.declaration.PriorAward(
            authority="Exempelby kommun",
            cpv="85312000",
            awarded_on=date(2022, 6, 1),
            basis="lou-19-25",
        )
    ]
    [now] = read_ocds(SWEDISH, ocid="ocds-exempel-2024-0031", lot="1")
    rules = rr.load_ruleset("lou-19-25", as_of=date(2024, 2, 1))
    base = rr.parse_declaration({"supplier": "Kooperativet Vardag ekonomisk förening"})
    with_awards = base.model_copy(update={"prior_awards": tuple(awards)})
    result = rr.evaluate(with_awards, rules, procurement=now.procurement)
    finding = result.finding("no-recent-award")
    assert finding.verdict is rr.Verdict.NOT_MET
    assert finding.explanation.reason.code == "awards.clash"
    assert (
        rr.evaluate(base, rules, procurement=now.procurement).finding("no-recent-award").verdict
        is rr.Verdict.UNDECIDED
    )


@pytest.mark.parametrize(
    ("ruleset_id", "fragment"),
    [
        (
            "lou-4-18",
            {"id": "7", "otherRequirements": {"reservedParticipation": ["shelteredWorkshop"]}},
        ),
        (
            "lou-19-25",
            {"id": "7", "otherRequirements": {"reservedParticipation": ["publicService"]}},
        ),
        ("lou-4-18-program", {"id": "7", "contractTerms": {"reservedExecution": True}}),
        ("lou-19-25a", {"id": "7"}),
    ],
)
def test_the_fragment_round_trips(ruleset_id: str, fragment: dict[str, Any]) -> None:
    rules = rr.load_ruleset(ruleset_id)
    lot, warnings = ocds_lot(rules, "7")
    assert lot == fragment
    assert [w.code for w in warnings] == ([] if rules.reservation_codes else ["no_code"])
    package = {
        "version": "1.1",
        "releases": [
            {
                "ocid": "ocds-x-1",
                "id": "1",
                "date": "2024-01-01T00:00:00Z",
                "buyer": {"name": "Exempelby kommun"},
                "tender": {"id": "T", "lots": [lot]},
            }
        ],
    }
    [process] = read_ocds(package, lot="7")
    codes = rules.reservation_codes or ()
    want = {"res-ws": "res-ws", "res-pub-ser": "res-pub-ser", "bt-736:yes": "res-prog"}
    assert process.procurement.reservation == (want[codes[0]] if codes else None)
    if "bt-736:yes" in codes:
        assert process.procurement.reserved_execution == "yes"
    with pytest.raises(rr.RuleSetError) as info:
        ocds_lot(rr.load_ruleset("asf-tillvaxtverket"))
    assert info.value.problems[0].code == "not_a_reservation"


@pytest.mark.parametrize(
    ("package", "kwargs", "code", "loc"),
    [
        ([], {}, "not_ocds", ""),
        ({"releases": "x"}, {}, "not_ocds", ""),
        ({"version": "1.0", "releases": []}, {}, "ocds_version", "version"),
        ({"releases": []}, {}, "ocds_version", "version"),
        ({"version": "1.1", "releases": [{"id": "1"}]}, {}, "not_ocds", "releases[0]"),
        ({"version": "1.1", "records": [5]}, {}, "not_ocds", "records[0]"),
        ({"version": "1.1", "releases": []}, {"ocid": "ocds-x"}, "unknown_process", "ocid"),
        (
            {"version": "1.1", "releases": [{"ocid": "o", "tender": {"lots": [{"id": "1"}]}}]},
            {"lot": "2"},
            "unknown_lot",
            "o.tender.lots",
        ),
    ],
)
def test_bad_packages_are_located_errors(
    package: Any, kwargs: dict[str, str], code: str, loc: str
) -> None:
    with pytest.raises(DocumentError) as info:
        read_ocds(package, **kwargs)
    problem = info.value.problems[0]
    assert (problem.code, problem.loc) == (code, loc)
    assert problem.msg_sv


def test_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read-ocds", str(SWEDISH), "--ocid", "ocds-exempel-2024-0031", "--lot", "2"]) == 0
    [out] = json.loads(capsys.readouterr().out)
    assert out["procurement"]["reservation"] == "res-ws"
    assert main(["read-ocds", str(SWEDISH), "--supplier", "SE-ORG-769600-0137"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["basis"] == "lou-19-25"
    assert main(["notice-codes", "lou-4-18", "--ocds", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["otherRequirements"] == {
        "reservedParticipation": ["shelteredWorkshop"]
    }
    assert main(["read-ocds", str(DATA / "award.json"), "--lot", "9"]) == 2
    assert "[unknown_lot]" in capsys.readouterr().err
