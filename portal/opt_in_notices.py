"""Opt-in events -> notices of the notification engine (kinds ``opt_in_submitted``,
``opt_in_returned``, ``opt_in_approved``, ``opt_in_rejected``).

``schedule_transition_notice`` is called by ``opt_in_services._move`` inside the transaction of
the status change, so the notice exists exactly when the change commits; the sweeper then sends
it once. Notices carry a link to the opt-in, never form data.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from portal.models import OptIn, OptInVersion, ScheduledNotice
from portal.notifications.services import schedule_notice

VS = OptInVersion.Status
KIND_BY_STATUS = {
    VS.SUBMITTED: "opt_in_submitted",
    VS.RETURNED: "opt_in_returned",
    VS.APPROVED: "opt_in_approved",
    VS.REJECTED: "opt_in_rejected",
}


def schedule_transition_notice(
    *, opt_in: OptIn, version: OptInVersion, to: str
) -> ScheduledNotice | None:
    """The notice for a version moving to ``to``, due now; None when that status has none."""
    kind = KIND_BY_STATUS.get(to)
    if kind is None:
        return None
    return schedule_notice(
        kind=kind,
        subject=opt_in,
        facility=opt_in.facility,
        due_at=timezone.now(),
        link=reverse("portal:opt_in_detail", args=[opt_in.pk]),
        data={
            "program_year": opt_in.program_year.label,
            "version": version.number,
            "is_amendment": version.is_amendment,
        },
    )
