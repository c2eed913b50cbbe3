"""Registry update pages and the monthly refresh (issue 24): upload, review, apply; download
addresses; the fetch from a server on 127.0.0.1 staged for review with a notice."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse

from portal.models import AuditEvent, Facility, RegistryImport, ScheduledNotice, StateFileAddress
from portal.registry.state_sources import refresh_registry_from_state
from tests.portal.test_state_files import bed_rows, crosswalk_rows, listing_rows
from tests.state_files import BED_TYPES, CROSSWALK, LISTING_VINTAGES, write_table

pytestmark = pytest.mark.django_db


def state_files(folder: Path) -> dict[str, Path]:
    return {
        "listing": write_table(folder / "listing.xlsx", LISTING_VINTAGES["2026"], listing_rows()),
        "crosswalk": write_table(folder / "crosswalk.csv", CROSSWALK, crosswalk_rows()),
        "bed_types": write_table(folder / "beds.csv", BED_TYPES, bed_rows()),
    }


def test_given_analyst_when_uploads_reviews_and_applies_then_registry_updated(
    client_as, world, tmp_path
):
    # given
    client = client_as("finance_analyst")
    paths = state_files(tmp_path)
    # when: upload
    with (
        open(paths["listing"], "rb") as listing,
        open(paths["crosswalk"], "rb") as crosswalk,
        open(paths["bed_types"], "rb") as beds,
    ):
        response = client.post(
            reverse("portal:registry_import_list"),
            {"listing": listing, "crosswalk": crosswalk, "bed_types": beds},
        )
    # then: the diff, nothing applied yet (the world's two facilities are not in the listing)
    staged = RegistryImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == staged.get_absolute_url()
    page = client.get(staged.get_absolute_url()).content.decode()
    assert "VALLEY STP CENTER" in page
    assert "Becomes ineligible" not in page  # new facilities have no "before"
    assert "OAK ICF HOME (FACID 110000123, listing line 4): no NPI" in page
    assert Facility.objects.count() == 2
    flips = client.get(staged.get_absolute_url() + "?kind=new").content.decode()
    assert "HARBOR VIEW CARE" in flips
    # when: apply
    response = client.post(reverse("portal:registry_import_apply", args=[staged.pk]), follow=True)
    # then
    assert "Applied: 3 new, 0 changed, 0 closed, 2 no longer listed" in response.content.decode()
    assert Facility.objects.count() == 5
    assert Facility.objects.get(cdph_facid="930000101").stp_beds == 40
    event = AuditEvent.objects.get(action="registry.import_applied")
    assert event.actor == world.users["finance_analyst"]
    # when: applied twice
    again = client.post(reverse("portal:registry_import_apply", args=[staged.pk]), follow=True)
    # then
    assert "This import was applied already." in again.content.decode()


def test_given_bad_listing_when_uploaded_then_errors_listed_and_nothing_stored(
    client_as, world, tmp_path
):
    # given
    rows = listing_rows()
    rows[1]["CAPACITY"] = "forty"
    path = write_table(tmp_path / "listing.csv", LISTING_VINTAGES["2021"], rows)
    # when
    with open(path, "rb") as handle:
        response = client_as("program_admin").post(
            reverse("portal:registry_import_list"), {"listing": handle}
        )
    # then
    assert response.status_code == 200
    assert "listing.csv: line 3, column CAPACITY: &#x27;forty&#x27; is not a whole number" in (
        response.content.decode()
    )
    assert not RegistryImport.objects.exists()


def test_given_program_admin_when_saves_address_then_stored_and_audited(client_as, world):
    # when
    response = client_as("program_admin").post(
        reverse("portal:state_file_addresses"),
        {"cdph_listing-url": "https://data.example.test/listing.csv", "cdph_listing-enabled": "on"},
    )
    # then
    assert response.status_code == 302
    address = StateFileAddress.objects.get(source="cdph_listing")
    assert (address.url, address.is_on) == ("https://data.example.test/listing.csv", True)
    assert AuditEvent.objects.filter(action="registry.download_address_set").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"cdph_listing-enabled": "on"}, "Enter the address to fetch"),
        ({"cdph_listing-url": "ftp://data.example.test/x.csv"}, "Enter an http or https address"),
    ],
)
def test_given_bad_address_when_saved_then_refused(client_as, world, data, message):
    # when
    response = client_as("program_admin").post(reverse("portal:state_file_addresses"), data)
    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StateFileAddress.objects.exists()


# --- the monthly refresh against a local server -----------------------------------------------


@pytest.fixture
def file_server(tmp_path) -> Iterator[tuple[str, Path]]:
    """Serves tmp_path/served on 127.0.0.1 (404 for anything missing)."""
    folder = tmp_path / "served"
    folder.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", folder
    httpd.shutdown()
    httpd.server_close()


def test_given_addresses_off_when_refreshed_then_nothing_fetched(db):
    # when
    outcome = refresh_registry_from_state()
    # then
    assert outcome.status == "off"
    assert not RegistryImport.objects.exists()


def test_given_listing_published_when_refreshed_then_staged_for_review_with_notice(
    file_server, world
):
    # given
    base, folder = file_server
    state_files(folder)
    for source, name in (
        ("cdph_listing", "listing.xlsx"),
        ("cdph_crosswalk", "crosswalk.csv"),
        ("cdph_bed_types", "beds.csv"),
    ):
        StateFileAddress.objects.create(source=source, url=f"{base}/{name}", enabled=True)
    # when
    outcome = refresh_registry_from_state(timeout=10)
    # then: staged, not applied; program admins are told
    assert outcome.status == "staged"
    staged = RegistryImport.objects.get()
    assert (staged.origin, staged.status, staged.counts["new"]) == ("download", "pending", 3)
    assert Facility.objects.count() == 2
    notice = ScheduledNotice.objects.get(kind="registry_import_waiting")
    assert notice.link == staged.get_absolute_url()
    from portal.notifications.kinds import get_kind

    assert list(get_kind("registry_import_waiting").recipients(notice)) == [
        world.users["program_admin"]
    ]
    # when: the same file next month
    again = refresh_registry_from_state(timeout=10)
    # then
    assert again.status == "unchanged"
    assert RegistryImport.objects.count() == 1
    assert StateFileAddress.objects.get(source="cdph_listing").last_outcome == (
        "unchanged since the last fetch"
    )


def test_given_listing_address_gone_when_refreshed_then_failure_recorded_not_raised(
    file_server, db
):
    # given
    base, _ = file_server
    StateFileAddress.objects.create(source="cdph_listing", url=f"{base}/gone.csv", enabled=True)
    # when
    outcome = refresh_registry_from_state(timeout=10)
    # then
    assert outcome.status == "failed"
    assert "answered 404" in StateFileAddress.objects.get().last_outcome
    assert not RegistryImport.objects.exists()


def test_given_published_file_is_bad_when_refreshed_then_refused_and_recorded(file_server, db):
    # given
    base, folder = file_server
    (folder / "listing.csv").write_text("FACID,FACNAME\n1,X\n", encoding="utf-8")
    StateFileAddress.objects.create(source="cdph_listing", url=f"{base}/listing.csv", enabled=True)
    # when
    outcome = refresh_registry_from_state(timeout=10)
    # then
    assert outcome.status == "failed"
    assert StateFileAddress.objects.get().last_outcome.startswith("refused: listing.csv:")
    assert not RegistryImport.objects.exists()


def test_given_beat_schedule_when_read_then_monthly_refresh_task_registered(db):
    from django.conf import settings

    from portal.tasks import refresh_registry_from_state_task

    entry = settings.CELERY_BEAT_SCHEDULE["refresh-registry-from-state"]
    assert entry["task"] == refresh_registry_from_state_task.name
    assert entry["schedule"].day_of_month == {2}
    # the task body runs the refresh (off until an address is switched on)
    assert (
        refresh_registry_from_state_task() == "No download address is switched on for the listing."
    )


# --- the enforcement actions fetched for WQIP ------------------------------------------------


def test_given_enforcement_address_when_refreshed_then_file_waits_with_preview_then_imported(
    file_server, world, client_as, settings, tmp_path
):
    # given: the SEA workbook published; facility A of the registry has two penalties in it
    from portal.models import FetchedStateFile
    from portal.registry.state_sources import refresh_fetched_files
    from programs.wqip.models import Citation
    from tests.programs.wqip.test_citation_files import sea_rows
    from tests.state_files import SEA_COLUMNS

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    base, folder = file_server
    rows = sea_rows()
    for row in rows[:2]:
        row["FACID"] = world.facility_a.cdph_facid
    write_table(folder / "sea_final.xlsx", SEA_COLUMNS, rows)
    StateFileAddress.objects.create(
        source="cdph_enforcement", url=f"{base}/sea_final.xlsx", enabled=True
    )
    # when
    (outcome,) = refresh_fetched_files(timeout=10)
    # then: waiting, previewed, nothing stored; program admins told
    assert outcome.status == "staged"
    fetched = FetchedStateFile.objects.get()
    assert fetched.preview == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 6}
    assert not Citation.objects.exists()
    assert ScheduledNotice.objects.filter(kind="state_file_waiting").count() == 1
    client = client_as("finance_analyst")
    listed = client.get(reverse("portal:registry_import_list")).content.decode()
    assert "Fetched files waiting for review" in listed
    assert "Skipped" in client.get(fetched.get_absolute_url()).content.decode()
    # when: imported
    response = client.post(reverse("portal:fetched_file_import", args=[fetched.pk]), follow=True)
    # then
    assert "Imported: citations: 2 created" in response.content.decode()
    assert Citation.objects.count() == 2
    fetched.refresh_from_db()
    assert (fetched.status, fetched.decided_by) == ("imported", world.users["finance_analyst"])
    # when: the same file next month
    (again,) = refresh_fetched_files(timeout=10)
    # then
    assert again.status == "unchanged"
    assert FetchedStateFile.objects.count() == 1


def test_given_fetched_file_when_discarded_then_nothing_imported(
    file_server, world, client_as, settings, tmp_path
):
    # given
    from portal.models import FetchedStateFile
    from portal.registry.state_sources import refresh_fetched_files
    from programs.wqip.models import Citation
    from tests.programs.wqip.test_citation_files import dashboard_rows
    from tests.state_files import DASHBOARD_COLUMNS

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    base, folder = file_server
    rows = dashboard_rows(through_excel=True)
    rows[0]["Facility ID"] = world.facility_b.cdph_facid
    write_table(folder / "dashboard.csv", DASHBOARD_COLUMNS, rows)
    StateFileAddress.objects.create(
        source="cdph_enforcement", url=f"{base}/dashboard.csv", enabled=True
    )
    refresh_fetched_files(timeout=10)
    fetched = FetchedStateFile.objects.get()
    # when
    client = client_as("program_admin")
    client.post(reverse("portal:fetched_file_discard", args=[fetched.pk]))
    again = client.post(reverse("portal:fetched_file_import", args=[fetched.pk]), follow=True)
    # then
    assert "This file was discarded already." in again.content.decode()
    assert not Citation.objects.exists()
    assert AuditEvent.objects.filter(action="registry.fetched_file_discarded").count() == 1


def test_given_bad_enforcement_file_published_when_refreshed_then_refused_and_recorded(
    file_server, world
):
    # given
    from portal.models import FetchedStateFile
    from portal.registry.state_sources import refresh_fetched_files

    base, folder = file_server
    (folder / "sea.csv").write_text(
        "FACID,PENALTY_NUMBER,PENALTY_ISSUE_DATE,VIOLATION_FROM_DATE,CLASS_ASSESSED_INITIAL,"
        f"CLASS_ASSESSED_FINAL\n{world.facility_a.cdph_facid},1,soon,,A,\n",
        encoding="utf-8",
    )
    StateFileAddress.objects.create(source="cdph_enforcement", url=f"{base}/sea.csv", enabled=True)
    # when
    (outcome,) = refresh_fetched_files(timeout=10)
    # then
    assert outcome.status == "failed"
    assert StateFileAddress.objects.get().last_outcome.startswith("refused: sea.csv")
    assert not FetchedStateFile.objects.exists()
