"""The bed-day rules of contract §2 on small, hand-checked claim sets (SQL pipeline)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from portal.models import FacilityType
from programs.wqip.models import (
    BedDayComputation,
    BedDayLineRange,
    BedDayMemberRange,
    BedDayMonth,
    BedDaySummary,
)
from tests.factories import FacilityFactory
from tests.programs.wqip.claims_helpers import (
    days_by_reason,
    import_and_compute,
    member_days,
)


@pytest.fixture
def npi(db):
    return FacilityFactory.create().npi


@pytest.fixture
def ineligible_npi(db):
    return FacilityFactory.create(facility_type=FacilityType.NF_DISTINCT_PART).npi


def stay(npi, claim_id="K1", **values):
    return {"facility_npi": npi, "claim_id": claim_id, **values}


# --- §2.1 claim versions -----------------------------------------------------------------------


@pytest.mark.django_db
def test_given_fork_when_computed_then_later_adjudicated_wins_and_losing_branch_dropped(
    tmp_path, npi
):
    # given: K2 (1 Aug) beats K3 (22 Jul); K4 replaces the loser K3 and is adjudicated last
    rows = [
        stay(npi, "K1", through_date="2024-03-30"),
        stay(
            npi,
            "K2",
            frequency_code="7",
            original_claim_id="K1",
            adjudicated_date="2024-08-01",
            through_date="2024-03-10",
        ),
        stay(
            npi,
            "K3",
            frequency_code="7",
            original_claim_id="K1",
            adjudicated_date="2024-07-22",
            through_date="2024-03-20",
        ),
        stay(
            npi,
            "K4",
            frequency_code="7",
            original_claim_id="K3",
            adjudicated_date="2024-09-03",
            through_date="2024-03-31",
        ),
    ]
    # when
    import_and_compute(tmp_path, rows)
    # then
    assert days_by_reason(npi) == {"qualifying": 10}


@pytest.mark.django_db
def test_given_fork_with_equal_dates_when_computed_then_greater_claim_id_as_text_wins(
    tmp_path, npi
):
    # given: "K9" > "K10" as text although 9 < 10
    rows = [
        stay(npi, "K1", through_date="2024-03-30"),
        stay(npi, "K9", frequency_code="7", original_claim_id="K1", through_date="2024-03-09"),
        stay(npi, "K10", frequency_code="7", original_claim_id="K1", through_date="2024-03-20"),
    ]
    import_and_compute(tmp_path, rows)
    assert days_by_reason(npi) == {"qualifying": 9}


@pytest.mark.django_db
def test_given_chain_of_replacements_when_computed_then_last_one_effective(tmp_path, npi):
    rows = [
        stay(npi, "K1", through_date="2024-03-31"),
        stay(npi, "K2", frequency_code="7", original_claim_id="K1", through_date="2024-03-20"),
        stay(
            npi,
            "K3",
            frequency_code="7",
            original_claim_id="K2",
            through_date="2024-03-25",
            claim_status="DENIED",
        ),
    ]
    import_and_compute(tmp_path, rows)
    assert days_by_reason(npi) == {"not_paid": 25}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("family", "expected"),
    [
        ([("K2", "8", "K1")], {}),  # void of the original
        ([("K2", "7", "K1"), ("K3", "8", "K2")], {}),  # void of a replacement
        ([("K2", "8", "K1"), ("K3", "7", "K2")], {"qualifying": 10}),  # the void replaced
        ([("K2", "7", "K1"), ("K3", "8", "K1")], {}),  # void wins the fork (later date)
    ],
)
def test_given_void_when_computed_then_family_contributes_by_its_effective_version(
    tmp_path, npi, family, expected
):
    rows = [stay(npi, "K1", adjudicated_date="2024-04-01")]
    for number, (claim_id, code, original) in enumerate(family, start=2):
        rows.append(
            stay(
                npi,
                claim_id,
                frequency_code=code,
                original_claim_id=original,
                adjudicated_date=f"2024-04-{number:02d}",
            )
        )
    import_and_compute(tmp_path, rows)
    assert days_by_reason(npi) == expected


@pytest.mark.django_db
def test_given_replacement_imported_later_when_recomputed_then_replaced_days_gone(tmp_path, npi):
    # given
    import_and_compute(tmp_path, [stay(npi, "K1", claim_status="DENIED")])
    # when
    import_and_compute(tmp_path, [stay(npi, "K2", frequency_code="7", original_claim_id="K1")])
    # then
    assert days_by_reason(npi) == {"qualifying": 10}


# --- §2.2, §2.3 lines and their days -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"discharge_date": "2024-03-10"}, {"qualifying": 9, "discharge_day": 1}),
        ({"discharge_date": "2024-03-05"}, {"qualifying": 4, "discharge_day": 1}),
        ({"discharge_date": "2024-03-11"}, {"qualifying": 10}),  # outside: not shortened
        ({"discharge_date": "2024-02-20"}, {"qualifying": 10}),  # before the range: same
        ({"discharge_date": "2024-03-01"}, {"qualifying": 1}),  # same-day stay
        (
            {"admission_date": "2024-02-01", "discharge_date": "2024-03-01"},
            {"discharge_day": 1},
        ),
        ({"revenue_code": "250"}, {}),  # not a bed-day line
        ({"revenue_code": "190"}, {"qualifying": 10}),
        ({"revenue_code": "180"}, {"leave_day": 10}),
        ({"revenue_code": "0185", "discharge_date": "2024-03-10"}, {"leave_day": 10}),
    ],
)
def test_given_one_line_when_computed_then_days_and_reasons(tmp_path, npi, values, expected):
    import_and_compute(tmp_path, [stay(npi, **values)])
    assert days_by_reason(npi) == expected


@pytest.mark.django_db
@override_settings(WQIP_COUNT_LEAVE_DAYS=True)
def test_given_leave_days_counted_when_computed_then_leave_line_qualifies(tmp_path, npi):
    rows = [stay(npi, revenue_code="0180", discharge_date="2024-03-10")]
    import_and_compute(tmp_path, rows)
    assert days_by_reason(npi) == {"qualifying": 9, "discharge_day": 1}
    assert BedDayComputation.objects.get().count_leave_days is True


# --- §2.4 line reasons ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"claim_status": "DENIED", "primary_payer": "MEDICARE"}, "not_paid"),
        ({"claim_status": "PENDING"}, "not_paid"),
        ({"revenue_code": "0180", "primary_payer": "OTHER"}, "leave_day"),
        ({"primary_payer": "MEDICARE", "coverage": "FFS"}, "medi_cal_not_primary"),
        ({"coverage": "FFS", "hospice": "Y"}, "fee_for_service"),
        ({"hospice": "Y", "network_status": "OUT"}, "hospice"),
        ({"network_status": "OUT"}, "out_of_network"),
    ],
)
def test_given_line_failing_several_rules_when_computed_then_first_reason(
    tmp_path, npi, values, expected
):
    import_and_compute(tmp_path, [stay(npi, discharge_date="2024-03-10", **values)])
    assert days_by_reason(npi) == {expected: 10}


@pytest.mark.django_db
def test_given_ineligible_facility_when_computed_then_every_day_facility_ineligible(
    tmp_path, ineligible_npi
):
    rows = [stay(ineligible_npi, claim_status="DENIED", discharge_date="2024-03-10")]
    import_and_compute(tmp_path, rows)
    assert days_by_reason(ineligible_npi) == {"facility_ineligible": 10}


# --- §2.5 one member, one facility, one day -------------------------------------------------------


@pytest.mark.django_db
def test_given_overlapping_lines_when_computed_then_best_outcome_per_day(tmp_path, npi):
    # given: paid 1-10, denied 8-15, Medicare 14-20 (discharged 20)
    rows = [
        stay(npi, "K1"),
        stay(npi, "K2", from_date="2024-03-08", through_date="2024-03-15", claim_status="DENIED"),
        stay(
            npi,
            "K3",
            from_date="2024-03-14",
            through_date="2024-03-20",
            discharge_date="2024-03-20",
            primary_payer="MEDICARE",
        ),
    ]
    import_and_compute(tmp_path, rows)
    assert days_by_reason(npi) == {"qualifying": 10, "not_paid": 5, "medi_cal_not_primary": 5}


@pytest.mark.django_db
def test_given_discharge_day_qualifying_on_other_line_when_computed_then_qualifies(tmp_path, npi):
    rows = [
        stay(npi, "K1", through_date="2024-03-05", discharge_date="2024-03-05"),
        stay(
            npi,
            "K2",
            admission_date="2024-03-05",
            from_date="2024-03-05",
            through_date="2024-03-08",
            discharge_date="2024-03-08",
        ),
    ]
    import_and_compute(tmp_path, rows)
    assert days_by_reason(npi) == {"qualifying": 7, "discharge_day": 1}


@pytest.mark.django_db
def test_given_discharge_day_and_denied_line_same_day_when_computed_then_not_paid(tmp_path, npi):
    rows = [
        stay(npi, "K1", through_date="2024-03-05", discharge_date="2024-03-05"),
        stay(npi, "K2", from_date="2024-03-05", through_date="2024-03-05", claim_status="DENIED"),
    ]
    import_and_compute(tmp_path, rows)
    assert days_by_reason(npi) == {"qualifying": 4, "not_paid": 1}


@pytest.mark.django_db
def test_given_same_member_at_two_facilities_when_computed_then_counted_per_facility(tmp_path, npi):
    other = FacilityFactory.create().npi
    rows = [stay(npi, "K1"), stay(other, "K2")]
    import_and_compute(tmp_path, rows)
    assert days_by_reason(npi) == days_by_reason(other) == {"qualifying": 10}


@pytest.mark.django_db
def test_given_two_members_same_days_when_computed_then_both_count(tmp_path, npi):
    rows = [stay(npi, "K1"), stay(npi, "K2", member_id="M2")]
    import_and_compute(tmp_path, rows)
    assert days_by_reason(npi) == {"qualifying": 20}


@pytest.mark.django_db
def test_given_stay_across_new_year_when_computed_then_days_split_by_year(tmp_path, npi):
    rows = [
        stay(
            npi,
            admission_date="2023-12-20",
            from_date="2023-12-20",
            through_date="2024-01-10",
            discharge_date="2024-01-10",
        )
    ]
    import_and_compute(tmp_path, rows, year=2023)
    import_and_compute(tmp_path, rows, year=2024)
    assert days_by_reason(npi, 2023) == {"qualifying": 12}
    assert days_by_reason(npi, 2024) == {"qualifying": 9, "discharge_day": 1}


# --- stored result -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_given_facility_without_claims_when_computed_then_zero_summary(tmp_path, npi):
    quiet = FacilityFactory.create()
    import_and_compute(tmp_path, [stay(npi)])
    summary = BedDaySummary.objects.get(facility=quiet, program_year=2024)
    assert (summary.qualifying_days, summary.excluded_days) == (0, 0)
    assert summary.latest_qualifying_received_on is None


@pytest.mark.django_db
def test_given_days_billed_twice_when_computed_then_both_lines_are_provenance(tmp_path, npi):
    rows = [stay(npi, "K1"), stay(npi, "K2", received_date="2025-06-20")]
    import_and_compute(tmp_path, rows)
    ranges = BedDayLineRange.objects.order_by("claim_line__claim__claim_id")
    assert [(r.claim_line.claim.claim_id, r.first_day.day, r.last_day.day) for r in ranges] == [
        ("K1", 1, 10),
        ("K2", 1, 10),
    ]
    assert days_by_reason(npi) == {"qualifying": 10}
    summary = BedDaySummary.objects.get(facility__npi=npi)
    assert summary.latest_qualifying_received_on == datetime.date(2025, 6, 20)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "late_claim",
    [
        {"claim_status": "DENIED"},
        {"from_date": "2025-01-01", "through_date": "2025-01-05"},  # other year only
        {"frequency_code": "8", "original_claim_id": "K1"},  # void of K1...
        {
            "from_date": "2024-03-10",
            "through_date": "2024-03-10",
            "discharge_date": "2024-03-10",
        },  # only a discharge day
        {"revenue_code": "0250"},
    ],
)
def test_given_late_claim_without_qualifying_day_when_computed_then_not_latest_received(
    tmp_path, npi, late_claim
):
    # given: K0 qualifies (received 1 Apr); K2 arrives late but qualifies for nothing
    rows = [
        stay(npi, "K0", member_id="M9", received_date="2024-04-01"),
        stay(npi, "K1", received_date="2024-03-20"),
        stay(npi, "K2", received_date="2025-08-01", adjudicated_date="2025-08-05", **late_claim),
    ]
    import_and_compute(tmp_path, rows)
    summary = BedDaySummary.objects.get(facility__npi=npi)
    assert summary.latest_qualifying_received_on == datetime.date(2024, 4, 1)


@pytest.mark.django_db
def test_given_stay_over_two_months_when_computed_then_monthly_rows(tmp_path, npi):
    rows = [
        stay(
            npi,
            admission_date="2024-01-25",
            from_date="2024-01-25",
            through_date="2024-02-05",
            discharge_date="2024-02-05",
        )
    ]
    import_and_compute(tmp_path, rows)
    months = {m.month: (m.qualifying_days, m.discharge_day) for m in BedDayMonth.objects.all()}
    assert months == {1: (7, 0), 2: (4, 1)}


@pytest.mark.django_db
def test_given_result_when_recomputed_then_replaced_and_identical(tmp_path, npi):
    # given
    import_and_compute(tmp_path, [stay(npi, discharge_date="2024-03-10")])
    first = member_days()
    # when
    call_command("compute_bed_days", "--program-year", "2024", stdout=io.StringIO())
    # then
    assert member_days() == first
    current = BedDayComputation.objects.latest("id")
    assert set(BedDaySummary.objects.values_list("computation", flat=True)) == {current.pk}
    assert set(BedDayMemberRange.objects.values_list("computation", flat=True)) == {current.pk}
    assert set(BedDayLineRange.objects.values_list("computation", flat=True)) == {current.pk}
    assert current.status == BedDayComputation.Status.FINISHED


@pytest.mark.django_db
def test_given_claims_import_when_computed_then_revision_recorded(tmp_path, npi):
    from portal.models import DataRevision

    import_and_compute(tmp_path, [stay(npi)])
    revision = DataRevision.objects.get(kind="claims")
    assert BedDayComputation.objects.get().revision_id == revision.pk


def _range_partitions() -> dict[str, set[str]]:
    """The partitions of the two range tables (migration wqip 0005), by parent."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.relname, c.relname FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
            "WHERE p.relname IN ('wqip_beddaymemberrange', 'wqip_beddaylinerange')"
        )
        found: dict[str, set[str]] = {}
        for parent, child in cursor.fetchall():
            found.setdefault(parent, set()).add(child)
    return found


@pytest.mark.django_db
def test_given_years_computed_when_one_recomputed_then_its_old_partitions_dropped_others_kept(
    tmp_path, npi
):
    # given 2024 and 2025 computed (each computation's ranges are partitions of their own)
    rows = [
        stay(npi, discharge_date="2024-03-10"),
        stay(
            npi,
            claim_id="K2",
            admission_date="2025-02-01",
            from_date="2025-02-01",
            through_date="2025-02-10",
            discharge_date="2025-02-10",
        ),
    ]
    import_and_compute(tmp_path, rows)
    call_command("compute_bed_days", "--program-year", "2025", stdout=io.StringIO())
    first_2024 = BedDayComputation.objects.get(program_year=2024)
    first_2025 = BedDayComputation.objects.get(program_year=2025)
    days_2024, days_2025 = member_days(2024), member_days(2025)
    assert days_2024
    assert days_2025
    # a row written by the ORM goes to the default partition
    BedDayMemberRange.objects.create(
        computation=first_2024,
        facility_id=BedDaySummary.objects.get(program_year=2024).facility_id,
        member_id="M-ORM",
        outcome=0,
        first_day=datetime.date(2024, 12, 30),
        last_day=datetime.date(2024, 12, 30),
        days=1,
    )
    # when 2024 is computed again
    call_command("compute_bed_days", "--program-year", "2024", stdout=io.StringIO())
    # then 2024's old partitions are gone, its default-partition row deleted, 2025's kept
    again = BedDayComputation.objects.filter(program_year=2024).latest("id")
    expected = {
        f"{table}_{suffix}"
        for table in ("wqip_beddaymemberrange", "wqip_beddaylinerange")
        for suffix in ("default", f"c{again.pk}", f"c{first_2025.pk}")
    }
    found = _range_partitions()
    assert found["wqip_beddaymemberrange"] | found["wqip_beddaylinerange"] == expected
    assert not BedDayMemberRange.objects.filter(computation=first_2024).exists()
    assert not BedDayLineRange.objects.filter(computation=first_2024).exists()
    assert BedDayMemberRange.objects.filter(computation=first_2025).exists()
    assert BedDayLineRange.objects.filter(computation=again).exists()
    assert (member_days(2024), member_days(2025)) == (days_2024, days_2025)
    ids = list(BedDayLineRange.objects.values_list("pk", flat=True))
    assert len(ids) == len(set(ids))


@pytest.mark.django_db(transaction=True)
def test_given_reader_in_open_transaction_when_recomputed_then_swap_waits_for_it_and_finishes(
    tmp_path, npi
):
    # given a computed year, and a reader (a drill-down inside a transaction) that holds its
    # lock on the member ranges and their partitions until it commits
    import threading

    import psycopg
    from django.db import connection, connections

    import_and_compute(tmp_path, [stay(npi, discharge_date="2024-03-10")])
    first = BedDayComputation.objects.get()
    stored = BedDayMemberRange.objects.filter(computation=first).count()
    outcome: dict[str, object] = {}

    def recompute() -> None:
        try:
            call_command("compute_bed_days", "--program-year", "2024", stdout=io.StringIO())
            outcome["ok"] = True
        except Exception as exc:  # the test reports it
            outcome["error"] = exc
        finally:
            connections.close_all()

    with psycopg.connect(**connection.get_connection_params()) as reader:
        seen = reader.execute(
            "SELECT count(*) FROM wqip_beddaymemberrange WHERE computation_id = %s", [first.pk]
        ).fetchone()
        # when the year is computed again meanwhile
        worker = threading.Thread(target=recompute)
        worker.start()
        worker.join(timeout=3)
        # then the swap waits for the reader (it has not finished) ...
        assert worker.is_alive()
        assert seen == (stored,)
        reader.commit()
    # ... and finishes once the reader is done, with no deadlock
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert outcome == {"ok": True}
    latest = BedDayComputation.objects.latest("id")
    assert latest.status == BedDayComputation.Status.FINISHED
    assert set(BedDayMemberRange.objects.values_list("computation", flat=True)) == {latest.pk}
