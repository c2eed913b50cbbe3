"""IPP corrective action plans: the owner is reminded 7 days before an item is due and the day
after, through the notification engine, until the item is done; the owner or the program
administrator updates an item (status and a PDF), with an audit event."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.models import AuditEvent, Notice, Role, ScheduledNotice
from portal.notifications.services import sweep_due_notices
from programs.ipp.models import IppCap, IppCapItem
from programs.ipp.reminders import produce_ipp_reminders
from programs.ipp.services.cap import update_cap_item
from tests.factories import UserFactory
from tests.programs.ipp.factories import program_year

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DUE = datetime.date(2026, 3, 20)


@pytest.fixture
def item():  # type: ignore[no-untyped-def]
    owner = UserFactory.create(role=Role.FINANCE_ANALYST)
    cap = IppCap.objects.create(
        program_year=program_year(2), title="Take-up", opened_on=datetime.date(2026, 1, 5)
    )
    return IppCapItem.objects.create(
        cap=cap, description="Monthly take-up report", owner=owner, due_on=DUE
    )


def test_owner_reminded_7_days_before_and_the_day_after(item) -> None:  # type: ignore[no-untyped-def]
    assert produce_ipp_reminders(DUE - datetime.timedelta(days=8)) == 0
    assert produce_ipp_reminders(DUE - datetime.timedelta(days=7)) == 1
    assert produce_ipp_reminders(DUE - datetime.timedelta(days=6)) == 1  # same row again
    assert ScheduledNotice.objects.filter(kind="ipp_cap_item_due").count() == 1
    assert produce_ipp_reminders(DUE + datetime.timedelta(days=1)) == 1
    assert ScheduledNotice.objects.filter(kind="ipp_cap_item_overdue").count() == 1
    result = sweep_due_notices(now=timezone.now() + datetime.timedelta(days=4000))
    assert result.failed == 0
    notices = Notice.objects.filter(kind__startswith="ipp_cap_item")
    assert {n.user_id for n in notices} == {item.owner_id}
    assert notices.count() == 2


def test_done_item_is_not_reminded(item) -> None:  # type: ignore[no-untyped-def]
    produce_ipp_reminders(DUE - datetime.timedelta(days=7))
    update_cap_item(item=item, status="done", actor=item.owner, note="Sent")
    sweep_due_notices(now=timezone.now() + datetime.timedelta(days=4000))
    assert not Notice.objects.filter(kind="ipp_cap_item_due").exists()
    assert produce_ipp_reminders(DUE + datetime.timedelta(days=1)) == 0


def test_update_by_owner_or_program_admin_only(item) -> None:  # type: ignore[no-untyped-def]
    stranger = UserFactory.create(role=Role.FINANCE_APPROVER)
    with pytest.raises(PermissionDenied):
        update_cap_item(item=item, status="done", actor=stranger)
    admin = UserFactory.create(role=Role.PROGRAM_ADMIN)
    update_cap_item(
        item=item,
        status="in_progress",
        actor=admin,
        note="Draft ready",
        document=SimpleUploadedFile("draft.pdf", PDF, content_type="application/pdf"),
    )
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert item.documents.count() == 1
    event = AuditEvent.objects.get(action="ipp.cap_item.updated")
    assert event.reason == "Draft ready"
