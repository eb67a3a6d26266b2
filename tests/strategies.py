"""Hypothesis strategies for declarations (issue 6 will publish these as reserverat.testing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from stdnum import luhn

import reserverat as rr

FORMS = ("employed", "trainees", "work_training", "other")
AS_OF = date(2017, 12, 11)


@st.composite
def groups(draw: st.DrawFn, max_size: int = 40, known_target: bool = True) -> dict[str, Any]:
    """One occupation group with a headcount and (usually) a target-group count."""
    n = draw(st.integers(0, max_size))
    group: dict[str, Any] = {"headcount": n}
    if known_target or draw(st.booleans()):
        group["target_group"] = {"headcount": draw(st.integers(0, n))}
    return group


@st.composite
def workforces(draw: st.DrawFn, known_target: bool = True) -> dict[str, Any]:
    """A workforce with every form of occupation stated."""
    return {
        "reference_date": AS_OF,
        **{form: draw(groups(known_target=known_target)) for form in FORMS},
    }


@st.composite
def declarations(draw: st.DrawFn, known_target: bool = True) -> rr.Declaration:
    """A valid declaration with a full workforce and random other facts."""
    return rr.Declaration(
        supplier=draw(st.text(min_size=1, max_size=30).filter(str.strip)),
        scope=draw(st.sampled_from(["legal_person", "unit", None])),
        purpose={"integration_main_aim": draw(st.sampled_from([True, False, None]))},
        declared_on=draw(st.dates(date(2015, 1, 1), date(2018, 6, 1))),
        workforce=draw(workforces(known_target=known_target)),
        owners=draw(
            st.sampled_from(
                [None, [], [{"name": "Kommunen", "kind": "municipality", "capital_share": "0.01"}]]
            )
        ),
        financial_years=draw(
            st.sampled_from(
                [
                    None,
                    [{"end": date(2016, 12, 31), "result": Decimal(100), "to_owners": Decimal(10)}],
                ]
            )
        ),
    )


@st.composite
def personnummer(draw: st.DrawFn) -> str:
    """A Luhn-valid personnummer (YYMMDD-NNNC) with a real birth date."""
    born = draw(st.dates(date(1930, 1, 1), date(2005, 12, 31)))
    serial = draw(st.integers(0, 999))
    base = f"{born:%y%m%d}{serial:03d}"
    return f"{base[:6]}-{base[6:]}{luhn.calc_check_digit(base)}"


def one_criterion(check: Any, criterion_id: str = "c") -> rr.RuleSet:
    """A rule set with a single criterion around ``check``, for testing one check."""
    crit = rr.criterion(
        criterion_id, check, title={"sv": "c", "en": "c"}, citation={"instrument": "X"}
    )
    return rr.RuleSet(
        id="t",
        version="1",
        title={"sv": "t", "en": "t"},
        legal_basis=[{"instrument": "X"}],
        criteria=[crit],
    )


TRI = st.sampled_from([True, False, None])


@st.composite
def _maybe_group(draw: st.DrawFn) -> dict[str, Any] | None:
    if draw(st.integers(0, 9)) == 0:
        return None
    n = draw(st.integers(0, 12))
    group: dict[str, Any] = {"headcount": n}
    if draw(st.integers(0, 4)):
        group["target_group"] = {"headcount": draw(st.integers(0, n))}
    return group


@st.composite
def varied(draw: st.DrawFn) -> rr.Declaration:
    """Declarations touching every check kind, with facts often missing."""
    wf: dict[str, Any] | None = None
    shape = draw(st.integers(0, 5))
    if shape == 1:
        wf = {"declared_share": draw(st.sampled_from(["0.1", "0.3", "0.5"]))}
    elif shape > 1:
        wf = {"reference_date": draw(st.sampled_from([date(2023, 12, 1), date(2021, 1, 1), None]))}
        wf |= {
            f: g
            for f in ("employed", "trainees", "work_training", "other")
            if (g := draw(_maybe_group())) is not None
        }
    site = draw(
        st.sampled_from(
            [
                None,
                [],
                [{"lat": 59.2436, "lon": 17.8256}],
                [{"postal_code": "145 63"}],
                [{"locality": "Alby"}],
                [{"lat": 59.09, "lon": 17.57}],
                [{"lat": 59.2436, "lon": 17.8256}, {"lat": 59.76, "lon": 18.7}],
            ]
        )
    )
    owners = draw(
        st.sampled_from(
            [
                None,
                [],
                [{"name": "Botkyrka kommun", "vote_share": "0.01"}],
                [{"name": "Anna Svensson", "kind": "person", "vote_share": "1"}],
            ]
        )
    )
    years = draw(
        st.sampled_from(
            [
                None,
                [
                    {
                        "end": date(2023, 12, 31),
                        "result": "100",
                        "to_owners": "10",
                        "to_ideburna": "0",
                        "to_research": "0",
                    }
                ],
            ]
        )
    )
    return rr.Declaration(
        supplier="X",
        legal_form=draw(
            st.sampled_from([None, "aktiebolag", "stiftelse", "enskild_firma", "ideell_forening"])
        ),
        scope=draw(st.sampled_from(["legal_person", "unit", None])),
        purpose={
            "integration_main_aim": draw(TRI),
            "sheltered_workshop": draw(TRI),
            "public_benefit": draw(TRI),
            "contributes_to_service": draw(TRI),
            "public_service_mission": draw(TRI),
        },
        declared_on=draw(st.sampled_from([date(2024, 1, 1), date(2022, 1, 1), None])),
        workforce=wf,
        sites=site,
        owners=owners,
        financial_years=years,
        participation={"mechanism": draw(st.sampled_from(["ownership", "none", None]))},
        business={"sells_goods_or_services": draw(TRI)},
        salaries=draw(st.sampled_from([None, {"lowest": 20000, "highest": 60000}])),
        statutes={"exclusively_public_benefit": draw(TRI), "dissolution_clause": draw(TRI)},
        welfare={"publicly_funded": draw(st.sampled_from(["runs", "no", None]))},
        iop={
            "initiative_from_organisation": draw(TRI),
            "organisation_share": draw(st.sampled_from([None, "0.05", "0.3"])),
            "market_exists": draw(TRI),
            "term_years": draw(st.sampled_from([None, 1, 3])),
        },
        prior_awards=draw(st.sampled_from([None, []])),
    )
