"""Bed-day report pages, downloads and the finance claims upload."""

from __future__ import annotations

import io

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from portal.models import AccessLogEntry, Role
from programs.wqip.models import (
    BedDayComputation,
    BedDaySummary,
    ClaimImport,
)
from tests.factories import FacilityFactory, UserFactory
from tests.programs.wqip.claims_helpers import (
    claims_csv,
    write_claims,
)


def staff(role: str):
    user = UserFactory.create(role=role)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def facility(db):
    return FacilityFactory.create()


@pytest.fixture
def other_facility(db):
    return FacilityFactory.create()


def computed(tmp_path, facility, members: int = 3):
    rows = [
        {"facility_npi": facility.npi, "claim_id": f"K{n}", "member_id": f"91{n:07d}A"}
        for n in range(members)
    ]
    call_command("import_claims", str(write_claims(tmp_path / "c.csv", rows)), stdout=io.StringIO())
    call_command("compute_bed_days", "--program-year", "2024", stdout=io.StringIO())


def facility_url(facility, **params):
    query = "&".join(f"{k}={v}" for k, v in {"year": 2024, **params}.items())
    return f"{reverse('wqip:bed_day_facility', args=[facility.pk])}?{query}"


@pytest.mark.django_db
def test_given_facility_user_when_viewing_own_facility_then_masked_ids_and_access_logged(
    client, tmp_path, facility
):
    # given
    computed(tmp_path, facility)
    user = UserFactory.create(role=Role.FACILITY_STAFF, facilities=[facility])
    client.force_login(user)
    # when
    response = client.get(facility_url(facility))
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "******000A" in body
    assert "910000000A" not in body
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.facility, entry.masked, entry.row_count) == (user, facility, True, 3)


@pytest.mark.django_db
def test_given_facility_user_when_viewing_other_facility_then_404(
    client, tmp_path, facility, other_facility
):
    computed(tmp_path, facility)
    client.force_login(UserFactory.create(role=Role.FACILITY_STAFF, facilities=[other_facility]))
    response = client.get(facility_url(facility))
    assert response.status_code == 404
    assert not AccessLogEntry.objects.exists()


@pytest.mark.django_db
def test_given_finance_analyst_when_viewing_facility_then_whole_member_ids(
    client, tmp_path, facility
):
    computed(tmp_path, facility)
    client.force_login(staff(Role.FINANCE_ANALYST))
    response = client.get(facility_url(facility))
    assert "910000000A" in response.content.decode()
    assert AccessLogEntry.objects.get().masked is False


@pytest.mark.django_db
@pytest.mark.parametrize("members", [2, 120])
def test_given_any_number_of_members_when_viewing_facility_then_query_count_bounded(
    client, tmp_path, facility, members, django_assert_max_num_queries
):
    computed(tmp_path, facility, members=members)
    client.force_login(UserFactory.create(role=Role.FACILITY_STAFF, facilities=[facility]))
    with django_assert_max_num_queries(14):
        response = client.get(facility_url(facility))
    assert response.status_code == 200


@pytest.mark.django_db
def test_given_facility_user_when_downloading_csv_then_masked_rows_and_logged(
    client, tmp_path, facility
):
    computed(tmp_path, facility, members=2)
    client.force_login(UserFactory.create(role=Role.FACILITY_ADMIN, facilities=[facility]))
    response = client.get(facility_url(facility, format="csv"))
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("member_id,first_day,last_day,qualifying,facility_ineligible")
    assert lines[1].startswith("******000A,2024-03-01,2024-03-10,10,0")
    assert AccessLogEntry.objects.get().row_count == 2


@pytest.mark.django_db
def test_given_report_when_downloading_xlsx_then_workbook_with_visible_facilities(
    client, tmp_path, facility, other_facility
):
    from openpyxl import load_workbook

    computed(tmp_path, facility)
    client.force_login(UserFactory.create(role=Role.FACILITY_STAFF, facilities=[facility]))
    response = client.get(f"{reverse('wqip:bed_day_report')}?year=2024&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("facility_npi", "facility_name", "program_year", "qualifying")
    assert [r[0] for r in rows[1:]] == [facility.npi]
    assert rows[1][3] == 30


@pytest.mark.django_db
def test_given_finance_user_when_posting_compute_then_bed_days_computed(
    client, facility, django_capture_on_commit_callbacks
):
    client.force_login(staff(Role.FINANCE_APPROVER))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wqip:bed_day_compute"), {"year": "2024"})
    assert response.status_code == 302
    assert BedDayComputation.objects.get().status == BedDayComputation.Status.FINISHED
    assert BedDaySummary.objects.filter(facility=facility, program_year=2024).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["²", "9" * 5000, "-2024", "2024abc", "1"])
def test_given_year_that_is_no_program_year_when_posting_compute_then_404_and_nothing_computed(
    client, facility, year
):
    # given ("²" passes str.isdigit() but not int(); int() refuses 5,000 digits)
    client.force_login(staff(Role.FINANCE_ANALYST))
    # when
    response = client.post(reverse("wqip:bed_day_compute"), {"year": year})
    # then
    assert response.status_code == 404
    assert not BedDayComputation.objects.exists()


@pytest.mark.django_db
def test_given_facility_user_when_posting_compute_then_forbidden(client, facility):
    client.force_login(UserFactory.create(role=Role.FACILITY_ADMIN, facilities=[facility]))
    response = client.post(reverse("wqip:bed_day_compute"), {"year": "2024"})
    assert response.status_code == 403
    assert not BedDayComputation.objects.exists()


@pytest.mark.django_db
def test_given_finance_user_when_uploading_claims_then_job_imports_and_status_done(
    client, facility, django_capture_on_commit_callbacks
):
    # given
    client.force_login(staff(Role.FINANCE_ANALYST))
    upload = SimpleUploadedFile(
        "claims.csv", claims_csv([{"facility_npi": facility.npi}]).encode(), "text/csv"
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wqip:claim_upload"), {"file": upload})
    # then
    claim_import = ClaimImport.objects.get()
    assert response.url == reverse("wqip:claim_import_detail", args=[claim_import.pk])
    assert claim_import.status == ClaimImport.Status.SUCCEEDED
    status = client.get(reverse("wqip:claim_import_status", args=[claim_import.pk])).json()
    assert (status["done"], status["percent"]) == (True, 100)


@pytest.mark.django_db
def test_given_bad_claims_upload_when_imported_then_error_report_shown(
    client, facility, django_capture_on_commit_callbacks
):
    client.force_login(staff(Role.PROGRAM_ADMIN))
    body = claims_csv([{"facility_npi": facility.npi, "from_date": "2024-02-30"}]).encode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("wqip:claim_upload"),
            {"file": SimpleUploadedFile("claims.csv", body, "text/csv")},
        )
    claim_import = ClaimImport.objects.get()
    assert claim_import.status == ClaimImport.Status.FAILED
    page = client.get(reverse("wqip:claim_import_detail", args=[claim_import.pk]))
    assert "line 2, column from_date" in page.content.decode()


@pytest.mark.django_db
def test_given_facility_user_when_opening_upload_then_forbidden(client, facility):
    client.force_login(UserFactory.create(role=Role.FACILITY_STAFF, facilities=[facility]))
    assert client.get(reverse("wqip:claim_upload")).status_code == 403


# --- the all-facilities report: search, sort, pages, totals over every matching facility ------


@pytest.fixture
def many_summaries(db):
    """55 facilities with bed days for 2024: facility n has n qualifying and 2n excluded days."""
    computation = BedDayComputation.objects.create(
        program_year=2024, status=BedDayComputation.Status.FINISHED
    )
    facilities = [FacilityFactory.create(name=f"Report Home {n:02d}") for n in range(1, 56)]
    BedDaySummary.objects.bulk_create(
        BedDaySummary(
            computation=computation,
            facility=facility,
            program_year=2024,
            qualifying_days=n,
            not_paid=n,
            hospice=n,
        )
        for n, facility in enumerate(facilities, start=1)
    )
    return facilities


def report(client, **params):
    query = "&".join(f"{k}={v}" for k, v in {"year": 2024, **params}.items())
    return client.get(f"{reverse('wqip:bed_day_report')}?{query}")


def shown_names(response) -> list[str]:
    return [s.facility.name for s in response.context["page"].object_list]


def test_given_55_facilities_when_report_opened_then_50_on_page_one_totals_over_all(
    client, many_summaries
):
    client.force_login(staff(Role.FINANCE_ANALYST))
    response = report(client)
    assert len(shown_names(response)) == 50
    assert "Page 1 of 2" in response.content.decode()
    assert response.context["total_qualifying"] == sum(range(1, 56))
    assert response.context["total_excluded"] == 2 * sum(range(1, 56))
    assert len(shown_names(report(client, page=2))) == 5


def test_given_sort_by_most_qualifying_when_report_opened_then_largest_first(
    client, many_summaries
):
    client.force_login(staff(Role.FINANCE_ANALYST))
    assert shown_names(report(client, sort="-qualifying"))[:2] == [
        "Report Home 55",
        "Report Home 54",
    ]
    assert shown_names(report(client, sort="excluded"))[0] == "Report Home 01"
    assert shown_names(report(client, sort="-name"))[0] == "Report Home 55"


def test_given_search_when_report_opened_then_matching_facilities_and_their_totals(
    client, many_summaries
):
    client.force_login(staff(Role.FINANCE_ANALYST))
    response = report(client, q="Home 1")
    assert shown_names(response) == [f"Report Home {n}" for n in range(10, 20)]
    assert response.context["total_qualifying"] == sum(range(10, 20))
    by_npi = report(client, q=many_summaries[6].npi)
    assert shown_names(by_npi) == ["Report Home 07"]


def test_given_search_without_match_when_report_opened_then_clear_search_offered(
    client, many_summaries
):
    client.force_login(staff(Role.FINANCE_ANALYST))
    body = report(client, q="nowhere").content.decode()
    assert "No facility matches" in body
    assert "Clear the search" in body


def test_given_search_when_downloading_csv_then_only_matching_facilities(client, many_summaries):
    client.force_login(staff(Role.FINANCE_ANALYST))
    response = report(client, q="Home 5", format="csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("facility_npi,facility_name,program_year,qualifying")
    assert [line.split(",")[1] for line in lines[1:]] == [f"Report Home {n}" for n in range(50, 56)]


def test_given_nul_byte_in_search_when_report_opened_then_searched_without_it(
    client, many_summaries
):
    # given (PostgreSQL refuses NUL in a text parameter)
    client.force_login(staff(Role.FINANCE_ANALYST))
    # when
    response = client.get(reverse("wqip:bed_day_report"), {"year": 2024, "q": "Report Home 0\x001"})
    # then
    assert response.status_code == 200
    assert response.context["query"] == "Report Home 01"
    assert shown_names(response) == ["Report Home 01"]


def test_given_search_when_report_opened_then_links_repeat_only_the_cleaned_search(
    client, many_summaries
):
    # given
    client.force_login(staff(Role.FINANCE_ANALYST))
    # when
    response = client.get(
        reverse("wqip:bed_day_report"),
        {"year": 2024, "q": "Home\x00", "sort": "name", "junk": "x" * 1000},
    )
    # then
    assert response.context["querystring"] == "year=2024&q=Home&sort=name"


def test_given_facility_user_when_searching_report_then_only_own_facility(client, many_summaries):
    client.force_login(UserFactory.create(role=Role.FACILITY_STAFF, facilities=[many_summaries[0]]))
    assert shown_names(report(client, q="Report")) == ["Report Home 01"]


def test_given_unknown_sort_when_report_opened_then_sorted_by_npi(client, many_summaries):
    client.force_login(staff(Role.FINANCE_ANALYST))
    response = report(client, sort="drop_table")
    npis = [s.facility.npi for s in response.context["page"].object_list]
    assert npis == sorted(npis)
    assert response.context["sort"] == "npi"


def test_report_sort_labels_name_every_sort():
    from programs.wqip.selectors.bed_days import REPORT_SORTS
    from programs.wqip.views.bed_days import REPORT_SORT_LABELS

    assert set(REPORT_SORT_LABELS) == set(REPORT_SORTS)
