"""What the QAF pages share: who may do what, the month in a URL, file responses."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse

from portal.models import Facility, Role, User

LIST_ROLES = frozenset(
    {Role.LTSS_LIAISON, Role.FINANCE_ANALYST, Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN}
)


def uses_qaf(user: User) -> bool:
    """SNF users and the plan's SNF staff; ECM users have no SNF."""
    return user.is_superuser or user.is_facility_user or user.role in LIST_ROLES


def require_qaf_user(user: User) -> None:
    if not uses_qaf(user):
        raise PermissionDenied("The QAF pages are for SNFs and the plan's SNF staff.")


def require_facility_writer(user: User, facility: Facility) -> None:
    """Declarations and payments are the facility's own (the plan neither bills nor collects
    the fee): its users write them; the plan's staff read."""
    if not user.is_facility_user:
        raise PermissionDenied("Only the facility's users declare months and record payments.")


def require_program_admin(user: User) -> None:
    if not (user.is_superuser or user.role == Role.PROGRAM_ADMIN):
        raise PermissionDenied("Only program administrators change the rate table.")


def month_of(year: int, month: int) -> datetime.date:
    if not 1 <= month <= 12 or not 2004 <= year <= 2100:
        raise Http404("no such month")
    return datetime.date(year, month, 1)


def csv_download(
    name: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return response


def pdf_download(name: str, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
