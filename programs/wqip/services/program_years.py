"""Program years: the opt-in window each year, set by program administrators."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portal.audit.services import (
    record_event,
)
from portal.models import (
    Role,
    User,
)
from programs.wqip.models import (
    ProgramYear,
)

# --- program years ---------------------------------------------------------------------------


def _require_role(actor: User, *roles: str) -> None:
    if actor.role not in roles:
        raise PermissionDenied(f"{actor} ({actor.role}) may not do this")


@transaction.atomic
def update_program_year_window(
    *,
    program_year: ProgramYear,
    opt_in_opens_on: datetime.date | None,
    opt_in_closes_on: datetime.date | None,
    actor: User,
) -> ProgramYear:
    """Program administrators set a program year's opt-in window (inclusive dates)."""
    _require_role(actor, Role.PROGRAM_ADMIN)
    if opt_in_opens_on and opt_in_closes_on and opt_in_closes_on < opt_in_opens_on:
        raise ValidationError("The window cannot close before it opens.")
    program_year = ProgramYear.objects.select_for_update().get(pk=program_year.pk)
    before = {
        "opt_in_opens_on": program_year.opt_in_opens_on,
        "opt_in_closes_on": program_year.opt_in_closes_on,
    }
    after = {"opt_in_opens_on": opt_in_opens_on, "opt_in_closes_on": opt_in_closes_on}
    if before == after:
        return program_year
    program_year.opt_in_opens_on = opt_in_opens_on
    program_year.opt_in_closes_on = opt_in_closes_on
    program_year.save(update_fields=["opt_in_opens_on", "opt_in_closes_on"])
    record_event(
        actor=actor,
        action="program_year.window_changed",
        target=program_year,
        data={
            "from": {k: v.isoformat() if v else None for k, v in before.items()},
            "to": {k: v.isoformat() if v else None for k, v in after.items()},
        },
    )
    return program_year
