"""Writes for the holiday calendar: yearly seeding of state holidays, plan closure days."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from portal.audit.services import record_event
from portal.calendar.dates import state_holidays
from portal.models import Holiday, User


@dataclass(frozen=True)
class SeedSummary:
    year: int
    created: int
    updated: int
    removed: int

    def __str__(self) -> str:
        return (
            f"{self.year}: {self.created} created, {self.updated} updated, "
            f"{self.removed} removed state holidays"
        )


@transaction.atomic
def seed_state_holidays(*, year: int, actor: User | None = None) -> SeedSummary:
    """Make the table's state holidays of ``year`` exactly the eleven of domain guide §10.
    Plan closure days are never touched; a closure row on a holiday's date stays a closure."""
    wanted = dict(state_holidays(year=year))
    existing = {h.date: h for h in Holiday.objects.select_for_update().filter(date__year=year)}
    created = updated = 0
    for day, name in wanted.items():
        row = existing.get(day)
        if row is None:
            Holiday.objects.create(date=day, name=name, source=Holiday.Source.STATE)
            created += 1
        elif row.source == Holiday.Source.STATE and row.name != name:
            row.name = name
            row.save(update_fields=["name"])
            updated += 1
    stale = [
        h.pk for d, h in existing.items() if h.source == Holiday.Source.STATE and d not in wanted
    ]
    Holiday.objects.filter(pk__in=stale).delete()
    summary = SeedSummary(year=year, created=created, updated=updated, removed=len(stale))
    if created or updated or stale:
        record_event(
            actor=actor,
            action="holidays.seeded",
            reason=f"state holidays {year}",
            data={"created": created, "updated": updated, "removed": len(stale)},
        )
    return summary


@transaction.atomic
def save_plan_closure_day(*, holiday: Holiday, actor: User) -> Holiday:
    """An admin adds or edits a non-working day (plan closure); the change is audited."""
    is_new = holiday.pk is None
    if is_new:
        holiday.added_by = actor
    holiday.save()
    record_event(
        actor=actor,
        action="holiday.added" if is_new else "holiday.changed",
        target=holiday,
        data={"date": holiday.date.isoformat(), "source": holiday.source},
    )
    return holiday


@transaction.atomic
def delete_holiday(*, holiday: Holiday, actor: User) -> None:
    record_event(
        actor=actor,
        action="holiday.deleted",
        target=holiday,
        data={"date": holiday.date.isoformat(), "source": holiday.source},
    )
    holiday.delete()
