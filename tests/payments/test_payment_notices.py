"""Payment notices through the notification engine (domain guide §11): awaiting approval,
payment issued and report published (facility-scoped, to report contacts), payment due."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from payments.models import PaymentRun
from payments.notices import produce_payment_due_reminders
from payments.services import approve_payment_run
from portal.calendar.dates import pacific_time
from portal.models import (
    Facility,
    Notice,
    OrganisationMembership,
    Role,
    ScheduledNotice,
    User,
)
from portal.notifications.services import sweep_due_notices
from programs.wqip.models import (
    OptIn,
    OptInReportContact,
    PerDiem,
)
from programs.wqip.services.payments import run_payments, start_payment_run
from tests.factories import FacilityFactory, OptInFactory, UserFactory
from tests.programs.wqip.factories import (
    PerDiemExhibitFactory,
    bed_days,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def kinds_of(user) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(Notice.objects.filter(user=user).values_list("kind", flat=True))


@pytest.fixture
def two_facilities(db):
    """Two payable facilities (opted in for 2024, per diems on the interim exhibit) and a third
    with a zero per diem (a line, no money), each with an administrator and a staff member."""
    exhibit = PerDiemExhibitFactory.create(kind="interim")
    world: dict[str, Facility | User] = {}
    for name, per_diem in (("north", "20"), ("south", "10"), ("zero", "0")):
        facility = FacilityFactory.create(name=f"{name.title()} Care")
        OptInFactory.create(facility=facility, status=OptIn.Status.APPROVED, source="import")
        bed_days(facility, 100)
        PerDiem.objects.create(exhibit=exhibit, facility=facility, per_diem=Decimal(per_diem))
        world[name] = facility
        world[f"{name}_admin"] = UserFactory.create(role=Role.FACILITY_ADMIN, facilities=[facility])
        world[f"{name}_staff"] = UserFactory.create(role=Role.FACILITY_STAFF, facilities=[facility])
    return world


def test_given_approver_starts_run_when_swept_then_only_other_approvers_asked(
    two_facilities, approver, second_approver, analyst
):
    # when
    run = start_payment_run(program_year=2024, exhibit_kind="interim", started_by=approver)
    sweep_due_notices()
    sweep_due_notices()
    # then
    assert kinds_of(second_approver) == ["payment_run_awaiting_approval"]
    assert kinds_of(approver) == []
    assert kinds_of(analyst) == []
    notice = Notice.objects.get(user=second_approver)
    assert notice.link == f"/payments/runs/{run.pk}/"
    assert not Notice.objects.filter(user__role__in=[Role.FACILITY_ADMIN, Role.FACILITY_STAFF])


def test_given_draft_posted_before_sweep_when_swept_then_awaiting_approval_cancelled(
    two_facilities, analyst, approver
):
    # given
    run = start_payment_run(program_year=2024, exhibit_kind="interim", started_by=analyst)
    # when
    approve_payment_run(run=run, approver=approver)
    sweep_due_notices()
    # then
    row = ScheduledNotice.objects.get(kind="payment_run_awaiting_approval")
    assert row.state == ScheduledNotice.State.CANCELLED
    assert not Notice.objects.filter(kind="payment_run_awaiting_approval").exists()


def test_given_operator_run_when_computed_and_posted_then_nobody_asked_to_approve(
    two_facilities, approver
):
    # when
    run_payments(program_year=2024, exhibit_kind="interim")
    # then
    assert not ScheduledNotice.objects.filter(kind="payment_run_awaiting_approval").exists()
    assert ScheduledNotice.objects.filter(kind="payment_issued").count() == 2


def test_given_run_posted_when_swept_then_each_facility_told_once_about_itself_only(
    two_facilities, analyst, approver
):
    # given
    w = two_facilities
    run = start_payment_run(program_year=2024, exhibit_kind="interim", started_by=analyst)
    # when
    approve_payment_run(run=run, approver=approver)
    sweep_due_notices()
    sweep_due_notices()
    # then: money moved for north and south (issued + report), zero only has a report
    for name in ("north", "south"):
        assert kinds_of(w[f"{name}_admin"]) == ["payment_issued", "report_published"]
        assert kinds_of(w[f"{name}_staff"]) == ["payment_issued", "report_published"]
    assert kinds_of(w["zero_admin"]) == ["report_published"]
    # and every facility user's notices are about their own facility
    for name in ("north", "south", "zero"):
        for user in (w[f"{name}_admin"], w[f"{name}_staff"]):
            notices = Notice.objects.filter(user=user)
            assert {n.facility_id for n in notices} == {w[name].pk}
            assert all(n.link == f"/payments/facilities/{w[name].npi}/" for n in notices)
    assert ScheduledNotice.objects.filter(kind="payment_issued").count() == 2
    assert ScheduledNotice.objects.filter(kind="report_published").count() == 3
    # payment issued is mandatory e-mail; the e-mail carries no amount
    issued = [m for m in mail.outbox if m.subject == "A WQIP payment has been issued"]
    assert sorted(m.to[0] for m in issued) == sorted(
        w[f"{name}_{role}"].email for name in ("north", "south") for role in ("admin", "staff")
    )
    assert all("2000.00" not in m.body and "1000.00" not in m.body for m in mail.outbox)
    assert all("2,000" not in m.body and "1,000" not in m.body for m in mail.outbox)


def test_given_user_of_two_facilities_when_one_paid_then_told_about_that_one(
    two_facilities, analyst, approver
):
    # given a consultant who is a member of north only, and formerly of south
    w = two_facilities
    consultant = UserFactory.create(role=Role.FACILITY_STAFF, facilities=[w["north"]])
    OrganisationMembership.objects.create(user=consultant, organisation=w["south"], is_active=False)
    run = start_payment_run(program_year=2024, exhibit_kind="interim", started_by=analyst)
    # when
    approve_payment_run(run=run, approver=approver)
    sweep_due_notices()
    # then
    assert {n.facility_id for n in Notice.objects.filter(user=consultant)} == {w["north"].pk}


def test_given_approved_web_opt_in_with_report_contacts_when_paid_then_contacts_only(
    two_facilities, analyst, approver
):
    # given north's approved web opt-in lists its staff member (by e-mail, another case) and
    # someone without a portal account; a user of south shares nothing with north
    w = two_facilities
    opt_in = OptIn.objects.get(facility=w["north"])
    OptIn.objects.filter(pk=opt_in.pk).update(source="web")
    OptInReportContact.objects.create(
        opt_in=opt_in, name="Staff", email=w["north_staff"].email.upper()
    )
    OptInReportContact.objects.create(opt_in=opt_in, name="Outside", email="cfo@example.test")
    OptInReportContact.objects.create(
        opt_in=opt_in, name="Other facility", email=w["south_admin"].email
    )
    run = start_payment_run(program_year=2024, exhibit_kind="interim", started_by=analyst)
    # when
    approve_payment_run(run=run, approver=approver)
    sweep_due_notices()
    # then
    assert kinds_of(w["north_staff"]) == ["payment_issued", "report_published"]
    assert kinds_of(w["north_admin"]) == []
    assert {n.facility_id for n in Notice.objects.filter(user=w["south_admin"])} == {w["south"].pk}


def test_given_report_contacts_without_portal_accounts_when_paid_then_all_active_members(
    two_facilities, analyst, approver
):
    # given
    w = two_facilities
    opt_in = OptIn.objects.get(facility=w["north"])
    OptIn.objects.filter(pk=opt_in.pk).update(source="web")
    OptInReportContact.objects.create(opt_in=opt_in, name="Outside", email="cfo@example.test")
    run = start_payment_run(program_year=2024, exhibit_kind="interim", started_by=analyst)
    # when
    approve_payment_run(run=run, approver=approver)
    sweep_due_notices()
    # then
    assert kinds_of(w["north_admin"]) == ["payment_issued", "report_published"]
    assert kinds_of(w["north_staff"]) == ["payment_issued", "report_published"]


# --- payment due (daily producer) ----------------------------------------------------------


@pytest.fixture
def draft_run(two_facilities, analyst):
    """A draft interim run; its money is due Thu 26 Jun 2025 (exhibit received + 45 days)."""
    run = start_payment_run(program_year=2024, exhibit_kind="interim", started_by=analyst)
    assert {line.due_date for line in run.lines.exclude(net_amount=0)} == {D(2025, 6, 26)}
    return run


def due_rows() -> list[tuple[datetime.date, bool]]:
    return sorted(
        (timezone.localdate(row.due_at), row.data["is_past_due"])
        for row in ScheduledNotice.objects.filter(kind="payment_past_due")
    )


def test_given_unreleased_run_when_producer_runs_daily_then_10_and_3_working_days_and_past_due(
    draft_run,
):
    # when the producer runs every day of June 2025, twice a day
    day = D(2025, 6, 1)
    while day <= D(2025, 6, 30):
        produce_payment_due_reminders(day)
        produce_payment_due_reminders(day)
        day += datetime.timedelta(days=1)
    # then: Thu 12 Jun (10 working days before), Mon 23 Jun (3 before), Fri 27 Jun (past due)
    assert due_rows() == [
        (D(2025, 6, 12), False),
        (D(2025, 6, 23), False),
        (D(2025, 6, 27), True),
    ]


def test_given_due_reminder_when_swept_then_finance_approvers_told_without_figures(
    draft_run, approver, analyst
):
    # given
    produce_payment_due_reminders(D(2025, 6, 27))
    # when
    sweep_due_notices(now=pacific_time(D(2025, 6, 27), 9))
    # then
    notice = Notice.objects.get(kind="payment_past_due")
    assert notice.user == approver
    assert notice.title == "A WQIP payment was due on 26 June 2025 and is past due"
    assert notice.link == f"/payments/runs/{draft_run.pk}/"
    assert not Notice.objects.filter(user=analyst).exists()


def test_given_run_posted_when_due_reminder_swept_then_cancelled(draft_run, second_approver):
    # given
    produce_payment_due_reminders(D(2025, 6, 23))
    approve_payment_run(run=draft_run, approver=second_approver)
    # when
    sweep_due_notices(now=pacific_time(D(2025, 6, 23), 9))
    # then
    row = ScheduledNotice.objects.get(kind="payment_past_due")
    assert row.state == ScheduledNotice.State.CANCELLED
    assert not Notice.objects.filter(kind="payment_past_due").exists()


def test_given_posted_run_when_producer_runs_then_no_due_reminder(draft_run, second_approver):
    # given
    approve_payment_run(run=draft_run, approver=second_approver)
    # when
    count = produce_payment_due_reminders(D(2025, 6, 27))
    # then
    assert count == 0
    assert PaymentRun.objects.get(pk=draft_run.pk).status == PaymentRun.Status.POSTED
