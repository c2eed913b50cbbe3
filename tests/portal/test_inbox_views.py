"""Inbox, mark read, preferences page, unread badge."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import Notice, NoticePreference, Role
from tests.factories import FacilityFactory, UserFactory
from tests.permissions.matrix_notifications import CASES

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "facility_staff",
    "facility_admin",
    "other_facility_staff",
    "ltss_liaison",
    "finance_analyst",
    "finance_approver",
    "program_admin",
)


@pytest.fixture
def facility():
    return FacilityFactory.create()


@pytest.fixture
def staff(facility):
    return UserFactory.create(role=Role.FACILITY_STAFF, facilities=[facility])


def make_notices(user, count: int, **extra) -> list[Notice]:
    return [
        Notice.objects.create(user=user, kind="report_published", title=f"Notice {i}", **extra)
        for i in range(count)
    ]


def user_for(role: str):
    if role == "anonymous":
        return None
    if role in ("facility_staff", "facility_admin", "other_facility_staff"):
        real_role = "facility_staff" if role == "other_facility_staff" else role
        return UserFactory.create(role=real_role, facilities=[FacilityFactory.create()])
    user = UserFactory.create(role=role)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
    return user


@pytest.mark.parametrize("url_name", CASES)
@pytest.mark.parametrize("role", ROLES)
def test_given_role_when_get_inbox_url_then_matrix_status(client, url_name, role):
    # given
    user = user_for(role)
    if user is not None:
        client.force_login(user)
    build, expected = CASES[url_name]
    # when
    response = client.get(build(None))
    # then
    assert response.status_code == expected[ROLES.index(role)]


def test_given_read_and_unread_notices_when_inbox_opened_then_unread_first(client, staff):
    # given
    old_unread = make_notices(staff, 1)[0]
    read = Notice.objects.create(
        user=staff, kind="report_published", title="Read one", read_at=timezone.now()
    )
    new_unread = make_notices(staff, 1)[0]
    client.force_login(staff)
    # when
    response = client.get(reverse("portal:inbox"))
    # then
    assert list(response.context["page"].object_list) == [new_unread, old_unread, read]
    assert b"You have 2 unread notices." in response.content


def test_given_thirty_notices_when_inbox_opened_then_paginated(client, staff):
    # given
    make_notices(staff, 30)
    client.force_login(staff)
    # when
    page_two = client.get(reverse("portal:inbox"), {"page": 2})
    # then
    assert len(page_two.context["page"].object_list) == 5
    assert b"Page 2 of 2" in page_two.content


def test_given_other_users_notice_when_inbox_opened_then_not_listed(client, staff):
    # given
    other = UserFactory.create(role=Role.FACILITY_STAFF, facilities=[FacilityFactory.create()])
    make_notices(other, 1)
    client.force_login(staff)
    # when
    response = client.get(reverse("portal:inbox"))
    # then
    assert list(response.context["page"].object_list) == []


def test_given_unread_notice_when_marked_read_then_read_at_set(client, staff):
    # given
    notice = make_notices(staff, 1)[0]
    client.force_login(staff)
    # when
    response = client.post(reverse("portal:inbox_mark_read", args=[notice.pk]))
    # then
    notice.refresh_from_db()
    assert response.status_code == 302
    assert notice.read_at is not None


def test_given_notice_with_link_when_opened_through_mark_read_then_redirected(client, staff):
    # given
    notice = make_notices(staff, 1, link="/payments/")[0]
    client.force_login(staff)
    # when
    response = client.post(reverse("portal:inbox_mark_read", args=[notice.pk]), {"open": "1"})
    # then
    assert response["Location"] == "/payments/"


def test_given_other_users_notice_when_marked_read_then_404_and_unchanged(client, staff):
    # given
    other = UserFactory.create(role=Role.FACILITY_STAFF, facilities=[FacilityFactory.create()])
    notice = make_notices(other, 1)[0]
    client.force_login(staff)
    # when
    response = client.post(reverse("portal:inbox_mark_read", args=[notice.pk]))
    # then
    notice.refresh_from_db()
    assert response.status_code == 404
    assert notice.read_at is None


def test_given_unread_notices_when_mark_all_read_then_only_own_marked(client, staff):
    # given
    make_notices(staff, 3)
    other = UserFactory.create(role=Role.FACILITY_STAFF, facilities=[FacilityFactory.create()])
    make_notices(other, 2)
    client.force_login(staff)
    # when
    client.post(reverse("portal:inbox_mark_all_read"), {"next": "https://evil.example/"})
    # then
    assert Notice.objects.filter(user=staff, read_at__isnull=True).count() == 0
    assert Notice.objects.filter(user=other, read_at__isnull=True).count() == 2


def test_given_offsite_next_when_mark_all_read_then_redirect_stays_in_portal(client, staff):
    # given
    client.force_login(staff)
    # when
    response = client.post(reverse("portal:inbox_mark_all_read"), {"next": "https://evil.example/"})
    # then
    assert response["Location"] == "/inbox/"


@pytest.mark.parametrize("target", ["abc", "0", "²", "/inbox/\x00", "//evil.example/"])
def test_given_next_that_is_no_path_here_when_mark_all_read_then_redirect_to_inbox(
    client, staff, target
):
    # given (redirect() would take "abc" for a URL name; NUL is dropped)
    client.force_login(staff)
    # when
    response = client.post(reverse("portal:inbox_mark_all_read"), {"next": target})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/inbox/"


def test_given_preferences_page_when_opened_then_mandatory_kinds_locked(client, staff):
    # given
    client.force_login(staff)
    # when
    response = client.get(reverse("portal:notice_preferences"))
    # then
    form = response.context["form"]
    assert form.fields["payment_issued"].disabled
    assert not form.fields["report_published"].disabled
    assert "payment_run_awaiting_approval" not in form.fields  # a plan kind
    assert b"cannot be turned off" in response.content


def test_given_preferences_posted_when_saved_then_channel_stored_and_mandatory_untouched(
    client, staff
):
    # given
    client.force_login(staff)
    page = client.get(reverse("portal:notice_preferences"))
    data = dict.fromkeys(page.context["form"].fields, "in_app")
    # when
    response = client.post(reverse("portal:notice_preferences"), data)
    # then
    assert response.status_code == 302
    assert NoticePreference.objects.get(user=staff, kind="report_published").channel == "in_app"
    assert not NoticePreference.objects.filter(kind="payment_issued").exists()


def test_given_unread_notices_when_badge_rendered_then_count_and_accessible_name(staff):
    # when
    html = render_to_string("includes/_inbox_badge.html", {"count": 3})
    # then
    assert 'aria-label="Inbox, 3 unread notices"' in html
    assert 'href="/inbox/"' in html


def test_given_context_processor_when_page_rendered_then_unread_count_available(client, staff):
    # given
    make_notices(staff, 2)
    client.force_login(staff)
    # when
    response = client.get(reverse("portal:home"))
    # then
    assert response.context["unread_notice_count"]() == 2


def badge_count(client) -> int:
    return client.get(reverse("portal:home")).context["unread_notice_count"]()


def test_given_badge_shown_when_notices_arrive_are_read_and_all_read_then_badge_follows(
    client, staff
):
    # given: the count is kept in the shared cache between pages (portal.usercache)
    client.force_login(staff)
    assert badge_count(client) == 0
    # when / then: a new notice, one read, all read: each is on the next page
    first, _ = make_notices(staff, 2)
    assert badge_count(client) == 2
    client.post(reverse("portal:inbox_mark_read", args=[first.pk]))
    assert badge_count(client) == 1
    client.post(reverse("portal:inbox_mark_all_read"))
    assert badge_count(client) == 0


def test_given_badge_cached_when_page_shown_again_then_no_count_query(client, staff):
    # given
    make_notices(staff, 1)
    client.force_login(staff)
    assert badge_count(client) == 1
    # when
    with CaptureQueriesContext(connection) as queries:
        assert badge_count(client) == 1
    # then
    assert not [q for q in queries.captured_queries if "portal_notice" in q["sql"]]


def badge_html(client) -> str:
    body = client.get(reverse("portal:home")).content.decode()
    start = body.index('href="/inbox/"')
    return body[start : body.index("</a>", start)]


def test_given_home_page_cached_when_notices_arrive_and_are_all_read_then_its_badge_follows(
    client, staff
):
    # given: the page's menus are kept with its content (portal.pagecache)
    client.force_login(staff)
    assert "unread" not in badge_html(client)
    # when / then
    make_notices(staff, 2)
    assert "Inbox, 2 unread notices" in badge_html(client)
    client.post(reverse("portal:inbox_mark_all_read"))
    assert "unread" not in badge_html(client)
