"""The claims import's parallel load (claims_parallel_load): large files imported
outside a transaction are loaded and typed by several sessions. It must give exactly what the
single-session load gives, name bad rows by their file line, and leave no work table behind.

Transactional tests: the parallel load is only used when no transaction is open."""

from __future__ import annotations

import io
import itertools
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from programs.wqip.models import (
    Claim,
    ClaimLine,
)
from programs.wqip.services.claims_parallel_load import (
    PART_PREFIX,
    _byte_ranges,
)
from tests.factories import FacilityFactory
from tests.programs.wqip.claims_helpers import (
    claims_csv,
    exported_bed_days,
    table_counts,
    write_claims,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def parallel(settings):
    """Every file is loaded by three sessions."""
    settings.WQIP_CLAIMS_PARALLEL_MIN_BYTES = 0
    settings.WQIP_CLAIMS_LOAD_WORKERS = 3
    return settings


@pytest.fixture
def facility(db):
    return FacilityFactory.create()


def many_rows(npi: str, claims: int = 60) -> list[dict[str, str]]:
    """Claims of two lines each; every fifth claim is replaced by a later one."""
    rows = []
    for n in range(1, claims + 1):
        claim = {"claim_id": f"K{n:04d}", "member_id": f"M{n % 7}", "facility_npi": npi}
        if n % 5 == 0:
            claim |= {"frequency_code": "7", "original_claim_id": f"K{n - 1:04d}"}
        rows.append(claim)
        rows.append({**claim, "line_no": "2", "revenue_code": "250", "paid_amount": f"{n}.25"})
    return rows


def part_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE starts_with(tablename, %s)", [PART_PREFIX]
        )
        return [row[0] for row in cursor.fetchall()]


def run_import(path) -> str:
    out = io.StringIO()
    call_command("import_claims", str(path), stdout=out)
    return out.getvalue()


def stored_lines() -> list[tuple]:
    return list(
        ClaimLine.objects.order_by("id").values_list(
            "claim__claim_id",
            "claim__replaces__claim_id",
            "line_no",
            "member_id",
            "facility__npi",
            "revenue_code",
            "claim_status",
            "paid_amount",
        )
    )


def load_typed(cursor, path, *, workers: int, part_tables: list[str]):  # type: ignore[no-untyped-def]
    """claim_parallel_load.load_typed on a Django cursor, for a file of the contract's columns."""
    from programs.wqip.services import claims_parallel_load as claim_parallel_load
    from programs.wqip.services.claims_columns import CLAIM_COLUMNS

    return claim_parallel_load.load_typed(
        cursor.cursor,
        path=path,
        columns=list(CLAIM_COLUMNS),
        data_start=path.read_bytes().index(b"\n") + 1,  # after the header line
        workers=workers,
        progress=None,
        part_tables=part_tables,
    )


def refused(path) -> str:
    before = table_counts()
    with pytest.raises(CommandError) as excinfo:
        run_import(path)
    assert table_counts() == before
    assert part_tables() == []
    return str(excinfo.value)


def test_given_file_when_loaded_by_three_sessions_then_same_rows_as_one_session(
    tmp_path, facility, settings, caplog
):
    # given
    path = write_claims(tmp_path / "c.csv", many_rows(facility.npi))
    settings.WQIP_CLAIMS_LOAD_WORKERS = 1
    run_import(path)
    single = stored_lines()
    ClaimLine.objects.all().delete()
    Claim.objects.all().delete()
    settings.WQIP_CLAIMS_PARALLEL_MIN_BYTES = 0
    settings.WQIP_CLAIMS_LOAD_WORKERS = 3
    # when
    with caplog.at_level(logging.INFO, logger="programs.wqip.services.claims_parallel_load"):
        summary = run_import(path)
    # then
    assert "loaded by 3 sessions" in caplog.text
    assert "60 claims and 120 lines added" in summary
    assert stored_lines() == single
    assert part_tables() == []


def test_given_imported_file_when_imported_again_in_parallel_then_nothing_added(
    tmp_path, facility, parallel
):
    path = write_claims(tmp_path / "c.csv", many_rows(facility.npi))
    run_import(path)
    assert "0 claims and 0 lines added, 120 lines unchanged" in run_import(path)
    assert part_tables() == []


def test_given_bad_row_in_last_part_when_loaded_in_parallel_then_its_file_line_named(
    tmp_path, facility, parallel
):
    rows = many_rows(facility.npi)
    rows[110] = {**rows[110], "from_date": "2024-02-30"}  # file line 112
    message = refused(write_claims(tmp_path / "c.csv", rows))
    assert "line 112, column from_date: '2024-02-30' is not a date" in message


def test_given_unknown_original_in_middle_part_when_loaded_in_parallel_then_line_named(
    tmp_path, facility, parallel
):
    rows = many_rows(facility.npi)
    rows[60] = {**rows[60], "frequency_code": "7", "original_claim_id": "NOPE"}  # line 62
    message = refused(write_claims(tmp_path / "c.csv", rows))
    assert "line 62, column original_claim_id: unknown original claim NOPE" in message


def test_given_claim_level_conflict_across_parts_when_loaded_in_parallel_then_refused(
    tmp_path, facility, parallel
):
    rows = many_rows(facility.npi)
    rows[101] = {**rows[101], "claim_id": rows[2]["claim_id"], "line_no": "3"}  # line 103
    rows[101]["received_date"] = "2024-03-21"
    message = refused(write_claims(tmp_path / "c.csv", rows))
    assert "line 103, column received_date: claim K0002 has 2024-03-21 here" in message


def test_given_same_line_twice_in_two_parts_when_loaded_in_parallel_then_stored_once(
    tmp_path, facility, parallel
):
    rows = many_rows(facility.npi)
    rows.append(rows[0])
    run_import(write_claims(tmp_path / "c.csv", rows))
    assert ClaimLine.objects.count() == 120
    assert part_tables() == []


@pytest.mark.parametrize(
    "change",
    [
        lambda text: text.replace(",M3,", ',"M3",'),  # quotes
        lambda text: text.replace("\n", "\r\n"),  # CRLF line ends
        lambda text: text.replace(",paid_amount\n", ",paid_amount\n\n"),  # a blank line
        lambda text: text.replace(",PAID,", ",paid,"),  # values proven by the detailed checks
    ],
)
def test_given_file_needing_the_single_session_path_when_imported_then_imported(
    tmp_path, facility, parallel, change
):
    path = tmp_path / "c.csv"
    path.write_bytes(change(claims_csv(many_rows(facility.npi))).encode())
    run_import(path)
    assert ClaimLine.objects.count() == 120
    assert set(ClaimLine.objects.values_list("claim_status", flat=True)) == {"PAID"}
    assert part_tables() == []


def test_given_invalid_utf8_in_a_part_when_loaded_in_parallel_then_line_named(
    tmp_path, facility, parallel
):
    path = tmp_path / "c.csv"
    data = claims_csv(many_rows(facility.npi)).encode()
    lines = data.split(b"\n")
    lines[99] = lines[99].replace(b"M", b"\xff", 1)  # file line 100
    path.write_bytes(b"\n".join(lines))
    assert "line 100: not valid UTF-8" in refused(path)


def test_given_part_left_by_dead_import_when_importing_then_swept(tmp_path, facility, parallel):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE UNLOGGED TABLE {PART_PREFIX}dead_0 (x int)")
    run_import(write_claims(tmp_path / "c.csv", many_rows(facility.npi, claims=5)))
    assert part_tables() == []


def test_given_examples_when_loaded_in_parallel_then_expected_exports(
    examples_dir, tmp_path, parallel
):
    call_command("import_facilities", str(examples_dir / "facilities.csv"), stdout=io.StringIO())
    run_import(examples_dir / "claims.csv")
    call_command("compute_bed_days", "--program-year", "2024", stdout=io.StringIO())
    for options, expected in [
        ([], "expected_bed_days.csv"),
        (["--by-reason"], "expected_bed_days_by_reason.csv"),
    ]:
        exported = exported_bed_days(tmp_path / expected, *options)
        assert exported == (examples_dir / expected).read_bytes()


@pytest.mark.parametrize("parts", [1, 2, 3, 7, 200])
def test_given_file_when_cut_into_ranges_then_ranges_cover_it_at_line_ends(tmp_path, parts):
    path = tmp_path / "c.csv"
    data = b"header\n" + b"".join(f"row {n}\n".encode() * (n % 3 + 1) for n in range(50))
    path.write_bytes(data)
    first = len(b"header\n")
    ranges = _byte_ranges(path, first, parts)
    assert ranges[0][0] == first
    assert ranges[-1][1] == len(data)
    assert all(end == start for (_, end), (start, _) in itertools.pairwise(ranges))
    assert all(data[end - 1 : end] == b"\n" for _, end in ranges)
    assert len(ranges) <= parts


@pytest.mark.parametrize("workers", [1, 3])
def test_given_line_of_only_end_of_data_marker_when_imported_then_it_and_later_rows_named(
    tmp_path, facility, settings, workers
):
    # given: COPY FROM STDIN would stop reading at a line holding only \. (PostgreSQL <= 17)
    settings.WQIP_CLAIMS_PARALLEL_MIN_BYTES = 0
    settings.WQIP_CLAIMS_LOAD_WORKERS = workers
    rows = many_rows(facility.npi)
    rows[80] = {**rows[80], "from_date": "2024-02-30"}  # file line 83 after the marker
    lines = claims_csv(rows).split("\n")
    lines.insert(40, "\\.")  # file line 41
    path = tmp_path / "c.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    # when
    message = refused(path)
    # then
    assert "line 41, column" in message
    assert "line 83, column from_date: '2024-02-30' is not a date" in message


def test_given_repeatable_read_transaction_when_loading_then_parallel_load_declines(
    tmp_path, facility, parallel
):
    from django.db import transaction

    path = write_claims(tmp_path / "c.csv", many_rows(facility.npi))
    tables: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        loaded = load_typed(cursor, path, workers=3, part_tables=tables)
    assert loaded is None
    assert tables == []


def test_given_part_left_by_dead_import_when_importing_in_one_session_then_swept(
    tmp_path, facility, settings
):
    settings.WQIP_CLAIMS_LOAD_WORKERS = 1
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE UNLOGGED TABLE {PART_PREFIX}dead_1 (x int)")
    run_import(write_claims(tmp_path / "c.csv", many_rows(facility.npi, claims=5)))
    assert part_tables() == []


def test_given_one_worker_fails_when_another_runs_a_long_statement_then_it_is_cancelled(
    tmp_path, facility, parallel, monkeypatch
):
    import time

    from programs.wqip.services import claims_parallel_load as claim_parallel_load

    # given: the first part's typed pass fails after 2 s, when the second's has started a
    # statement that would run for a minute
    def typed_sql(columns, *, trim, target):
        if target.endswith("_0"):
            return f"{target} AS SELECT 1 / (count(*) - count(*)) AS x FROM pg_sleep(2)"  # noqa: S608
        return f"{target} AS SELECT 1 AS x FROM pg_sleep(60)"  # noqa: S608

    monkeypatch.setattr(claim_parallel_load, "_typed_sql", typed_sql)
    path = write_claims(tmp_path / "c.csv", many_rows(facility.npi))
    tables: list[str] = []
    started = time.monotonic()
    # when
    with connection.cursor() as cursor:
        loaded = load_typed(cursor, path, workers=2, part_tables=tables)
    # then: the single-session path takes over without waiting for the long statement
    assert loaded is None
    assert time.monotonic() - started < 30
    assert part_tables() == []


def line_partitions() -> dict[str, int]:
    """The partitions of wqip_claimline and the rows of each."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'wqip_claimline'::regclass"
        )
        names = [row[0] for row in cursor.fetchall()]
        counts = {}
        for name in names:
            cursor.execute(f'SELECT count(*) FROM "{name}"')  # noqa: S608 - catalogue names
            counts[name] = cursor.fetchone()[0]
    return counts


def test_given_first_import_when_loaded_in_parallel_then_each_part_attached_in_file_order(
    tmp_path, facility, parallel
):
    # given: a first import in parallel whose lines were deleted since
    rows = many_rows(facility.npi)
    path = write_claims(tmp_path / "c.csv", rows)
    run_import(path)
    earlier = set(line_partitions()) - {"wqip_claimline_default"}
    ClaimLine.objects.all().delete()
    Claim.objects.all().delete()
    # when: the claim tables are empty again, and the file is imported again
    run_import(path)
    # then: the three parts are partitions of their own, the earlier ones are gone
    partitions = line_partitions()
    assert partitions.pop("wqip_claimline_default") == 0
    assert len(partitions) == 3
    assert sum(partitions.values()) == 120
    assert not set(partitions) & earlier
    # one id per file line, in file order; each line names its claim
    stored = list(ClaimLine.objects.order_by("id").values_list("id", "claim_id", "line_no"))
    first_id = stored[0][0]
    assert [line_id for line_id, _claim, _no in stored] == list(range(first_id, first_id + 120))
    assert [(claim, no) for _id, claim, no in stored] == [
        (row["claim_id"], int(row.get("line_no", "1"))) for row in rows
    ]
    assert part_tables() == []


def test_given_first_import_in_parallel_when_later_import_adds_lines_then_default_partition(
    tmp_path, facility, parallel
):
    rows = many_rows(facility.npi)
    run_import(write_claims(tmp_path / "first.csv", rows))
    first_ids = set(ClaimLine.objects.values_list("id", flat=True))
    # when a later import repeats the file, adds a line to a stored claim and a new claim
    later = [
        *rows,
        {**rows[0], "line_no": "3", "revenue_code": "250"},
        {"claim_id": "NEW1", "member_id": "M1", "facility_npi": facility.npi},
    ]
    summary = run_import(write_claims(tmp_path / "later.csv", later))
    # then only the two new lines are added, after the first import's, in the default partition
    assert "1 claims and 2 lines added, 120 lines unchanged" in summary
    assert line_partitions()["wqip_claimline_default"] == 2
    added = ClaimLine.objects.get(claim__claim_id=rows[0]["claim_id"], line_no=3)
    assert added.pk > max(first_ids)
    assert ClaimLine.objects.get(claim__claim_id="NEW1").claim.frequency_code == "1"


def test_given_same_line_twice_in_one_part_when_loaded_in_parallel_then_stored_once(
    tmp_path, facility, parallel
):
    rows = many_rows(facility.npi)
    rows.insert(1, rows[0])  # file lines 2 and 3: the first part's unique key refuses it
    run_import(write_claims(tmp_path / "c.csv", rows))
    assert ClaimLine.objects.count() == 120
    assert line_partitions() == {"wqip_claimline_default": 120}  # the single-session path
    assert part_tables() == []


def test_given_lines_in_attached_partitions_when_backup_restored_then_lines_back(
    tmp_path, facility, parallel
):
    from django.test import override_settings

    # given: a first import in parallel (its parts attached) and a backup
    run_import(write_claims(tmp_path / "c.csv", many_rows(facility.npi)))
    before, partitions = stored_lines(), line_partitions()
    (tmp_path / "private").mkdir()
    with override_settings(PRIVATE_MEDIA_ROOT=tmp_path / "private"):
        out = io.StringIO()
        call_command("backup", "--to", str(tmp_path / "backups"), stdout=out)
        folder = tmp_path / "backups" / out.getvalue().strip().rsplit("/", 1)[1]
        # when: the lines are deleted, then the backup restored (pg_restore --clean)
        ClaimLine.objects.all().delete()
        call_command("restore", str(folder), "--yes", stdout=io.StringIO())
    # then: the same lines, in the same partitions
    assert len(partitions) == 4
    assert line_partitions() == partitions
    assert stored_lines() == before
