"""Opt-in notices through the notification engine: transition notices scheduled in the
transaction of the change and sent once; review SLA on the holiday calendar; the daily
reminder jobs of the real beat schedule run twice send each reminder once (issue 6, done 3)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from portal.celery import app
from portal.models import (
    Holiday,
    LiaisonAssignment,
    Notice,
    Role,
    ScheduledNotice,
)
from portal.notifications.services import sweep_due_notices
from programs.wqip.models import (
    OptIn,
    OptInVersion,
)
from programs.wqip.selectors.opt_in import (
    is_review_overdue,
    opt_in_review_queue,
    review_overdue_cutoff,
)
from programs.wqip.services import opt_in as services
from programs.wqip.services import opt_in_review
from tests.factories import FacilityFactory, UserFactory
from tests.programs.wqip.opt_in_helpers import (
    PAYEE,
    SIGNER,
    complete_draft,
    facility_user,
    open_window,
    program_year,
    submitted_opt_in,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def liaison():
    return UserFactory.create(role=Role.LTSS_LIAISON)


@pytest.fixture
def other_facility_admin():
    return facility_user(FacilityFactory.create(name="Elsewhere Care"))


def kinds_of(user) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(Notice.objects.filter(user=user).values_list("kind", flat=True))


def test_given_submission_rolled_back_when_swept_then_no_notice():
    # given a draft ready to submit
    facility = FacilityFactory.create()
    py = open_window(program_year())
    admin = facility_user(facility)
    opt_in = services.start_opt_in(facility=facility, program_year=py, actor=admin)
    complete_draft(opt_in, admin)
    planned_inside = []

    @transaction.atomic
    def submit_then_fail() -> None:
        opt_in_review.submit_opt_in(
            opt_in=opt_in, actor=admin, typed_name="Ana Reyes", attestation_accepted=True
        )
        planned_inside.append(ScheduledNotice.objects.filter(kind="opt_in_submitted").count())
        raise RuntimeError("later step failed")

    # when the submission's transaction fails after the transition
    with pytest.raises(RuntimeError):
        submit_then_fail()
    sweep_due_notices()
    # then: the notice was planned in the transition's transaction and went with it
    assert planned_inside == [1]
    assert not ScheduledNotice.objects.exists()
    assert not Notice.objects.exists()


def test_given_primary_liaison_when_submitted_and_swept_twice_then_liaison_and_admins_once(
    liaison, other_facility_admin
):
    # given
    facility = FacilityFactory.create(name="Sunrise Care")
    LiaisonAssignment.objects.create(facility=facility, liaison=liaison)
    second_admin = facility_user(facility)
    staff = facility_user(facility, role=Role.FACILITY_STAFF)
    # when
    opt_in, admin = submitted_opt_in(facility)
    sweep_due_notices()
    sweep_due_notices()
    # then
    row = ScheduledNotice.objects.get(kind="opt_in_submitted")
    assert (row.state, row.recipient_count, row.facility) == ("sent", 3, facility)
    for user in (liaison, admin, second_admin):
        assert kinds_of(user) == ["opt_in_submitted"]
    assert kinds_of(staff) == []
    assert kinds_of(other_facility_admin) == []
    notice = Notice.objects.get(user=admin)
    assert notice.title == "PY4 opt-in of Sunrise Care submitted"
    assert notice.link == f"/opt-ins/{opt_in.pk}/"
    # a link only: none of the form's data is in the inbox or the e-mail
    bodies = [n.body for n in Notice.objects.all()]
    for message in mail.outbox:
        assert isinstance(message, EmailMultiAlternatives)
        bodies += [str(message.body), str(message.alternatives[0][0])]
    for value in (*SIGNER.values(), *PAYEE.values()):
        if value:
            assert all(value not in body for body in bodies), value


@pytest.mark.parametrize(
    ("decide", "kind", "title"),
    [
        ("return", "opt_in_returned", "Your PY4 opt-in was returned for correction"),
        ("approve", "opt_in_approved", "Your PY4 opt-in was approved"),
        ("reject", "opt_in_rejected", "Your PY4 opt-in was rejected"),
    ],
)
def test_given_opt_in_under_review_when_decided_then_facility_administrators_told(
    liaison, other_facility_admin, decide, kind, title
):
    # given
    opt_in, admin = submitted_opt_in()
    staff = facility_user(opt_in.facility, role=Role.FACILITY_STAFF)
    opt_in_review.start_opt_in_review(opt_in=opt_in, reviewer=liaison)
    sweep_due_notices()
    # when
    if decide == "return":
        opt_in_review.return_opt_in(opt_in=opt_in, reviewer=liaison, comments="TIN mismatch")
    elif decide == "approve":
        opt_in_review.approve_opt_in(opt_in=opt_in, reviewer=liaison)
    else:
        opt_in_review.reject_opt_in(opt_in=opt_in, reviewer=liaison, reason="Not a SNF")
    sweep_due_notices()
    sweep_due_notices()
    # then
    assert kinds_of(admin) == sorted(["opt_in_submitted", kind])
    assert kind not in kinds_of(liaison)
    assert kinds_of(staff) == []
    assert kinds_of(other_facility_admin) == []
    notice = Notice.objects.get(user=admin, kind=kind)
    assert notice.title == title
    assert "TIN mismatch" not in notice.body
    assert "Not a SNF" not in notice.body


def test_given_approved_opt_in_when_amendment_submitted_then_notice_names_amendment(liaison):
    # given
    opt_in, admin = submitted_opt_in()
    opt_in_review.start_opt_in_review(opt_in=opt_in, reviewer=liaison)
    opt_in_review.approve_opt_in(opt_in=opt_in, reviewer=liaison)
    opt_in_review.start_opt_in_amendment(
        opt_in=opt_in, actor=admin, reason="New remittance contact"
    )
    # when
    opt_in_review.submit_opt_in(
        opt_in=opt_in, actor=admin, typed_name="Ana Reyes", attestation_accepted=True
    )
    sweep_due_notices()
    # then
    titles = set(Notice.objects.filter(user=admin).values_list("title", flat=True))
    assert f"PY4 opt-in amendment of {opt_in.facility.name} submitted" in titles


# --- review SLA: 10 working days on the holiday calendar ------------------------------------


def pretend_today_is_monday_after_thanksgiving(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is Mon 1 Dec 2025 (Thanksgiving Thu 27 and Fri 28 Nov are state holidays)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):  # type: ignore[no-untyped-def]
        return real(value, timezone) if value is not None else D(2025, 12, 1)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(
        day.year, day.month, day.day, 10, tzinfo=timezone.get_current_timezone()
    )


def test_given_thanksgiving_when_checking_review_sla_then_holidays_do_not_count(monkeypatch):
    # given
    pretend_today_is_monday_after_thanksgiving(monkeypatch)
    # then: 10 working days before 1 Dec skip Thanksgiving Thu and Fri -> 13 Nov
    assert review_overdue_cutoff() == D(2025, 11, 13)
    assert is_review_overdue(submitted_at=at(D(2025, 11, 12)), status="submitted")
    assert not is_review_overdue(submitted_at=at(D(2025, 11, 13)), status="under_review")
    assert not is_review_overdue(submitted_at=at(D(2025, 11, 3)), status="approved")


def test_given_plan_closure_day_when_checking_review_sla_then_one_more_day(monkeypatch, liaison):
    # given the plan closes on Wed 26 Nov too, and a form submitted on 12 Nov waits for review
    Holiday.objects.create(date=D(2025, 11, 26), name="Plan closure", source="closure")
    opt_in, _ = submitted_opt_in()
    opt_in.versions.update(submitted_at=at(D(2025, 11, 12)))
    # when
    pretend_today_is_monday_after_thanksgiving(monkeypatch)
    # then
    assert review_overdue_cutoff() == D(2025, 11, 12)
    assert not is_review_overdue(submitted_at=at(D(2025, 11, 12)), status="submitted")
    assert opt_in.pk not in {o.pk for o in opt_in_review_queue(user=liaison, overdue=True)}
    opt_in.versions.update(submitted_at=at(D(2025, 11, 11)))
    assert opt_in.pk in {o.pk for o in opt_in_review_queue(user=liaison, overdue=True)}


# --- the daily jobs of the real beat schedule, run twice -----------------------------------


def beat_task(name: str):  # type: ignore[no-untyped-def]
    """The Celery task a static beat entry names (settings.CELERY_BEAT_SCHEDULE)."""
    app.loader.import_default_modules()  # what a worker does at start: autodiscover tasks
    return app.tasks[settings.CELERY_BEAT_SCHEDULE[name]["task"]]


def test_given_open_window_when_beat_jobs_run_twice_in_a_row_then_each_reminder_sent_once(
    liaison, django_capture_on_commit_callbacks
):
    # given a window that opened 10 days ago and closes in 10 days (its 14-days-before point
    # has come): a facility without an opt-in, a draft untouched for 10 days, a form returned
    # 20 days ago and not resubmitted, and a submitted one
    py = open_window(program_year())
    none = FacilityFactory.create(name="No Opt-in Care")
    none_admin = facility_user(none)
    draft_facility = FacilityFactory.create(name="Draft Care")
    draft_admin = facility_user(draft_facility)
    draft = services.start_opt_in(facility=draft_facility, program_year=py, actor=draft_admin)
    long_ago = timezone.now() - datetime.timedelta(days=10)
    OptInVersion.objects.filter(opt_in=draft).update(updated_at=long_ago)
    returned, returned_admin = submitted_opt_in(FacilityFactory.create(name="Returned Care"), py)
    opt_in_review.start_opt_in_review(opt_in=returned, reviewer=liaison)
    opt_in_review.return_opt_in(opt_in=returned, reviewer=liaison, comments="W-9 unsigned")
    OptInVersion.objects.filter(opt_in=returned).update(
        reviewed_at=timezone.now() - datetime.timedelta(days=20)
    )
    submitted, submitted_admin = submitted_opt_in(FacilityFactory.create(name="Submitted Care"), py)
    produce, sweep = beat_task("produce-daily-reminders"), beat_task("sweep-due-notices")
    sweep.delay().get()  # the transition notices of the set-up
    Notice.objects.all().delete()
    # when the daily job and the sweeper run, twice in a row
    # (the daily task queues the day's reminder sweep, a job, once the task's work commits)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            produce.delay().get()
        sweep.delay().get()
    # then
    reminders = ["opt_in_window_closing", "opt_in_draft_incomplete", "opt_in_window_opening"]
    assert kinds_of(none_admin) == ["opt_in_window_closing"]
    assert kinds_of(draft_admin) == ["opt_in_draft_incomplete", "opt_in_window_closing"]
    assert kinds_of(returned_admin) == ["opt_in_draft_incomplete", "opt_in_window_closing"]
    assert kinds_of(submitted_admin) == []
    mine = [none, draft_facility, returned.facility, submitted.facility]
    rows = ScheduledNotice.objects.filter(kind__in=reminders, facility__in=mine)
    assert rows.count() == 5
    assert set(rows.values_list("state", flat=True)) == {ScheduledNotice.State.SENT}
    assert OptIn.objects.get(pk=returned.pk).status == OptIn.Status.RETURNED
    e_mails = [m for m in mail.outbox if m.to == [draft_admin.email]]
    assert len(e_mails) == 2
