"""Properties of the bed-day engine on generated claim files (hypothesis, small sizes).

The SQL pipeline (programs.wqip.services.bed_days_sql) is compared day by day with the plain
Python reference in programs.wqip.engine.bed_days (one entry per day), and checked for the
contract's invariants."""

from __future__ import annotations

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.models import Facility, FacilityType
from programs.wqip.engine.bed_days import (
    BED_DAY_CODES,
    OUTCOMES,
    ClaimVersion,
    Line,
    compute_days,
    effective_claim_ids,
)
from programs.wqip.models import BedDaySummary
from tests.factories import FacilityFactory
from tests.programs.wqip.claims_helpers import (
    claims_csv,
    member_days,
)

YEAR = 2024
MEMBERS = ("M1", "M2", "M3")
WINDOW_START = datetime.date(2023, 12, 24)  # stays around both ends of the program year
DATES = st.one_of(
    st.integers(0, 20).map(lambda d: WINDOW_START + datetime.timedelta(days=d)),
    st.integers(0, 14).map(lambda d: datetime.date(2024, 12, 22) + datetime.timedelta(days=d)),
)
HYPOTHESIS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def lines_of_claim(draw, claim_id: str, facilities: list[str]):
    count = draw(st.integers(1, 3))
    rows = []
    for line_no in range(1, count + 1):
        start = draw(DATES)
        length = draw(st.integers(0, 12))
        through = start + datetime.timedelta(days=length)
        admission = start - datetime.timedelta(days=draw(st.sampled_from([0, 0, 3])))
        clean = draw(st.booleans())  # half the lines pass every line rule
        discharge = draw(
            st.sampled_from(
                [
                    None,
                    through,
                    admission,
                    admission,
                    start + datetime.timedelta(days=length // 2),
                    through + datetime.timedelta(days=2),
                ]
            )
        )
        rows.append(
            {
                "claim_id": claim_id,
                "line_no": str(line_no),
                "member_id": draw(st.sampled_from(MEMBERS)),
                "facility_npi": draw(st.sampled_from(facilities)),
                "admission_date": admission.isoformat(),
                "from_date": start.isoformat(),
                "through_date": through.isoformat(),
                "discharge_date": discharge.isoformat() if discharge else "",
                "revenue_code": draw(
                    st.sampled_from(["0101", "101", "0190", "0101", "0180", "185", "0250"])
                ),
                "primary_payer": "MEDI_CAL"
                if clean
                else draw(st.sampled_from(["MEDI_CAL", "MEDICARE", "OTHER"])),
                "coverage": "MCP" if clean else draw(st.sampled_from(["MCP", "FFS"])),
                "hospice": "N" if clean else draw(st.sampled_from(["N", "Y"])),
                "network_status": "IN" if clean else draw(st.sampled_from(["IN", "OUT"])),
                "claim_status": "PAID"
                if clean
                else draw(st.sampled_from(["PAID", "DENIED", "PENDING"])),
            }
        )
    return rows


@st.composite
def claim_files(draw, facilities: list[str]):
    """Families with replacements, forks, chains and voids; claim ids of varying length."""
    count = draw(st.integers(1, 8))
    numbers = draw(st.lists(st.integers(1, 120), min_size=count, max_size=count, unique=True))
    claim_ids = [f"K{n}" for n in numbers]
    rows = []
    for index, claim_id in enumerate(claim_ids):
        earlier = claim_ids[:index]
        code = draw(st.sampled_from(["1", "1", "7", "8"])) if earlier else "1"
        original = draw(st.sampled_from(earlier)) if code != "1" else ""
        claim = {
            "frequency_code": code,
            "original_claim_id": original,
            "adjudicated_date": (
                datetime.date(2024, 6, 1) + datetime.timedelta(days=draw(st.integers(0, 1)))
            ).isoformat(),
            "received_date": (
                datetime.date(2024, 5, 1) + datetime.timedelta(days=draw(st.integers(0, 400)))
            ).isoformat(),
        }
        rows += [{**line, **claim} for line in draw(lines_of_claim(claim_id, facilities))]
    return rows


def reference(rows, eligible):
    claims = {
        r["claim_id"]: ClaimVersion(
            r["claim_id"],
            r["frequency_code"],
            r["original_claim_id"],
            datetime.date.fromisoformat(r["adjudicated_date"]),
            datetime.date.fromisoformat(r["received_date"]),
        )
        for r in rows
    }
    lines = [
        Line(
            r["claim_id"],
            int(r["line_no"]),
            r["member_id"],
            r["facility_npi"],
            datetime.date.fromisoformat(r["admission_date"]),
            datetime.date.fromisoformat(r["from_date"]),
            datetime.date.fromisoformat(r["through_date"]),
            datetime.date.fromisoformat(r["discharge_date"]) if r["discharge_date"] else None,
            r["revenue_code"].zfill(4),
            r["primary_payer"],
            r["coverage"],
            r["hospice"],
            r["network_status"],
            r["claim_status"],
        )
        for r in rows
    ]
    return claims, lines, compute_days(claims.values(), lines, eligible_npis=eligible, year=YEAR)


def run_sql(tmp_path, rows):
    path = tmp_path / "claims.csv"
    path.write_text(claims_csv(rows), encoding="utf-8")
    call_command("import_claims", str(path), stdout=io.StringIO())
    call_command("compute_bed_days", "--program-year", str(YEAR), stdout=io.StringIO())
    summaries = {
        s.facility.npi: (s.qualifying_days, s.excluded_days, s.latest_qualifying_received_on)
        for s in BedDaySummary.objects.filter(program_year=YEAR).select_related("facility")
    }
    return member_days(YEAR), summaries


def in_savepoint(function):
    with transaction.atomic():
        result = function()
        transaction.set_rollback(True)
    return result


@pytest.fixture
def registry(db):
    FacilityFactory.create()
    FacilityFactory.create()
    FacilityFactory.create(facility_type=FacilityType.ICF_DD)
    facilities = list(Facility.objects.order_by("npi"))
    eligible = {f.npi for f in facilities if f.is_wqip_eligible}
    return [f.npi for f in facilities], eligible


@pytest.mark.django_db
@settings(HYPOTHESIS, max_examples=40)
@given(data=st.data())
def test_given_any_claims_when_computed_then_sql_matches_reference_day_by_day(
    tmp_path_factory, registry, data
):
    # given
    npis, eligible = registry
    rows = data.draw(claim_files(npis))
    claims, lines, expected = reference(rows, eligible)
    # when
    days, summaries = in_savepoint(lambda: run_sql(tmp_path_factory.mktemp("p"), rows))
    # then
    assert days == {(m, n, d.isoformat()): OUTCOMES[o] for (m, n, d), o in expected.items()}
    effective = effective_claim_ids(claims.values())
    for npi in npis:
        qualifying_claims = {
            line.claim_id
            for line in lines
            if line.claim_id in effective
            and line.revenue_code in BED_DAY_CODES  # contract §4: a bed-day line
            and line.facility_npi == npi
            and any(expected.get((line.member_id, npi, day)) == 0 for day in _days(line))
            and _qualifies_on_its_own(line, npi in eligible)
        }
        latest = max((claims[c].received_date for c in qualifying_claims), default=None)
        assert summaries[npi][2] == latest


def _days(line):
    day = line.from_date
    while day <= line.through_date:
        yield day
        day += datetime.timedelta(days=1)


def _qualifies_on_its_own(line, eligible):
    from programs.wqip.engine.bed_days import line_days

    return any(
        day.year == YEAR and outcome == 0
        for day, outcome in line_days(line, facility_eligible=eligible, count_leave_days=False)
    )


@pytest.mark.django_db
@HYPOTHESIS
@given(data=st.data())
def test_given_any_claims_when_computed_then_days_equal_distinct_member_facility_days(
    tmp_path_factory, registry, data
):
    # given
    npis, eligible = registry
    rows = data.draw(claim_files(npis))
    claims, lines, _ = reference(rows, eligible)
    effective = effective_claim_ids(claims.values())
    distinct_days = {
        (line.member_id, line.facility_npi, day)
        for line in lines
        if line.claim_id in effective and line.revenue_code in BED_DAY_CODES
        for day in _days(line)
        if day.year == YEAR
        and not (line.discharge_date and line.from_date <= line.discharge_date < day)
    }
    # when
    _, summaries = in_savepoint(lambda: run_sql(tmp_path_factory.mktemp("p"), rows))
    # then
    assert sum(q + x for q, x, _ in summaries.values()) == len(distinct_days)


@pytest.mark.django_db
@HYPOTHESIS
@given(data=st.data())
def test_given_any_claims_when_rows_shuffled_then_same_result(tmp_path_factory, registry, data):
    # given
    npis, _ = registry
    rows = data.draw(claim_files(npis))
    shuffled = list(rows)
    random.Random(data.draw(st.integers(0, 10**6))).shuffle(shuffled)
    # when
    first = in_savepoint(lambda: run_sql(tmp_path_factory.mktemp("a"), rows))
    second = in_savepoint(lambda: run_sql(tmp_path_factory.mktemp("b"), shuffled))
    # then
    assert first == second


@pytest.mark.django_db
@HYPOTHESIS
@given(data=st.data())
def test_given_any_claims_when_family_member_voided_then_days_never_increase(
    tmp_path_factory, registry, data
):
    # given
    npis, _ = registry
    rows = data.draw(claim_files(npis))
    target = data.draw(st.sampled_from(sorted({r["claim_id"] for r in rows})))
    void = {
        **rows[0],
        "claim_id": "V1",
        "line_no": "1",
        "frequency_code": "8",
        "original_claim_id": target,
        "adjudicated_date": data.draw(st.sampled_from(["2024-06-01", "2024-06-03", "2024-07-01"])),
    }
    # when
    before_days, before = in_savepoint(lambda: run_sql(tmp_path_factory.mktemp("a"), rows))
    after_days, after = in_savepoint(lambda: run_sql(tmp_path_factory.mktemp("b"), [*rows, void]))
    # then
    for npi in npis:
        assert after[npi][0] <= before[npi][0]
        assert after[npi][0] + after[npi][1] <= before[npi][0] + before[npi][1]
    assert set(after_days) <= set(before_days)
