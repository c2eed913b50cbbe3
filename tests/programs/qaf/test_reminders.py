"""QAF reminders through the notification engine: due in 7 days, overdue, reports due, a new
rate with an adjustment owed; each scheduled once however often the producer runs, and sent
once by the sweeper to the facility's administrators."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest

from portal.calendar.dates import pacific_time
from portal.models import Notice, Role, ScheduledNotice
from portal.notifications.reminders import produce_daily_reminders
from portal.notifications.services import sweep_due_notices
from programs.qaf.services.declarations import declare_month, record_payment
from programs.qaf.services.participation import set_participation
from programs.qaf.services.rates import import_rate_years
from tests.factories import FacilityFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def three():  # type: ignore[no-untyped-def]
    """undeclared, declared-unpaid, declared-paid (March 2024; February declared and paid by
    both), and an exempt facility."""
    names = ("Undeclared", "Unpaid", "Paid", "Exempt")
    facilities = {name: FacilityFactory.create(name=name) for name in names}
    admins = {
        name: UserFactory.create(role=Role.FACILITY_ADMIN, facilities=[f])
        for name, f in facilities.items()
    }
    for name in ("Unpaid", "Paid"):
        for month, paid in ((D(2024, 2, 1), True), (D(2024, 3, 1), name == "Paid")):
            declaration = declare_month(
                facility=facilities[name],
                month=month,
                total_days=3_100,
                medicare_days=0,
                actor=admins[name],
                today=D(2024, 4, 10),
            )
            if paid:
                record_payment(
                    declaration=declaration,
                    paid_on=D(2024, 4, 12),
                    amount=declaration.fee,
                    method="eft",
                    reference="EFT",
                    actor=admins[name],
                    today=D(2024, 4, 12),
                )
    set_participation(
        facility=facilities["Exempt"],
        pays_fee=False,
        exemption_reason="ccrc",
        effective_on=D(2024, 1, 1),
        actor=UserFactory.create(role=Role.PROGRAM_ADMIN),
    )
    return facilities, admins


def rows(kind: str) -> set[tuple[str, datetime.datetime]]:
    return set(ScheduledNotice.objects.filter(kind=kind).values_list("facility__name", "due_at"))


def test_due_in_7_days_once(three) -> None:  # type: ignore[no-untyped-def]
    # 23 April 2024 is 7 days before March's 30 April due date
    produce_daily_reminders(today=D(2024, 4, 23))
    produce_daily_reminders(today=D(2024, 4, 24))  # a later run adds nothing
    at = pacific_time(D(2024, 4, 23), 8)
    assert rows("qaf_declaration_due") == {("Undeclared", at)}
    assert rows("qaf_payment_due") == {("Unpaid", at)}
    # sent once, to the facility's administrator, with the month and the due date
    sweep_due_notices(now=pacific_time(D(2024, 4, 23), 9))
    sweep_due_notices(now=pacific_time(D(2024, 4, 24), 9))
    _, admins = three
    notice = Notice.objects.get(user=admins["Unpaid"])
    assert notice.title == "QAF for March 2024 is due on 30 April 2024"
    assert Notice.objects.filter(user=admins["Undeclared"]).count() == 1
    assert not Notice.objects.filter(user__in=[admins["Paid"], admins["Exempt"]]).exists()


def test_not_yet_7_days_before_nothing(three) -> None:  # type: ignore[no-untyped-def]
    produce_daily_reminders(today=D(2024, 4, 22))
    assert not ScheduledNotice.objects.filter(kind__startswith="qaf_").exists()


def test_overdue_the_day_after(three) -> None:  # type: ignore[no-untyped-def]
    produce_daily_reminders(today=D(2024, 5, 1))
    produce_daily_reminders(today=D(2024, 5, 9))
    # March unpaid: overdue on 1 May; the facility that never declares in the portal is not
    # told it is overdue (reading [A]), only reminded 7 days before
    assert rows("qaf_overdue") == {("Unpaid", pacific_time(D(2024, 5, 1), 8))}
    # April not declared by 31 May: overdue on 1 June for the facilities that use the portal
    produce_daily_reminders(today=D(2024, 6, 2))
    june = pacific_time(D(2024, 6, 1), 8)
    assert {r for r in rows("qaf_overdue") if r[1] == june} == {("Unpaid", june), ("Paid", june)}


def test_paid_before_sending_cancels_the_reminder(three) -> None:  # type: ignore[no-untyped-def]
    facilities, admins = three
    produce_daily_reminders(today=D(2024, 4, 23))
    declaration = facilities["Unpaid"].qaf_declarations.get(month=D(2024, 3, 1))
    record_payment(
        declaration=declaration,
        paid_on=D(2024, 4, 23),
        amount=declaration.fee,
        method="eft",
        reference="EFT",
        actor=admins["Unpaid"],
        today=D(2024, 4, 23),
    )
    sweep_due_notices(now=pacific_time(D(2024, 4, 23), 9))
    assert not Notice.objects.filter(user=admins["Unpaid"]).exists()


def test_quarterly_and_annual_reports_due(three) -> None:  # type: ignore[no-untyped-def]
    # Q1 2024's report is due 30 June 2024: reminder 23 June; the annual report for 2023-24
    # is due 31 August 2024: reminder 24 August
    produce_daily_reminders(today=D(2024, 6, 23))
    produce_daily_reminders(today=D(2024, 8, 24))
    produce_daily_reminders(today=D(2024, 8, 25))
    paying = {"Undeclared", "Unpaid", "Paid"}
    assert rows("qaf_quarterly_report_due") == {
        (n, pacific_time(D(2024, 6, 23), 8)) for n in paying
    }
    assert rows("qaf_annual_report_due") == {(n, pacific_time(D(2024, 8, 24), 8)) for n in paying}
    assert (
        ScheduledNotice.objects.filter(kind="qaf_annual_report_due")
        .first()
        .data[  # type: ignore[union-attr]
            "fiscal_year"
        ]
        == "2023-2024"
    )


def test_new_rate_with_adjustment_owed_notifies_once(three) -> None:  # type: ignore[no-untyped-def]
    facilities, admins = three
    declare_month(
        facility=facilities["Unpaid"],
        month=D(2025, 1, 1),
        total_days=3_000,
        medicare_days=0,
        actor=admins["Unpaid"],
        today=D(2025, 2, 10),
    )
    header = b"rate_year,starts_on,ends_on,rate_under_100k,rate_over_100k,cms_approved_on\n"
    for _ in range(2):
        import_rate_years(
            handle=io.BytesIO(header + b"2025,2025-01-01,2025-12-31,20.93,19.46,2025-05-15\n"),
            actor=UserFactory.create(role=Role.PROGRAM_ADMIN),
        )
    notice = ScheduledNotice.objects.get(kind="qaf_rate_adjustment")
    assert notice.facility == facilities["Unpaid"]
    assert notice.data["rate_year"] == "2025"
    assert facilities["Unpaid"].qaf_declarations.get(
        month=D(2025, 1, 1)
    ).adjustments.get().amount == Decimal("1020.00")
