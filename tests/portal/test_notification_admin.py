"""Admin page of the notification engine: upcoming/sent/failed lists and the retry action."""

from __future__ import annotations

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone

from portal.models import AuditEvent, ScheduledNotice
from portal.notifications.services import schedule_notice
from tests.factories import FacilityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory.create(role="program_admin", is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={})
    client.force_login(admin)
    return client


@pytest.fixture
def rows():
    facility = FacilityFactory.create()
    now = timezone.now()
    upcoming = schedule_notice(
        kind="report_published", subject=facility, due_at=now + datetime.timedelta(days=2)
    )
    failed = schedule_notice(
        kind="payment_issued", subject=facility, due_at=now - datetime.timedelta(days=1)
    )
    ScheduledNotice.objects.filter(pk=failed.pk).update(
        state="failed", attempts=5, last_error="SMTPError: boom"
    )
    return {"upcoming": upcoming, "failed": failed}


@pytest.mark.parametrize(("when", "expected"), [("upcoming", "upcoming"), ("failed", "failed")])
def test_given_rows_when_admin_filters_then_only_matching_rows(admin_client, rows, when, expected):
    # when
    response = admin_client.get("/admin/portal/schedulednotice/", {"when": when})
    # then
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [rows[expected]]


def test_given_failed_row_when_admin_retries_then_pending_again_and_audited(admin_client, rows):
    # when
    response = admin_client.post(
        "/admin/portal/schedulednotice/",
        {"action": "retry", "_selected_action": [rows["failed"].pk]},
    )
    # then
    rows["failed"].refresh_from_db()
    assert response.status_code == 302
    assert (rows["failed"].state, rows["failed"].attempts) == ("pending", 0)
    assert AuditEvent.objects.filter(action="scheduled_notices.retried").exists()


def test_given_pending_row_when_admin_cancels_then_cancelled(admin_client, rows):
    # when
    admin_client.post(
        "/admin/portal/schedulednotice/",
        {"action": "cancel", "_selected_action": [rows["upcoming"].pk]},
    )
    # then
    rows["upcoming"].refresh_from_db()
    assert rows["upcoming"].state == "cancelled"
