"""Who receives a notice. A resolver takes the ScheduledNotice and returns users; the engine
then drops anyone who may not see the notice's facility (see ``allowed_recipients``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q, QuerySet

from portal.models import Role, ScheduledNotice, User
from portal.models.accounts import FACILITY_ROLES

Resolver = Callable[[ScheduledNotice], Iterable[User]]


def _active() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def facility_administrators(notice: ScheduledNotice) -> QuerySet[User]:
    if notice.facility_id is None:
        return User.objects.none()
    return _active().filter(
        role=Role.FACILITY_ADMIN,
        memberships__facility_id=notice.facility_id,
        memberships__is_active=True,
    )


def report_contacts(notice: ScheduledNotice) -> QuerySet[User]:
    """Until the opt-in form records report contacts, every active member of the facility
    (the people who see its reports and payments)."""
    if notice.facility_id is None:
        return User.objects.none()
    return _active().filter(
        role__in=FACILITY_ROLES,
        memberships__facility_id=notice.facility_id,
        memberships__is_active=True,
    )


def finance_approvers(notice: ScheduledNotice) -> QuerySet[User]:
    users = _active().filter(role=Role.FINANCE_APPROVER)
    started_by_id = getattr(notice.subject, "started_by_id", None)
    if started_by_id is not None:  # a run is approved by someone other than its starter
        users = users.exclude(pk=started_by_id)
    return users


def program_admins(notice: ScheduledNotice) -> QuerySet[User]:
    return _active().filter(Q(role=Role.PROGRAM_ADMIN) | Q(is_superuser=True))


def case_assignee(notice: ScheduledNotice) -> list[User]:
    """The subject's ``assignee`` when it has one, else the facility's primary liaison."""
    assignee = getattr(notice.subject, "assignee", None)
    if isinstance(assignee, User):
        return [assignee]
    if notice.facility_id is None:
        return []
    return list(_active().filter(liaison_assignments__facility_id=notice.facility_id))


def case_assignee_escalating(notice: ScheduledNotice) -> list[User]:
    """Assignee; also the program admins when the row says so (decision due day 40)."""
    users = case_assignee(notice)
    if notice.data.get("notify_program_admin"):
        users += list(program_admins(notice))
    return users


def case_assignee_and_lead(notice: ScheduledNotice) -> list[User]:
    """Assignee and their lead (the program admins, who lead the liaison team)."""
    return case_assignee(notice) + list(program_admins(notice))


def filer_and_facility_administrators(notice: ScheduledNotice) -> list[User]:
    users = list(facility_administrators(notice))
    filer = getattr(notice.subject, "filed_by", None)
    if isinstance(filer, User):
        users.append(filer)
    return users


def active_member_ids(*, facility_id: int) -> set[int]:
    return set(
        User.objects.filter(
            memberships__facility_id=facility_id, memberships__is_active=True
        ).values_list("pk", flat=True)
    )


def allowed_recipients(
    users: Iterable[User], *, facility_id: int | None, facility_members: set[int] | None = None
) -> list[User]:
    """Active users, each once; a facility user only for a notice about a facility they are an
    active member of. Plan staff see every facility. ``facility_members`` (the facility's
    active member ids) saves a query when the caller already has it."""
    unique = {user.pk: user for user in users if user.is_active}
    has_facility_users = any(user.role in FACILITY_ROLES for user in unique.values())
    members: set[int] = set()
    if has_facility_users and facility_id is not None:
        members = (
            facility_members
            if facility_members is not None
            else active_member_ids(facility_id=facility_id)
        )
    return [
        user
        for pk, user in sorted(unique.items())
        if user.role not in FACILITY_ROLES or pk in members
    ]
