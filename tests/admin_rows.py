"""One row of every model the Django admin shows, so each change form can be opened, and the
admin pages to open (``admin_urls``).

``build_admin_rows(world)`` goes through the services where the portal has them (a paid
facility, a determined dispute with an attachment and an edited internal note, an opt-in
extension, a sweep of the reminders it scheduled) and creates the rows no service writes
(Celery beat schedules, django-axes records, an auditlog entry, an access-log entry, an e-mail
address, a group) directly. ``models_without_rows()`` names the registered models
that still have none: a new model registered in the admin needs a row here.
"""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from disputes.services import notes as dispute_services
from portal.models import AccessLogEntry, User
from portal.notifications.services import sweep_due_notices
from programs.wqip.services.opt_in_review import grant_opt_in_extension
from tests.disputes.helpers import (
    add_internal_note,
    determined,
    paid_facility,
    pdf_upload,
    program_year,
)
from tests.programs.wqip.factories import CitationFactory
from tests.roles import World


def build_admin_rows(world: World) -> None:
    """At least one row of each model registered in ``admin.site`` (see module docstring)."""
    liaison = world.users["ltss_liaison"]
    paid_facility(
        world.facility,
        analyst=world.users["finance_analyst"],
        approver=world.users["finance_approver"],
    )
    dispute = determined(
        facility=world.facility, filer=world.users["facility_staff"], liaison=liaison
    )
    dispute_services.upload_attachment(dispute=dispute, upload=pdf_upload(), actor=liaison)
    note = add_internal_note(dispute, liaison)
    dispute_services.edit_note(note=note, editor=liaison, body="Edited after the call.")
    grant_opt_in_extension(
        facility=world.other_facility,
        program_year=program_year(),
        closes_on=_after_window(),
        reason="Administrator was on leave.",
        actor=world.users["program_admin"],
    )
    CitationFactory(facility=world.facility)
    # the dispute's clocks are reminders: a sweep a year ahead sends them (inbox rows, e-mails)
    sweep_due_notices(now=timezone.now() + datetime.timedelta(days=400), deliver_emails=False)
    AccessLogEntry.objects.create(
        user=liaison, facility=world.facility, what="bed-day members", row_count=3
    )
    EmailAddress.objects.create(user=liaison, email=liaison.email, primary=True, verified=True)
    _beat_rows()
    _axes_rows(email=world.users["facility_staff"].email)
    LogEntry.objects.log_create(
        world.facility,
        action=LogEntry.Action.UPDATE,
        changes={"name": ["Alder Creek", world.facility.name]},
        force_log=True,
    )
    Group.objects.create(name="Auditors")
    _qaf_rows(world)
    _ecm_rows(world)
    _ipp_rows(world)


def _ipp_rows(world: World) -> None:
    """IPP's year, submission, measure, letter, published document, comment and application
    (the permission matrix's, with a DHCS receipt in the ledger and a return waiting for
    approval) and a corrective action plan with an item."""

    from programs.ipp.models import IppCap, IppCapItem
    from tests.permissions.matrix_ipp import ipp_world

    ipp = ipp_world(world)
    cap = IppCap.objects.create(
        program_year=ipp["year"], title="Area 3 take-up", opened_on=datetime.date(2023, 2, 1)
    )
    IppCapItem.objects.create(
        cap=cap,
        description="Contract two housing navigators",
        owner=world.users["program_admin"],
        due_on=datetime.date(2023, 5, 1),
    )


def _ecm_rows(world: World) -> None:
    """An ECM measurement year and a provider's imported reimbursement base."""
    from decimal import Decimal

    from programs.ecm.models import MeasurementYear, ReimbursementBase

    year, _ = MeasurementYear.objects.get_or_create(year=2025)
    ReimbursementBase.objects.get_or_create(
        provider=world.ecm_provider_a,
        measurement_year=year,
        defaults={"amount": Decimal("170000.00"), "imported_by": world.users["program_admin"]},
    )


def _qaf_rows(world: World) -> None:
    """A declared and paid month, an exemption, and a rate adjustment (a month declared at
    2024's rate before a 2025 rate year was approved)."""
    import io
    from decimal import Decimal

    from programs.qaf.services.declarations import declare_month, record_payment
    from programs.qaf.services.participation import set_participation
    from programs.qaf.services.rates import import_rate_years

    admin = world.users["facility_admin"]
    march = declare_month(
        facility=world.facility,
        month=datetime.date(2024, 3, 1),
        total_days=3_400,
        medicare_days=300,
        actor=admin,
        today=datetime.date(2024, 4, 5),
    )
    record_payment(
        declaration=march,
        paid_on=datetime.date(2024, 4, 29),
        amount=Decimal("63829.00"),
        method="eft",
        reference="EFT-1",
        actor=admin,
        today=datetime.date(2024, 4, 30),
    )
    declare_month(
        facility=world.facility,
        month=datetime.date(2025, 1, 1),
        total_days=3_000,
        medicare_days=0,
        actor=admin,
        today=datetime.date(2025, 2, 10),
    )
    import_rate_years(
        handle=io.BytesIO(
            b"rate_year,starts_on,ends_on,rate_under_100k,rate_over_100k,cms_approved_on\n"
            b"2025,2025-01-01,2025-12-31,20.93,19.46,2025-05-15\n"
        ),
        actor=world.users["program_admin"],
    )
    set_participation(
        facility=world.other_facility, pays_fee=False, exemption_reason="ccrc",
        effective_on=datetime.date(2024, 1, 1), actor=world.users["program_admin"],
    )  # fmt: skip


def models_without_rows() -> list[str]:
    """Labels of the models registered in the admin that have no row."""
    return [
        model._meta.label for model in admin.site._registry if not model._default_manager.exists()
    ]


def admin_urls(user: User) -> list[str]:
    """Index, app indexes, and per registered model: changelist, one change form, add form."""
    request = RequestFactory().get(reverse("admin:index"))
    request.user = user
    urls = [reverse("admin:index")]
    app_labels: list[str] = []
    for model, model_admin in admin.site._registry.items():
        label = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if model._meta.app_label not in app_labels:
            app_labels.append(model._meta.app_label)
        urls.append(reverse(f"{label}_changelist"))
        row: Model | None = model._default_manager.order_by("pk").first()
        if row is not None:
            urls.append(reverse(f"{label}_change", args=[quote(row.pk)]))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{label}_add"))
    app_urls = [reverse("admin:app_list", args=[label]) for label in app_labels]
    return urls[:1] + app_urls + urls[1:]


def _after_window() -> datetime.date:
    closes_on = program_year().opt_in_closes_on or timezone.localdate()
    return closes_on + datetime.timedelta(days=14)


def _beat_rows() -> None:
    crontab = CrontabSchedule.objects.create(minute="15", hour="6")
    IntervalSchedule.objects.create(every=2, period=IntervalSchedule.MINUTES)
    SolarSchedule.objects.create(event="sunrise", latitude="37.80", longitude="-122.27")
    ClockedSchedule.objects.create(clocked_time=timezone.now() + datetime.timedelta(days=1))
    PeriodicTask.objects.create(
        name="produce-daily-reminders", task="portal.produce_daily_reminders", crontab=crontab
    )


def _axes_rows(*, email: str) -> None:
    now = timezone.now()
    common = {"ip_address": "192.0.2.10", "user_agent": "Browser", "username": email}
    AccessAttempt.objects.create(
        **common, failures_since_start=1, http_accept="*/*", path_info="/accounts/login/"
    )
    AccessFailureLog.objects.create(
        **common, attempt_time=now, http_accept="*/*", path_info="/accounts/login/"
    )
    AccessLog.objects.create(
        **common, attempt_time=now, http_accept="*/*", path_info="/accounts/login/"
    )
