"""The notification engine: scheduling, recipients, sending exactly once, preferences."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.calendar.dates import pacific_time
from portal.models import (
    Facility,
    LiaisonAssignment,
    Notice,
    NoticePreference,
    OrganisationMembership,
    OutboundEmail,
    Role,
    ScheduledNotice,
)
from portal.notifications import kinds as kinds_module
from portal.notifications.kinds import KINDS, NoticeKind, UnknownKind, register_kind
from portal.notifications.services import (
    MandatoryKind,
    cancel_scheduled_notices,
    schedule_notice,
    set_notice_preferences,
    sweep_due_notices,
)
from programs.wqip.models import ProgramYear
from tests.factories import FacilityFactory, OptInFactory, UserFactory

pytestmark = pytest.mark.django_db

PAST = timezone.now() - datetime.timedelta(minutes=5)
JUNE_2_2025_8AM = pacific_time(datetime.date(2025, 6, 2), 8)


@pytest.fixture
def facility_a():
    return FacilityFactory.create(name="Alder Care")


@pytest.fixture
def facility_b():
    return FacilityFactory.create(name="Birch Care")


@pytest.fixture
def admin_a(facility_a):
    return UserFactory.create(
        email="admin.a@example.test", role=Role.FACILITY_ADMIN, facilities=[facility_a]
    )


@pytest.fixture
def admin_b(facility_b):
    return UserFactory.create(
        email="admin.b@example.test", role=Role.FACILITY_ADMIN, facilities=[facility_b]
    )


@pytest.fixture
def program_year():
    return ProgramYear.objects.get(year=2025)


@pytest.fixture
def temporary_kind():
    added: list[str] = []

    def add(kind: NoticeKind) -> NoticeKind:
        added.append(kind.key)
        return register_kind(kind)

    yield add
    for key in added:
        KINDS.pop(key, None)


# --- scheduling -----------------------------------------------------------------------------


def test_given_same_reminder_when_scheduled_twice_then_one_row(facility_a, program_year):
    # when
    first = schedule_notice(
        kind="opt_in_window_opening", subject=program_year, facility=facility_a, due_at=PAST
    )
    second = schedule_notice(
        kind="opt_in_window_opening", subject=program_year, facility=facility_a, due_at=PAST
    )
    # then
    assert first.pk == second.pk
    assert ScheduledNotice.objects.count() == 1


def test_given_unique_constraint_when_duplicate_inserted_directly_then_integrity_error(
    program_year,
):
    # given a facility-less row (NULL facility must still be unique)
    schedule_notice(kind="payment_run_awaiting_approval", subject=program_year, due_at=PAST)
    row = ScheduledNotice.objects.get()
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduledNotice.objects.create(
            kind=row.kind, subject_type=row.subject_type, subject_id=row.subject_id, due_at=PAST
        )


def test_given_unknown_kind_when_scheduled_then_rejected(program_year):
    with pytest.raises(UnknownKind):
        schedule_notice(kind="no_such_kind", subject=program_year, due_at=PAST)


def test_given_naive_due_at_when_scheduled_then_rejected(program_year):
    with pytest.raises(ValueError, match="aware"):
        schedule_notice(
            kind="report_published",
            subject=program_year,
            due_at=datetime.datetime(2025, 1, 1, 8, 0),
        )


def test_given_caller_transaction_rolled_back_when_scheduled_inside_then_no_row(program_year):
    # when the event that set the clock fails, its reminder disappears with it
    def event() -> None:
        with transaction.atomic():
            schedule_notice(kind="report_published", subject=program_year, due_at=PAST)
            raise RuntimeError("event failed")

    with pytest.raises(RuntimeError):
        event()
    # then
    assert not ScheduledNotice.objects.exists()


def test_given_opt_in_subject_when_scheduled_then_facility_taken_from_subject(facility_a):
    # given
    opt_in = OptInFactory.create(facility=facility_a, status="draft")
    # when
    row = schedule_notice(kind="opt_in_draft_incomplete", subject=opt_in, due_at=PAST)
    # then
    assert row.facility == facility_a


# --- sending ----------------------------------------------------------------------------------


def test_given_due_notice_when_swept_then_inbox_row_and_email_once(
    facility_a, admin_a, program_year
):
    # given
    schedule_notice(
        kind="opt_in_window_opening",
        subject=program_year,
        facility=facility_a,
        due_at=JUNE_2_2025_8AM,
        data={"opens_on": program_year.opt_in_opens_on, "closes_on": program_year.opt_in_closes_on},
        link="/",
    )
    # when
    first = sweep_due_notices(now=pacific_time(datetime.date(2025, 6, 2), 9))
    second = sweep_due_notices(now=pacific_time(datetime.date(2025, 6, 2), 9))
    # then
    notice = Notice.objects.get()
    assert (first.sent, second.sent) == (1, 0)
    assert notice.user == admin_a
    assert notice.title == "The PY3 (CY2025) opt-in window is open"
    assert "2 June 2025 to 1 August 2025" in notice.body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin.a@example.test"]
    assert "http://localhost:8000/" in mail.outbox[0].body
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    assert message.alternatives[0][1] == "text/html"
    assert ScheduledNotice.objects.get().state == ScheduledNotice.State.SENT


def test_given_future_notice_when_swept_then_nothing_sent(facility_a, admin_a, program_year):
    # given
    schedule_notice(
        kind="report_published",
        subject=facility_a,
        due_at=timezone.now() + datetime.timedelta(hours=1),
    )
    # when
    result = sweep_due_notices()
    # then
    assert result.sent == 0
    assert not Notice.objects.exists()


def test_given_notices_about_facility_a_when_swept_then_facility_b_user_receives_nothing(
    facility_a, facility_b, admin_a, admin_b, program_year
):
    # given every facility-scoped kind about facility A
    staff_b = UserFactory.create(role=Role.FACILITY_STAFF, facilities=[facility_b])
    for key in ("report_published", "payment_issued", "amendment_window_closing"):
        schedule_notice(kind=key, subject=facility_a, due_at=JUNE_2_2025_8AM)
    schedule_notice(
        kind="opt_in_window_opening",
        subject=program_year,
        facility=facility_a,
        due_at=JUNE_2_2025_8AM,
    )
    # when
    sweep_due_notices(now=pacific_time(datetime.date(2025, 6, 2), 9))
    # then
    assert Notice.objects.filter(user__in=[admin_b, staff_b]).count() == 0
    assert Notice.objects.filter(user=admin_a).count() == 4
    assert set(Notice.objects.values_list("facility", flat=True)) == {facility_a.pk}


def test_given_resolver_returning_other_facility_user_when_swept_then_user_dropped(
    facility_a, facility_b, admin_a, admin_b, temporary_kind
):
    # given a buggy resolver that returns users of every facility
    temporary_kind(
        NoticeKind(
            key="test_everyone",
            label="Everyone",
            title="About {{ facility.name }}",
            description="test",
            recipients=lambda notice: [admin_a, admin_b],
        )
    )
    row = schedule_notice(kind="test_everyone", subject=facility_a, due_at=PAST)
    # when
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "portal.notifications.services.render_notice",
            lambda kind, context: type(
                "R", (), {"title": "About", "text": "text", "html": "<p>html</p>"}
            )(),
        )
        sweep_due_notices()
    # then
    assert list(Notice.objects.values_list("user", flat=True)) == [admin_a.pk]
    row.refresh_from_db()
    assert row.recipient_count == 1


def test_given_inactive_membership_when_swept_then_former_member_receives_nothing(
    facility_a, admin_a
):
    # given
    OrganisationMembership.objects.filter(user=admin_a).update(is_active=False)
    schedule_notice(kind="payment_issued", subject=facility_a, due_at=PAST)
    # when
    sweep_due_notices()
    # then
    assert not Notice.objects.exists()


def test_given_facility_user_when_facility_less_notice_swept_then_not_a_recipient(
    admin_a, program_year, temporary_kind
):
    # given
    temporary_kind(
        NoticeKind(
            key="test_plan",
            label="Plan",
            title="x",
            description="t",
            recipients=lambda n: [admin_a],
        )
    )
    schedule_notice(kind="test_plan", subject=program_year, due_at=PAST)
    # when
    sweep_due_notices()
    # then
    assert not Notice.objects.exists()


def test_given_run_started_by_approver_when_awaiting_approval_swept_then_other_approvers_only(
    program_year,
):
    # given
    starter = UserFactory.create(role=Role.FINANCE_APPROVER)
    other = UserFactory.create(role=Role.FINANCE_APPROVER)
    UserFactory.create(role=Role.FINANCE_ANALYST)
    program_year.started_by_id = starter.pk  # stands in for a payment run
    row = schedule_notice(kind="payment_run_awaiting_approval", subject=program_year, due_at=PAST)
    # when
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ProgramYear, "started_by_id", starter.pk, raising=False)
        patch.setattr(ProgramYear, "status", "draft", raising=False)  # a draft run
        sweep_due_notices()
    # then
    assert list(Notice.objects.values_list("user", flat=True)) == [other.pk]
    assert Notice.objects.get().scheduled == row


def test_given_liaison_assigned_when_dispute_overdue_swept_then_liaison_and_program_admin(
    facility_a,
):
    # given
    liaison = UserFactory.create(role=Role.LTSS_LIAISON)
    admin = UserFactory.create(role=Role.PROGRAM_ADMIN)
    LiaisonAssignment.objects.create(facility=facility_a, liaison=liaison)
    schedule_notice(kind="dispute_overdue", subject=facility_a, due_at=PAST)
    # when
    sweep_due_notices()
    # then
    assert set(Notice.objects.values_list("user", flat=True)) == {liaison.pk, admin.pk}


def test_given_in_app_only_preference_when_swept_then_no_email(facility_a, admin_a):
    # given
    set_notice_preferences(user=admin_a, channels={"report_published": "in_app"})
    schedule_notice(kind="report_published", subject=facility_a, due_at=PAST)
    # when
    sweep_due_notices()
    # then
    assert Notice.objects.filter(user=admin_a).count() == 1
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()


def test_given_mandatory_kind_when_user_turns_email_off_then_refused(admin_a):
    with pytest.raises(MandatoryKind):
        set_notice_preferences(user=admin_a, channels={"payment_issued": "in_app"})
    assert not NoticePreference.objects.exists()


def test_given_stale_in_app_preference_on_mandatory_kind_when_swept_then_email_sent(
    facility_a, admin_a
):
    # given a preference row written before the kind became mandatory
    NoticePreference.objects.create(user=admin_a, kind="payment_issued", channel="in_app")
    schedule_notice(kind="payment_issued", subject=facility_a, due_at=PAST)
    # when
    sweep_due_notices()
    # then
    assert len(mail.outbox) == 1


def test_given_cancelled_reminder_when_swept_then_not_sent(facility_a, admin_a):
    # given
    schedule_notice(kind="report_published", subject=facility_a, due_at=PAST)
    # when
    cancelled = cancel_scheduled_notices(subject=facility_a, kinds=["report_published"])
    sweep_due_notices()
    # then
    assert cancelled == 1
    assert not Notice.objects.exists()


def test_given_submitted_opt_in_when_window_reminder_swept_then_cancelled(
    facility_a, admin_a, program_year
):
    # given
    schedule_notice(
        kind="opt_in_window_closing",
        subject=program_year,
        facility=facility_a,
        due_at=pacific_time(datetime.date(2025, 7, 18), 8),
    )
    OptInFactory.create(facility=facility_a, program_year=program_year, status="submitted")
    # when
    result = sweep_due_notices(now=pacific_time(datetime.date(2025, 7, 18), 9))
    # then
    assert result.cancelled == 1
    assert not Notice.objects.exists()
    assert ScheduledNotice.objects.get().state == ScheduledNotice.State.CANCELLED


def test_given_failing_template_when_swept_then_failure_recorded_and_retried_later(
    facility_a, admin_a, temporary_kind
):
    # given a kind whose templates do not exist
    temporary_kind(
        NoticeKind(
            key="test_missing_template",
            label="Missing",
            title="x",
            description="t",
            recipients=kinds_module.r.facility_administrators,
        )
    )
    schedule_notice(kind="test_missing_template", subject=facility_a, due_at=PAST)
    schedule_notice(kind="report_published", subject=facility_a, due_at=PAST)
    # when
    result = sweep_due_notices()
    # then the good row is sent, the bad one waits for its retry
    failed = ScheduledNotice.objects.get(kind="test_missing_template")
    assert (result.sent, result.failed) == (1, 1)
    assert failed.state == ScheduledNotice.State.PENDING
    assert failed.attempts == 1
    assert "TemplateDoesNotExist" in failed.last_error
    assert failed.retry_at is not None
    assert failed.retry_at > timezone.now()
    assert not Notice.objects.filter(kind="test_missing_template").exists()


def test_given_row_failing_five_times_when_swept_then_state_failed(
    facility_a, admin_a, temporary_kind
):
    # given
    temporary_kind(
        NoticeKind(
            key="test_missing_template",
            label="Missing",
            title="x",
            description="t",
            recipients=kinds_module.r.facility_administrators,
        )
    )
    row = schedule_notice(kind="test_missing_template", subject=facility_a, due_at=PAST)
    # when
    for attempt in range(5):
        sweep_due_notices(now=timezone.now() + datetime.timedelta(days=attempt + 1))
    # then
    row.refresh_from_db()
    assert (row.state, row.attempts) == (ScheduledNotice.State.FAILED, 5)


def test_given_every_kind_when_rendered_then_text_and_html_templates_exist(
    facility_a, admin_a, program_year
):
    # given one due row of every registered kind
    for key in list(KINDS):
        schedule_notice(
            kind=key,
            subject=facility_a,
            due_at=PAST,
            data={
                "opens_on": datetime.date(2025, 6, 2),
                "closes_on": datetime.date(2025, 8, 1),
                "due_on": datetime.date(2025, 7, 1),
                "decision_due_on": datetime.date(2026, 2, 4),
                "amend_due_on": datetime.date(2025, 12, 1),
            },
        )
    UserFactory.create(role=Role.PROGRAM_ADMIN)
    UserFactory.create(role=Role.FINANCE_APPROVER)
    LiaisonAssignment.objects.create(
        facility=facility_a, liaison=UserFactory.create(role=Role.LTSS_LIAISON)
    )
    # when (the facility stands in for a draft payment run too)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Facility, "status", "draft", raising=False)
        result = sweep_due_notices()
    # then
    assert result.failed == 0
    assert set(Notice.objects.values_list("kind", flat=True)) >= {
        "opt_in_submitted",
        "opt_in_returned",
        "opt_in_approved",
        "opt_in_rejected",
        "report_published",
        "payment_issued",
        "payment_past_due",
        "dispute_ack_due",
        "dispute_decision",
        "amendment_window_closing",
        "payment_run_awaiting_approval",
    }
    assert all("&amp;" not in n.body and "&#x27;" not in n.body for n in Notice.objects.all())


def test_given_decision_due_date_when_reminder_five_working_days_before_then_8am_pacific():
    # given decision due Wed 4 Feb 2026 (check example of domain guide §10)
    from portal.notifications.services import reminder_due_at

    # when
    due_at = reminder_due_at(deadline_on=datetime.date(2026, 2, 4), working_days_before=5)
    # then
    assert due_at.isoformat() == "2026-01-28T08:00:00-08:00"
