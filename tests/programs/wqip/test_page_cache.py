"""The busy pages' content per user in the shared cache (portal.pagecache): the same HTML as
a full render, fresh after a write, never another user's rows, the access log written on
every view, a form token of the request it is served to."""

from __future__ import annotations

import io
import re

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.services import deactivate_facility_user
from portal.models import AccessLogEntry, Role
from programs.wqip.models import BedDaySummary
from tests.factories import FacilityFactory, UserFactory
from tests.programs.wqip.claims_helpers import write_claims

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def two_facilities(tmp_path):
    facilities = [FacilityFactory.create(), FacilityFactory.create()]
    rows = [
        {"facility_npi": facility.npi, "claim_id": f"K{n}{i}", "member_id": f"91{n}{i:06d}A"}
        for n, facility in enumerate(facilities)
        for i in range(2 + n)
    ]
    call_command("import_claims", str(write_claims(tmp_path / "c.csv", rows)), stdout=io.StringIO())
    call_command("compute_bed_days", "--program-year", "2024", stdout=io.StringIO())
    return facilities


def report_url() -> str:
    return f"{reverse('wqip:bed_day_report')}?year=2024"


def drill_url(facility) -> str:
    return f"{reverse('wqip:bed_day_facility', args=[facility.pk])}?year=2024"


def finance_user():
    user = UserFactory.create(role=Role.FINANCE_ANALYST)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def without_tokens(html: bytes) -> str:
    text = TOKEN.sub("TOKEN", html.decode())
    return re.sub(r'data-session-timeout="\d+"', "", text)


def test_given_page_shown_when_shown_again_then_same_html_without_the_views_queries(
    client, two_facilities
):
    # given
    client.force_login(finance_user())
    first = client.get(report_url())
    # when
    with CaptureQueriesContext(connection) as queries:
        second = client.get(report_url())
    # then
    assert without_tokens(second.content) == without_tokens(first.content)
    assert not [q for q in queries.captured_queries if "wqip_" in q["sql"]]


def test_given_cached_page_when_its_rows_change_then_next_page_shows_the_change(
    client, two_facilities
):
    # given
    client.force_login(finance_user())
    client.get(report_url())
    summary = BedDaySummary.objects.get(facility=two_facilities[0], program_year=2024)
    # when
    summary.qualifying_days = 4321
    summary.save()
    # then
    assert "4321" in client.get(report_url()).content.decode()


def test_given_two_facility_users_when_each_opens_the_same_pages_then_each_sees_only_their_own(
    client, two_facilities
):
    # given: the first user's pages are in the cache
    first, second = two_facilities
    one = UserFactory.create(role=Role.FACILITY_STAFF, facilities=[first])
    two = UserFactory.create(role=Role.FACILITY_STAFF, facilities=[second])
    client.force_login(one)
    assert first.name in client.get(report_url()).content.decode()
    assert client.get(drill_url(first)).status_code == 200
    # when
    client.force_login(two)
    report = client.get(report_url()).content.decode()
    drill = client.get(drill_url(first))
    # then
    assert second.name in report
    assert first.name not in report
    assert drill.status_code == 404


def test_given_cached_drill_down_when_viewed_again_then_each_view_is_in_the_access_log(
    client, two_facilities
):
    # given
    facility = two_facilities[1]
    user = UserFactory.create(role=Role.FACILITY_STAFF, facilities=[facility])
    client.force_login(user)
    # when
    for _ in range(3):
        assert client.get(drill_url(facility)).status_code == 200
    # then
    entries = list(AccessLogEntry.objects.order_by("id"))
    assert len(entries) == 3
    assert {(e.user_id, e.facility_id, e.row_count, e.masked) for e in entries} == {
        (user.pk, facility.pk, 3, True)
    }
    assert len({e.path for e in entries}) == 1


def test_given_cached_drill_down_when_access_removed_then_next_view_is_404(client, two_facilities):
    # given
    facility = two_facilities[0]
    admin = UserFactory.create(role=Role.FACILITY_ADMIN, facilities=[facility])
    user = UserFactory.create(role=Role.FACILITY_STAFF, facilities=[facility, two_facilities[1]])
    client.force_login(user)
    assert client.get(drill_url(facility)).status_code == 200
    # when: the facility's administrator ends the user's access (a queryset update)
    deactivate_facility_user(admin=admin, user=user)
    # then
    assert client.get(drill_url(facility)).status_code == 404


def test_given_cached_page_with_a_form_when_served_then_its_token_is_this_requests_and_works(
    two_facilities,
):
    # given: the report has the "Recompute" form for finance users; it is in the cache
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(finance_user())
    checked.get(report_url())
    # when: served from the cache to a request with another CSRF secret
    del checked.cookies[settings.CSRF_COOKIE_NAME]
    with CaptureQueriesContext(connection) as queries:
        body = checked.get(report_url()).content.decode()
    # then
    assert not [q for q in queries.captured_queries if "wqip_" in q["sql"]]  # a hit
    assert "wqip-csrf-token" not in body
    tokens = TOKEN.findall(body)
    assert len(tokens) == 2  # the recompute form and the sign-out form
    response = checked.post(
        reverse("wqip:bed_day_compute"), {"year": "2024", "csrfmiddlewaretoken": tokens[0]}
    )
    assert response.status_code == 302


def test_given_page_cache_off_when_shown_twice_then_the_view_queries_each_time(
    client, two_facilities, settings
):
    # given
    settings.WQIP_PAGE_CACHE_SECONDS = 0
    client.force_login(finance_user())
    client.get(report_url())
    # when
    with CaptureQueriesContext(connection) as queries:
        client.get(report_url())
    # then
    assert [q for q in queries.captured_queries if "wqip_beddaysummary" in q["sql"]]
