"""Investment applications: a contracted provider applies (budget lines, documents); the plan's
program administrator awards or declines with a reason. An award to a SNF is paid by the next
IPP award payment run (payments: two-person approval, the ledger)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from portal.audit.services import record_event
from portal.files.uploads import check_upload
from portal.models import Organisation, Role, User
from portal.money import round_money
from programs.ipp.models import (
    IppApplication,
    IppApplicationDocument,
    IppBudgetLine,
    IppProgramYear,
)


class ApplicationError(ValueError):
    pass


def store_pdf(model: type[Any], upload: Any, *, actor: User, **owner: Any) -> Any:
    checked = check_upload(upload, allowed_types=("application/pdf",))
    document = model(
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        **owner,
    )
    document.file.save(checked.original_name, upload, save=False)
    document.save()
    return document


@transaction.atomic
def submit_application(
    *,
    organisation: Organisation,
    program_year: IppProgramYear,
    title: str,
    purpose: str,
    priority_area: int,
    budget_lines: list[tuple[str, Decimal]],
    actor: User,
    document: Any = None,
) -> IppApplication:
    if not actor.memberships.filter(organisation=organisation, is_active=True).exists():
        raise PermissionDenied("only the organisation's own users apply for it")
    if not budget_lines:
        raise ApplicationError("an application needs at least one budget line")
    application = IppApplication.objects.create(
        organisation=organisation,
        program_year=program_year,
        title=title,
        purpose=purpose,
        priority_area=priority_area,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    IppBudgetLine.objects.bulk_create(
        IppBudgetLine(application=application, description=d, amount=round_money(a))
        for d, a in budget_lines
    )
    if document is not None:
        store_pdf(IppApplicationDocument, document, actor=actor, application=application)
    record_event(
        actor=actor,
        action="ipp.application.submitted",
        target=application,
        data={"requested": str(application.requested), "organisation": organisation.pk},
    )
    return application


@transaction.atomic
def decide_application(
    *,
    application: IppApplication,
    decision: str,
    reason: str,
    actor: User,
    amount: Decimal | None = None,
) -> IppApplication:
    if not (actor.is_superuser or actor.role == Role.PROGRAM_ADMIN):
        raise PermissionDenied("only the program administrator decides IPP applications")
    application = IppApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != IppApplication.Status.SUBMITTED:
        raise ApplicationError(
            f"application {application.pk} is already {application.get_status_display().lower()}"
        )
    if not reason.strip():
        raise ApplicationError("give the reason for the decision")
    if decision == IppApplication.Status.APPROVED:
        if amount is None or amount <= 0:
            raise ApplicationError("an award needs an amount above zero")
        if amount > application.requested:
            raise ApplicationError(
                f"the award ({amount}) is more than was asked ({application.requested})"
            )
        application.awarded_amount = round_money(amount)
    elif decision != IppApplication.Status.DECLINED:
        raise ApplicationError(f"'{decision}' is not a decision")
    application.status = decision
    application.decision_reason = reason
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save()
    record_event(
        actor=actor,
        action=f"ipp.application.{decision}",
        target=application,
        reason=reason,
        data={"amount": str(application.awarded_amount or "")},
    )
    return application


@transaction.atomic
def answer_survey(
    *,
    organisation: Organisation,
    program_year: IppProgramYear,
    answers: dict[str, Any],
    actor: User,
) -> Any:
    """A provider's yearly needs survey; answering again replaces the year's answer."""
    from programs.ipp.models import IppNeedsSurvey

    if not actor.memberships.filter(organisation=organisation, is_active=True).exists():
        raise PermissionDenied("only the organisation's own users answer its survey")
    survey, created = IppNeedsSurvey.objects.update_or_create(
        organisation=organisation,
        program_year=program_year,
        defaults={
            "members_served": answers["members_served"],
            "staff_needed": answers["staff_needed"],
            "top_needs": answers["top_needs"],
            "barriers": answers.get("barriers", ""),
            "submitted_by": actor,
            "submitted_at": timezone.now(),
        },
    )
    record_event(
        actor=actor,
        action="ipp.survey.answered" if created else "ipp.survey.replaced",
        target=survey,
    )
    return survey
